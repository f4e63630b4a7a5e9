// ScratchDatabaseTest.
#include "tests/support/scratch_database.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "tests/support/mariadb_server.h"

namespace crm::testing {

void ScratchDatabaseTest::SetUp() {
  options_ = MariaDbServer::Get().ScratchSchema();
  options_.pool_size = 8;
  pool_ = std::make_unique<MySqlPool>(options_);
  db_ = std::make_unique<Database>(*pool_);
  absl::StatusOr<MigrationReport> report = ApplyMigrations(*pool_, AllMigrations());
  ASSERT_TRUE(report.ok()) << report.status();
}

std::vector<MigrationFile> ScratchDatabaseTest::AllMigrations() const {
  std::vector<MigrationFile> files = CommonMigrations();
  if (migrations_ != nullptr) {
    for (MigrationFile& file : migrations_()) files.push_back(std::move(file));
  }
  return files;
}

int64_t ScratchDatabaseTest::Count(const std::string& sql) {
  auto connection = pool_->Acquire();
  if (!connection.ok()) {
    ADD_FAILURE() << connection.status();
    return -1;
  }
  std::unique_ptr<sql::ResultSet> rs((*connection)->Prepare(sql).executeQuery());
  EXPECT_TRUE(rs->next()) << sql;
  return rs->getInt64(1);
}

void ScratchDatabaseTest::Exec(const std::string& sql) {
  auto connection = pool_->Acquire();
  ASSERT_TRUE(connection.ok()) << connection.status();
  (*connection)->Execute(sql);
}

}  // namespace crm::testing
