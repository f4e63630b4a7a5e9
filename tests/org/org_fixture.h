// A fresh crm_org schema per test, with every migration applied, and callers
// to act as.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/db/migrations.h"
#include "common/rpc/call_context.h"
#include "tests/support/callers.h"
#include "tests/support/scratch_database.h"

namespace crm {
std::vector<MigrationFile> OrgMigrations();
}

namespace crm::testing {

class OrgDatabaseTest : public ScratchDatabaseTest {
 protected:
  OrgDatabaseTest() : ScratchDatabaseTest(&OrgMigrations) {}

  // A caller as the gateway would describe it. `department_path` like "/1/4/".
  static CallContext As(int64_t user_id, RoleSet roles, int64_t employee_id = 0,
                        int64_t department_id = 0, const std::string& department_path = "") {
    return CallerBuilder(user_id)
        .Roles(roles)
        .Employee(employee_id)
        .Department(department_id, department_path);
  }

  static CallContext Admin() { return As(1, Bit(Role::kAdministrator)); }
};

}  // namespace crm::testing
