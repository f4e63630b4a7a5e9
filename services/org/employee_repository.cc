// EmployeeRepository: prepared statements over employees.
#include "services/org/employee_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "common/feed/change_log.h"
#include "common/feed/versioned_rows.h"
#include "services/org/department_repository.h"
#include "services/org/position_repository.h"
#include "services/org/token_revocations.h"
#include "services/org/user_repository.h"

namespace crm::org {
namespace {

using v1::Department;
using v1::Employee;

// The department's path comes along: visibility rules read it.
constexpr char kEmployeeSelect[] =
    "SELECT e.id, e.name, e.department_id, e.position_id, e.phone, e.email, e.hire_date,"
    " e.leave_date, e.status, e.version, e.created_at, e.updated_at, d.path"
    " FROM employees e JOIN departments d ON d.id = e.department_id";

Employee ReadEmployee(sql::ResultSet& rs) {
  Employee e;
  e.set_id(rs.getInt64(1));
  e.set_name(rs.getString(2));
  e.set_department_id(rs.getInt64(3));
  e.set_position_id(rs.isNull(4) ? 0 : rs.getInt64(4));
  e.set_phone(rs.getString(5));
  e.set_email(rs.getString(6));
  if (!rs.isNull(7)) e.set_hire_date(rs.getString(7));
  if (!rs.isNull(8)) e.set_leave_date(rs.getString(8));
  e.set_status(static_cast<v1::EmployeeStatus>(rs.getInt(9)));
  e.set_etag(EtagOf(rs.getInt64(10)));
  SqlDateTimeToTimestamp(rs.getString(11), e.mutable_create_time());
  SqlDateTimeToTimestamp(rs.getString(12), e.mutable_update_time());
  e.set_department_path(rs.getString(13));
  return e;
}

std::unique_ptr<Employee> LoadEmployee(MySqlConnection& c, int64_t id, bool for_update) {
  sql::PreparedStatement& stmt =
      c.Prepare(absl::StrCat(kEmployeeSelect, " WHERE e.id = ?", for_update ? " FOR UPDATE" : ""));
  stmt.setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  return std::make_unique<Employee>(ReadEmployee(*rs));
}

const RecordTable<Employee> kEmployees{"employees", "employee", &LoadEmployee};

// The department and position an employee is placed in must be open/exist.
absl::Status CheckPlacement(MySqlConnection& c, const Employee& e) {
  std::unique_ptr<Department> department = LoadDepartment(c, e.department_id(), false);
  if (!department) {
    return InvalidField("employee.department_id",
                        absl::StrCat("department ", e.department_id(), " does not exist"));
  }
  if (department->closed()) {
    return InvalidField("employee.department_id",
                        absl::StrCat("department ", e.department_id(), " is closed"));
  }
  if (e.position_id() != 0 && !LoadPosition(c, e.position_id(), false)) {
    return InvalidField("employee.position_id",
                        absl::StrCat("position ", e.position_id(), " does not exist"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Employee> EmployeeRepository::Create(const CallContext& call,
                                                    const Employee& employee,
                                                    const std::string& request_id) {
  return CreateOnce(
      db_, call, kEmployees, request_id,
      [&](MySqlConnection& c, const std::string& request_key) -> absl::StatusOr<int64_t> {
        CRM_RETURN_IF_ERROR(CheckPlacement(c, employee));
        const std::string now = FormatSqlDateTime(call.Now());
        sql::PreparedStatement& insert = c.Prepare(
            "INSERT INTO employees (name, department_id, position_id, phone, email, hire_date,"
            " status, version, create_request_id, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)");
        insert.setString(1, employee.name());
        insert.setInt64(2, employee.department_id());
        SetIdOrNull(insert, 3, employee.position_id());
        insert.setString(4, employee.phone());
        insert.setString(5, employee.email());
        SetStringOrNull(insert, 6, employee.hire_date());
        insert.setInt(7, v1::EMPLOYEE_STATUS_ACTIVE);
        SetStringOrNull(insert, 8, request_key);
        insert.setDateTime(9, now);
        insert.setDateTime(10, now);
        insert.executeUpdate();
        return c.LastInsertId();
      });
}

absl::StatusOr<Employee> EmployeeRepository::Update(
    const CallContext& call, int64_t id, const std::string& etag,
    const std::function<absl::Status(Employee&)>& change) {
  bool transferred = false;
  auto edit = [&](MySqlConnection& c, Employee& e) -> absl::Status {
    const Employee before = e;
    CRM_RETURN_IF_ERROR(change(e));
    transferred = e.department_id() != before.department_id();
    if (transferred || e.position_id() != before.position_id()) {
      CRM_RETURN_IF_ERROR(CheckPlacement(c, e));
    }
    return absl::OkStatus();
  };
  auto write = [&](MySqlConnection& c, const Employee& e) {
    sql::PreparedStatement& update = c.Prepare(
        "UPDATE employees SET name = ?, department_id = ?, position_id = ?, phone = ?,"
        " email = ?, hire_date = ? WHERE id = ?");
    update.setString(1, e.name());
    update.setInt64(2, e.department_id());
    SetIdOrNull(update, 3, e.position_id());
    update.setString(4, e.phone());
    update.setString(5, e.email());
    SetStringOrNull(update, 6, e.hire_date());
    update.setInt64(7, id);
    update.executeUpdate();
    // Their access tokens carry the old department (what they may see).
    if (transferred) RevokeAccessTokensOfEmployee(c, id, FormatSqlDateTime(call.Now()));
  };
  return UpdateVersioned(db_, call, kEmployees, id, etag, edit, write);
}

absl::StatusOr<Employee> EmployeeRepository::Leave(const CallContext& call, int64_t id,
                                                   const std::string& leave_date,
                                                   const std::string& etag) {
  auto edit = [&](MySqlConnection& c, Employee& e) -> absl::Status {
    if (e.status() == v1::EMPLOYEE_STATUS_LEFT) {
      return absl::FailedPreconditionError("the employee has already left");
    }
    CRM_RETURN_IF_ERROR(CheckUsersOfEmployeeMayBeDisabled(c, call, id));
    e.set_status(v1::EMPLOYEE_STATUS_LEFT);
    e.set_leave_date(leave_date);
    return absl::OkStatus();
  };
  auto write = [&](MySqlConnection& c, const Employee&) {
    sql::PreparedStatement& update =
        c.Prepare("UPDATE employees SET status = ?, leave_date = ? WHERE id = ?");
    update.setInt(1, v1::EMPLOYEE_STATUS_LEFT);
    update.setString(2, leave_date);
    update.setInt64(3, id);
    update.executeUpdate();
    // Whoever left can no longer log in or refresh a token.
    DisableUsersOfEmployee(c, call, id);
  };
  return UpdateVersioned(db_, call, kEmployees, id, etag, edit, write);
}

absl::StatusOr<Employee> EmployeeRepository::Get(const CallContext& call, int64_t id) {
  return db_.Run("employee.get", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<Employee> {
                   std::unique_ptr<Employee> e = LoadEmployee(c, id, false);
                   if (!e) return kEmployees.NotFound(id);
                   return *e;
                 });
}

absl::StatusOr<EmployeePage> EmployeeRepository::List(const CallContext& call,
                                                      const EmployeeFilter& filter, int page_size,
                                                      std::optional<int64_t> after_id) {
  return db_.Run(
      "employee.list", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<EmployeePage> {
        SqlWhere where;
        if (filter.department_id != 0) {
          if (filter.include_subdepartments) {
            std::unique_ptr<Department> d = LoadDepartment(c, filter.department_id, false);
            if (!d) {
              return absl::NotFoundError(
                  absl::StrCat("department ", filter.department_id, " not found"));
            }
            where.And("d.path LIKE ?", {d->path() + "%"});
          } else {
            where.And("e.department_id = ?", {filter.department_id});
          }
        }
        if (!filter.name_contains.empty()) {
          where.And("e.name LIKE CONCAT('%', ?, '%')", {EscapeLike(filter.name_contains)});
        }
        if (filter.position_id != 0) where.And("e.position_id = ?", {filter.position_id});
        if (!filter.include_left) where.And("e.status = 1");
        KeysetQuery q(kEmployeeSelect,
                      "FROM employees e JOIN departments d ON d.id = e.department_id", where,
                      " ORDER BY e.id", page_size);
        if (after_id) q.After("e.id > ?", {*after_id});
        return ReadKeysetPage<Employee>(c, q, ReadEmployee);
      });
}

absl::StatusOr<EmployeePlacement> EmployeeRepository::Placement(const CallContext& call,
                                                                int64_t employee_id) {
  CRM_ASSIGN_OR_RETURN(Employee e, Get(call, employee_id));
  EmployeePlacement placement;
  placement.employee_id = e.id();
  placement.name = e.name();
  placement.department_id = e.department_id();
  placement.department_path = e.department_path();
  placement.active = e.status() == v1::EMPLOYEE_STATUS_ACTIVE;
  return placement;
}

namespace {

constexpr int kMaxApprovers = 50;

// Active employees whose enabled user holds `role`, but `exclude`, by id.
std::vector<Employee> RoleHolders(MySqlConnection& c, const std::string& role, int64_t exclude) {
  sql::PreparedStatement& stmt = c.Prepare(
      absl::StrCat(kEmployeeSelect,
                   " JOIN users u ON u.employee_id = e.id WHERE e.status = ? AND u.disabled = 0"
                   " AND FIND_IN_SET(?, u.roles) > 0 AND e.id <> ? ORDER BY e.id LIMIT ",
                   kMaxApprovers));
  stmt.setInt(1, v1::EMPLOYEE_STATUS_ACTIVE);
  stmt.setString(2, role);
  stmt.setInt64(3, exclude);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  std::vector<Employee> found;
  while (rs->next()) found.push_back(ReadEmployee(*rs));
  return found;
}

// The heads of the deepest department on `path` (a department's path, so
// every department whose own path is a prefix of it: it and its ancestors)
// that has any, but `exclude`.
std::vector<Employee> NearestHeads(MySqlConnection& c, const std::string& path, int64_t exclude) {
  sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(
      kEmployeeSelect,
      " JOIN users u ON u.employee_id = e.id WHERE ? LIKE CONCAT(d.path, '%') AND e.status = ?"
      " AND u.disabled = 0 AND FIND_IN_SET('department_head', u.roles) > 0 AND e.id <> ?"
      " ORDER BY LENGTH(d.path) DESC, e.id LIMIT ",
      kMaxApprovers));
  stmt.setString(1, path);
  stmt.setInt(2, v1::EMPLOYEE_STATUS_ACTIVE);
  stmt.setInt64(3, exclude);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  std::vector<Employee> found;
  while (rs->next()) {
    Employee e = ReadEmployee(*rs);
    if (!found.empty() && e.department_id() != found.front().department_id()) break;
    found.push_back(std::move(e));
  }
  return found;
}

// "/1/4/9/" with 1 level up: "/1/4/"; empty when that is above the top.
std::string PathAbove(const std::string& path, int levels_up) {
  std::string prefix = path;
  for (int i = 0; i < levels_up && !prefix.empty(); ++i) {
    const size_t cut = prefix.rfind('/', prefix.size() - 2);
    prefix = cut == std::string::npos || cut == 0 ? "" : prefix.substr(0, cut + 1);
  }
  return prefix;
}

}  // namespace

absl::StatusOr<std::vector<Employee>> EmployeeRepository::Approvers(const CallContext& call,
                                                                    const ApproverQuery& query) {
  return db_.Run("employee.approvers", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<std::vector<Employee>> {
                   if (!query.role.empty())
                     return RoleHolders(c, query.role, query.exclude_employee_id);
                   std::unique_ptr<Department> department =
                       LoadDepartment(c, query.department_id, false);
                   if (!department) {
                     return absl::NotFoundError(
                         absl::StrCat("department ", query.department_id, " not found"));
                   }
                   const std::string start = PathAbove(department->path(), query.levels_up);
                   std::vector<Employee> heads;
                   if (!start.empty()) heads = NearestHeads(c, start, query.exclude_employee_id);
                   if (heads.empty())
                     return RoleHolders(c, "management", query.exclude_employee_id);
                   return heads;
                 });
}

}  // namespace crm::org
