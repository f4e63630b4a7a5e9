// OwnerOf.
#include "services/reporting/read_model_owner.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "common/db/mysql_pool.h"

namespace crm::reporting {

Owner OwnerOf(MySqlConnection& c, int64_t employee_id) {
  Owner owner{employee_id, 0, ""};
  if (employee_id == 0) return owner;
  sql::PreparedStatement& stmt = c.Prepare(
      "SELECT department_id, department_path FROM owner_departments WHERE employee_id = ?"
      " LOCK IN SHARE MODE");
  stmt.setInt64(1, employee_id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (rs->next()) {
    owner.department_id = rs->getInt64(1);
    owner.department_path = rs->getString(2);
  }
  return owner;
}

}  // namespace crm::reporting
