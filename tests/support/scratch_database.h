// A private schema per test, with the common migrations and a service's own
// applied: what every integration test of a repository or handler stands on.
//
//   class ContactsTest : public testing::ScratchDatabaseTest {
//    protected:
//     ContactsTest() : ScratchDatabaseTest(&CustomerMigrations) {}
//     void SetUp() override {
//       ScratchDatabaseTest::SetUp();
//       repository_ = std::make_unique<ContactRepository>(*db_);
//     }
//   };
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "common/db/database.h"
#include "common/db/migrations.h"
#include "common/db/mysql_pool.h"

namespace crm::testing {

class ScratchDatabaseTest : public ::testing::Test {
 protected:
  using Migrations = std::vector<MigrationFile> (*)();
  // `service_migrations`: the service's files, applied after the common ones;
  // null for the common ones alone.
  explicit ScratchDatabaseTest(Migrations service_migrations) : migrations_(service_migrations) {}

  // Makes the schema and applies the migrations (a failure fails the test).
  void SetUp() override;

  // Every migration this test's schema has: the common ones, then the service's.
  std::vector<MigrationFile> AllMigrations() const;
  // The single number a COUNT(*) (or any one-value query) returns.
  int64_t Count(const std::string& sql);
  // Runs a statement that returns nothing.
  void Exec(const std::string& sql);

  MySqlOptions options_;
  std::unique_ptr<MySqlPool> pool_;
  std::unique_ptr<Database> db_;

 private:
  Migrations migrations_;
};

}  // namespace crm::testing
