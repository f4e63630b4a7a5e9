// The organisation structure's repositories, for tests that need departments,
// positions and employees to exist.
#pragma once

#include "common/db/database.h"
#include "services/org/department_repository.h"
#include "services/org/employee_repository.h"
#include "services/org/position_repository.h"

namespace crm::testing {

struct OrgStructure {
  explicit OrgStructure(Database& db) : departments(db), positions(db), employees(db) {}

  org::DepartmentRepository departments;
  org::PositionRepository positions;
  org::EmployeeRepository employees;
};

}  // namespace crm::testing
