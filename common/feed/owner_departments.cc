// Owner departments from the org feed.
#include "common/feed/owner_departments.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "common/db/database.h"
#include "crm/common/v1/changes.pb.h"
#include "crm/org/v1/structure.pb.h"

namespace crm {
namespace {

void ApplyDepartment(MySqlConnection& c, const org::v1::Department& department,
                     const std::vector<OwnedTable>& tables) {
  for (const OwnedTable& owned : tables) {
    sql::PreparedStatement& update =
        c.Prepare(absl::StrCat("UPDATE ", owned.table,
                               " SET owner_department_path = ? WHERE owner_department_id = ?"
                               " AND owner_department_path <> ?"));
    update.setString(1, department.path());
    update.setInt64(2, department.id());
    update.setString(3, department.path());
    update.executeUpdate();
  }
  sql::PreparedStatement& members =
      c.Prepare("UPDATE owner_departments SET department_path = ? WHERE department_id = ?");
  members.setString(1, department.path());
  members.setInt64(2, department.id());
  members.executeUpdate();
}

void ApplyEmployee(MySqlConnection& c, const org::v1::Employee& employee,
                   const std::vector<OwnedTable>& tables) {
  // First, so that a create holding this row in share mode (CurrentOwner)
  // commits before the records are moved, and is moved with them.
  sql::PreparedStatement& where = c.Prepare(
      "INSERT INTO owner_departments (employee_id, department_id, department_path)"
      " VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE department_id = VALUES(department_id),"
      " department_path = VALUES(department_path)");
  where.setInt64(1, employee.id());
  where.setInt64(2, employee.department_id());
  where.setString(3, employee.department_path());
  where.executeUpdate();
  for (const OwnedTable& owned : tables) {
    sql::PreparedStatement& update = c.Prepare(absl::StrCat(
        "UPDATE ", owned.table,
        " SET owner_department_id = ?, owner_department_path = ?"
        " WHERE owner_id = ? AND (owner_department_id <> ? OR owner_department_path <> ?)"));
    update.setInt64(1, employee.department_id());
    update.setString(2, employee.department_path());
    update.setInt64(3, employee.id());
    update.setInt64(4, employee.department_id());
    update.setString(5, employee.department_path());
    update.executeUpdate();
  }
}

}  // namespace

void ApplyOwnerDepartmentChange(MySqlConnection& c, const common::v1::Change& change,
                                const std::vector<OwnedTable>& tables) {
  if (change.entity_type() == "crm.org.v1.Department") {
    org::v1::Department department;
    if (change.state().UnpackTo(&department)) ApplyDepartment(c, department, tables);
  } else if (change.entity_type() == "crm.org.v1.Employee") {
    org::v1::Employee employee;
    if (change.state().UnpackTo(&employee)) ApplyEmployee(c, employee, tables);
  }
}

Owner CurrentOwner(MySqlConnection& c, const Caller& caller) {
  Owner owner{caller.employee_id, caller.department_id, caller.department_path};
  if (caller.employee_id == 0) return owner;
  sql::PreparedStatement& stmt = c.Prepare(
      "SELECT department_id, department_path FROM owner_departments"
      " WHERE employee_id = ? LOCK IN SHARE MODE");
  stmt.setInt64(1, caller.employee_id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (rs->next()) {
    owner.department_id = rs->getInt64(1);
    owner.department_path = rs->getString(2);
  }
  return owner;
}

}  // namespace crm
