// Migrations against a real MariaDB: idempotence, the lock, changed files.
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <gtest/gtest.h>

#include <thread>

#include "common/db/migrations.h"
#include "common/db/mysql_pool.h"
#include "tests/support/mariadb_server.h"

namespace crm {
namespace {

using testing::MariaDbServer;

std::vector<MigrationFile> Files() {
  return {{"common", "V0001__log.sql", "CREATE TABLE log (id INT PRIMARY KEY);"},
          {"svc", "V0001__things.sql",
           "CREATE TABLE things (id INT PRIMARY KEY, name VARCHAR(20));\n"
           "INSERT INTO things VALUES (1, '华东');"},
          {"svc", "V0002__more.sql", "ALTER TABLE things ADD COLUMN city VARCHAR(20) NULL;"}};
}

int64_t Count(MySqlPool& pool, const std::string& table) {
  auto c = pool.Acquire();
  std::unique_ptr<sql::ResultSet> rs((*c)->Prepare("SELECT COUNT(*) FROM " + table).executeQuery());
  rs->next();
  return rs->getInt64(1);
}

TEST(MigrationsTest, AppliedTwiceIsAppliedOnce) {
  MySqlPool pool(MariaDbServer::Get().ScratchSchema());
  auto first = ApplyMigrations(pool, Files());
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->applied, 3);
  EXPECT_EQ(first->latest, "svc/V2");
  auto second = ApplyMigrations(pool, Files());
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->applied, 0);
  EXPECT_EQ(second->already_applied, 3);
  EXPECT_EQ(Count(pool, "things"), 1);
  EXPECT_EQ(Count(pool, "schema_migrations"), 3);
}

TEST(MigrationsTest, ANewFileIsAppliedLater) {
  MySqlPool pool(MariaDbServer::Get().ScratchSchema());
  std::vector<MigrationFile> files = Files();
  files.pop_back();
  ASSERT_TRUE(ApplyMigrations(pool, files).ok());
  auto report = ApplyMigrations(pool, Files());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->applied, 1);
}

TEST(MigrationsTest, ReplicasStartingTogetherApplyEachMigrationOnce) {
  MySqlOptions options = MariaDbServer::Get().ScratchSchema();
  std::vector<absl::StatusOr<MigrationReport>> reports(4, absl::UnknownError("not run"));
  std::vector<std::thread> replicas;
  for (int i = 0; i < 4; ++i) {
    replicas.emplace_back([&, i] {
      MySqlPool pool(options);
      reports[i] = ApplyMigrations(pool, Files());
    });
  }
  for (auto& r : replicas) r.join();
  int applied = 0;
  for (const auto& r : reports) {
    ASSERT_TRUE(r.ok()) << r.status();
    applied += r->applied;
  }
  EXPECT_EQ(applied, 3);
  MySqlPool pool(options);
  EXPECT_EQ(Count(pool, "things"), 1);
}

TEST(MigrationsTest, AnAppliedFileThatChangedStopsStartUp) {
  MySqlPool pool(MariaDbServer::Get().ScratchSchema());
  ASSERT_TRUE(ApplyMigrations(pool, Files()).ok());
  std::vector<MigrationFile> edited = Files();
  edited[1].sql += "\n-- an innocent-looking edit";
  auto report = ApplyMigrations(pool, edited);
  ASSERT_EQ(report.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(std::string(report.status().message()).find("svc/V0001__things.sql was changed"),
            std::string::npos);
}

TEST(MigrationsTest, AFailingStatementIsReportedAndNotRecorded) {
  MySqlPool pool(MariaDbServer::Get().ScratchSchema());
  std::vector<MigrationFile> files = {
      {"svc", "V0001__bad.sql", "CREATE TABLE ok (id INT);\nNOT SQL AT ALL;"}};
  auto report = ApplyMigrations(pool, files);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(std::string(report.status().message()).find("V0001__bad.sql statement 2"),
            std::string::npos);
  EXPECT_EQ(Count(pool, "schema_migrations"), 0);
}

}  // namespace
}  // namespace crm
