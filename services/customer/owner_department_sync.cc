// Owner department maintenance from the org feed.
#include "services/customer/owner_department_sync.h"

#include <cppconn/prepared_statement.h>

#include "common/db/database.h"
#include "crm/org/v1/structure.pb.h"

namespace crm::customer {

void ApplyOrgChange(MySqlConnection& c, const common::v1::Change& change) {
  if (change.entity_type() == "crm.org.v1.Department") {
    org::v1::Department department;
    if (!change.state().UnpackTo(&department)) return;
    sql::PreparedStatement& update = c.Prepare(
        "UPDATE customers SET owner_department_path = ? WHERE owner_department_id = ?"
        " AND owner_department_path <> ?");
    update.setString(1, department.path());
    update.setInt64(2, department.id());
    update.setString(3, department.path());
    update.executeUpdate();
    sql::PreparedStatement& members = c.Prepare(
        "UPDATE owner_departments SET department_path = ? WHERE department_id = ?");
    members.setString(1, department.path());
    members.setInt64(2, department.id());
    members.executeUpdate();
  } else if (change.entity_type() == "crm.org.v1.Employee") {
    org::v1::Employee employee;
    if (!change.state().UnpackTo(&employee)) return;
    // First, so that a create holding this row in share mode (CurrentOwner)
    // commits before the customers are moved, and is moved with them.
    sql::PreparedStatement& where = c.Prepare(
        "INSERT INTO owner_departments (employee_id, department_id, department_path)"
        " VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE department_id = VALUES(department_id),"
        " department_path = VALUES(department_path)");
    where.setInt64(1, employee.id());
    where.setInt64(2, employee.department_id());
    where.setString(3, employee.department_path());
    where.executeUpdate();
    sql::PreparedStatement& update = c.Prepare(
        "UPDATE customers SET owner_department_id = ?, owner_department_path = ?"
        " WHERE owner_id = ? AND (owner_department_id <> ? OR owner_department_path <> ?)");
    update.setInt64(1, employee.department_id());
    update.setString(2, employee.department_path());
    update.setInt64(3, employee.id());
    update.setInt64(4, employee.department_id());
    update.setString(5, employee.department_path());
    update.executeUpdate();
  }
}

}  // namespace crm::customer
