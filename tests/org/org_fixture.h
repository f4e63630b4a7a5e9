// A fresh crm_org schema per test, with every migration applied, and callers
// to act as.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/db/database.h"
#include "common/db/migrations.h"
#include "common/db/mysql_pool.h"
#include "common/rpc/call_context.h"
#include "tests/support/mariadb_server.h"

namespace crm {
std::vector<MigrationFile> OrgMigrations();
}

namespace crm::testing {

class OrgDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MySqlOptions options = MariaDbServer::Get().ScratchSchema();
    options.pool_size = 8;
    pool_ = std::make_unique<MySqlPool>(options);
    db_ = std::make_unique<Database>(*pool_);
    std::vector<MigrationFile> files = CommonMigrations();
    for (MigrationFile& f : OrgMigrations()) files.push_back(f);
    absl::StatusOr<MigrationReport> report = ApplyMigrations(*pool_, files);
    ASSERT_TRUE(report.ok()) << report.status();
  }

  // A caller as the gateway would describe it. `department_path` like "/1/4/".
  static CallContext As(int64_t user_id, RoleSet roles, int64_t employee_id = 0,
                        int64_t department_id = 0, const std::string& department_path = "") {
    CallContext call;
    call.caller.subject = absl::StrCat("user:", user_id);
    call.caller.user_id = user_id;
    call.caller.roles = roles;
    call.caller.employee_id = employee_id;
    call.caller.department_id = department_id;
    call.caller.department_path = department_path;
    call.caller.display_name = absl::StrCat("user ", user_id);
    call.actor = call.caller.subject;
    call.request_id = "test";
    call.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    return call;
  }

  static CallContext Admin() { return As(1, Bit(Role::kAdministrator)); }

  std::unique_ptr<MySqlPool> pool_;
  std::unique_ptr<Database> db_;
};

}  // namespace crm::testing
