// StructureRepository: departments, positions, employees.
#include "services/org/structure_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "common/feed/change_log.h"

namespace crm::org {
namespace {

using v1::Department;
using v1::Employee;
using v1::Position;

// --- departments ---

constexpr char kDepartmentColumns[] =
    "id, parent_id, name, path, version, created_at, updated_at, closed_at";

Department ReadDepartment(sql::ResultSet& rs) {
  Department d;
  d.set_id(rs.getInt64(1));
  d.set_parent_id(rs.isNull(2) ? 0 : rs.getInt64(2));
  d.set_name(rs.getString(3));
  d.set_path(rs.getString(4));
  d.set_etag(EtagOf(rs.getInt64(5)));
  SqlDateTimeToTimestamp(rs.getString(6), d.mutable_create_time());
  SqlDateTimeToTimestamp(rs.getString(7), d.mutable_update_time());
  d.set_closed(!rs.isNull(8));
  return d;
}

std::unique_ptr<Department> LoadDepartment(MySqlConnection& c, int64_t id, bool for_update) {
  sql::PreparedStatement& stmt =
      c.Prepare(absl::StrCat("SELECT ", kDepartmentColumns, " FROM departments WHERE id = ?",
                             for_update ? " FOR UPDATE" : ""));
  stmt.setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  return std::make_unique<Department>(ReadDepartment(*rs));
}

int64_t VersionOf(const std::string& etag) { return std::stoll(etag); }

absl::Status DepartmentNotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat("department ", id, " not found"));
}

// An open department to attach to, or an error naming `field`.
absl::StatusOr<Department> OpenParent(MySqlConnection& c, int64_t id, const char* field) {
  std::unique_ptr<Department> parent = LoadDepartment(c, id, /*for_update=*/true);
  if (!parent) return InvalidField(field, absl::StrCat("department ", id, " does not exist"));
  if (parent->closed()) return InvalidField(field, absl::StrCat("department ", id, " is closed"));
  return *parent;
}

absl::Status CheckSiblingName(MySqlConnection& c, int64_t parent_id, const std::string& name,
                              int64_t except_id) {
  sql::PreparedStatement& stmt = c.Prepare(
      "SELECT 1 FROM departments WHERE parent_id <=> ? AND name = ? AND closed_at IS NULL"
      " AND id <> ?");
  SetIdOrNull(stmt, 1, parent_id);
  stmt.setString(2, name);
  stmt.setInt64(3, except_id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (rs->next()) {
    return absl::AlreadyExistsError(
        absl::StrCat("an open department named '", name, "' already exists there"));
  }
  return absl::OkStatus();
}

bool Exists(MySqlConnection& c, const std::string& sql, int64_t id) {
  sql::PreparedStatement& stmt = c.Prepare(sql);
  stmt.setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  return rs->next();
}

// --- positions ---

constexpr char kPositionColumns[] = "id, name, description, version, created_at, updated_at";

Position ReadPosition(sql::ResultSet& rs) {
  Position p;
  p.set_id(rs.getInt64(1));
  p.set_name(rs.getString(2));
  p.set_description(rs.getString(3));
  p.set_etag(EtagOf(rs.getInt64(4)));
  SqlDateTimeToTimestamp(rs.getString(5), p.mutable_create_time());
  SqlDateTimeToTimestamp(rs.getString(6), p.mutable_update_time());
  return p;
}

std::unique_ptr<Position> LoadPosition(MySqlConnection& c, int64_t id, bool for_update) {
  sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(
      "SELECT ", kPositionColumns, " FROM positions WHERE id = ? AND deleted_at IS NULL",
      for_update ? " FOR UPDATE" : ""));
  stmt.setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  return std::make_unique<Position>(ReadPosition(*rs));
}

// --- employees ---

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

absl::Status EmployeeNotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat("employee ", id, " not found"));
}

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

// ---------------------------------------------------------------- departments

absl::StatusOr<Department> StructureRepository::CreateDepartment(const CallContext& call,
                                                                 const Department& department,
                                                                 const std::string& request_id) {
  const std::string key = CallerRequestKey(call, request_id);
  return db_.RunInTransaction(
      "department.create", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<Department> {
        if (int64_t existing = FindByRequestKey(c, "departments", key)) {
          return *LoadDepartment(c, existing, false);
        }
        std::string parent_path = "/";
        if (department.parent_id() != 0) {
          CRM_ASSIGN_OR_RETURN(Department parent,
                               OpenParent(c, department.parent_id(), "department.parent_id"));
          parent_path = parent.path();
        }
        CRM_RETURN_IF_ERROR(CheckSiblingName(c, department.parent_id(), department.name(), 0));
        const std::string now = FormatSqlDateTime(absl::Now());
        sql::PreparedStatement& insert = c.Prepare(
            "INSERT INTO departments (parent_id, name, path, version, create_request_id,"
            " created_at, updated_at) VALUES (?, ?, '', 1, ?, ?, ?)");
        SetIdOrNull(insert, 1, department.parent_id());
        insert.setString(2, department.name());
        SetStringOrNull(insert, 3, key);
        insert.setDateTime(4, now);
        insert.setDateTime(5, now);
        insert.executeUpdate();
        const int64_t id = c.LastInsertId();
        sql::PreparedStatement& path = c.Prepare("UPDATE departments SET path = ? WHERE id = ?");
        path.setString(1, absl::StrCat(parent_path, id, "/"));
        path.setInt64(2, id);
        path.executeUpdate();
        Department created = *LoadDepartment(c, id, false);
        AppendChange(c, call, ChangeOp::kCreate, id, created);
        return created;
      });
}

absl::StatusOr<Department> StructureRepository::RenameDepartment(const CallContext& call,
                                                                 int64_t id,
                                                                 const std::string& etag,
                                                                 const std::string& name) {
  return db_.RunInTransaction(
      "department.rename", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<Department> {
        std::unique_ptr<Department> d = LoadDepartment(c, id, /*for_update=*/true);
        if (!d) return DepartmentNotFound(id);
        CRM_RETURN_IF_ERROR(CheckEtag(etag, VersionOf(d->etag()), "department"));
        CRM_RETURN_IF_ERROR(CheckSiblingName(c, d->parent_id(), name, id));
        sql::PreparedStatement& update = c.Prepare(
            "UPDATE departments SET name = ?, version = version + 1, updated_at = ? WHERE id = ?");
        update.setString(1, name);
        update.setDateTime(2, FormatSqlDateTime(absl::Now()));
        update.setInt64(3, id);
        update.executeUpdate();
        Department renamed = *LoadDepartment(c, id, false);
        AppendChange(c, call, ChangeOp::kUpdate, id, renamed);
        return renamed;
      });
}

absl::StatusOr<Department> StructureRepository::MoveDepartment(const CallContext& call, int64_t id,
                                                               int64_t new_parent_id,
                                                               const std::string& etag) {
  return db_.RunInTransaction(
      "department.move", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<Department> {
        std::unique_ptr<Department> d = LoadDepartment(c, id, /*for_update=*/true);
        if (!d) return DepartmentNotFound(id);
        CRM_RETURN_IF_ERROR(CheckEtag(etag, VersionOf(d->etag()), "department"));
        if (d->closed()) return absl::FailedPreconditionError("a closed department cannot move");
        std::string parent_path = "/";
        if (new_parent_id != 0) {
          CRM_ASSIGN_OR_RETURN(Department parent, OpenParent(c, new_parent_id, "new_parent_id"));
          if (absl::StartsWith(parent.path(), d->path())) {
            return InvalidField("new_parent_id",
                                "cannot move a department under itself or its own sub-department");
          }
          parent_path = parent.path();
        }
        CRM_RETURN_IF_ERROR(CheckSiblingName(c, new_parent_id, d->name(), id));
        const std::string old_prefix = d->path();
        const std::string new_prefix = absl::StrCat(parent_path, id, "/");
        const std::string now = FormatSqlDateTime(absl::Now());
        // Every path in the subtree starts with the old prefix: swap it.
        for (const char* table : {"departments", "work_logs", "weekly_plans"}) {
          const char* column = std::string(table) == "departments" ? "path" : "department_path";
          sql::PreparedStatement& rewrite =
              c.Prepare(absl::StrCat("UPDATE ", table, " SET ", column, " = CONCAT(?, SUBSTRING(",
                                     column, ", ?)) WHERE ", column, " LIKE ?"));
          rewrite.setString(1, new_prefix);
          rewrite.setInt(2, static_cast<int>(old_prefix.size()) + 1);
          rewrite.setString(3, old_prefix + "%");
          rewrite.executeUpdate();
        }
        sql::PreparedStatement& update = c.Prepare(
            "UPDATE departments SET parent_id = ?, version = version + 1, updated_at = ?"
            " WHERE id = ?");
        SetIdOrNull(update, 1, new_parent_id);
        update.setDateTime(2, now);
        update.setInt64(3, id);
        update.executeUpdate();
        // A change for every department whose path changed, so services that
        // keep department paths (for visibility) can follow.
        sql::PreparedStatement& subtree = c.Prepare(absl::StrCat(
            "SELECT ", kDepartmentColumns, " FROM departments WHERE path LIKE ? ORDER BY path"));
        subtree.setString(1, new_prefix + "%");
        std::unique_ptr<sql::ResultSet> rs(subtree.executeQuery());
        std::vector<Department> moved;
        while (rs->next()) moved.push_back(ReadDepartment(*rs));
        for (const Department& m : moved) AppendChange(c, call, ChangeOp::kUpdate, m.id(), m);
        return moved.front();
      });
}

absl::StatusOr<Department> StructureRepository::CloseDepartment(const CallContext& call, int64_t id,
                                                                const std::string& etag) {
  return db_.RunInTransaction(
      "department.close", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<Department> {
        std::unique_ptr<Department> d = LoadDepartment(c, id, /*for_update=*/true);
        if (!d) return DepartmentNotFound(id);
        CRM_RETURN_IF_ERROR(CheckEtag(etag, VersionOf(d->etag()), "department"));
        if (d->closed()) return absl::FailedPreconditionError("the department is already closed");
        if (Exists(c, "SELECT 1 FROM departments WHERE parent_id = ? AND closed_at IS NULL", id)) {
          return absl::FailedPreconditionError("the department has open sub-departments");
        }
        if (Exists(c, "SELECT 1 FROM employees WHERE department_id = ? AND status = 1", id)) {
          return absl::FailedPreconditionError("the department has active members");
        }
        sql::PreparedStatement& update = c.Prepare(
            "UPDATE departments SET closed_at = ?, version = version + 1, updated_at = ?"
            " WHERE id = ?");
        const std::string now = FormatSqlDateTime(absl::Now());
        update.setDateTime(1, now);
        update.setDateTime(2, now);
        update.setInt64(3, id);
        update.executeUpdate();
        Department closed = *LoadDepartment(c, id, false);
        AppendChange(c, call, ChangeOp::kUpdate, id, closed);
        return closed;
      });
}

absl::StatusOr<Department> StructureRepository::GetDepartment(const CallContext& call, int64_t id) {
  return db_.Run("department.get", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<Department> {
                   std::unique_ptr<Department> d = LoadDepartment(c, id, false);
                   if (!d) return DepartmentNotFound(id);
                   return *d;
                 });
}

absl::StatusOr<std::vector<Department>> StructureRepository::ListDepartments(
    const CallContext& call, bool include_closed) {
  return db_.Run("department.list", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<std::vector<Department>> {
                   sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(
                       "SELECT ", kDepartmentColumns, " FROM departments",
                       include_closed ? "" : " WHERE closed_at IS NULL", " ORDER BY path"));
                   std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
                   std::vector<Department> departments;
                   while (rs->next()) departments.push_back(ReadDepartment(*rs));
                   return departments;
                 });
}

// ------------------------------------------------------------------ positions

absl::StatusOr<Position> StructureRepository::CreatePosition(const CallContext& call,
                                                             const Position& position,
                                                             const std::string& request_id) {
  const std::string key = CallerRequestKey(call, request_id);
  return db_.RunInTransaction(
      "position.create", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<Position> {
        if (int64_t existing = FindByRequestKey(c, "positions", key)) {
          return *LoadPosition(c, existing, false);
        }
        const std::string now = FormatSqlDateTime(absl::Now());
        sql::PreparedStatement& insert = c.Prepare(
            "INSERT INTO positions (name, description, version, create_request_id, created_at,"
            " updated_at) VALUES (?, ?, 1, ?, ?, ?)");
        insert.setString(1, position.name());
        insert.setString(2, position.description());
        SetStringOrNull(insert, 3, key);
        insert.setDateTime(4, now);
        insert.setDateTime(5, now);
        insert.executeUpdate();
        Position created = *LoadPosition(c, c.LastInsertId(), false);
        AppendChange(c, call, ChangeOp::kCreate, created.id(), created);
        return created;
      });
}

absl::StatusOr<Position> StructureRepository::UpdatePosition(
    const CallContext& call, int64_t id, const std::string& etag,
    const std::function<absl::Status(Position&)>& change) {
  return db_.RunInTransaction(
      "position.update", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<Position> {
        std::unique_ptr<Position> p = LoadPosition(c, id, /*for_update=*/true);
        if (!p) return absl::NotFoundError(absl::StrCat("position ", id, " not found"));
        CRM_RETURN_IF_ERROR(CheckEtag(etag, VersionOf(p->etag()), "position"));
        CRM_RETURN_IF_ERROR(change(*p));
        sql::PreparedStatement& update = c.Prepare(
            "UPDATE positions SET name = ?, description = ?, version = version + 1,"
            " updated_at = ? WHERE id = ?");
        update.setString(1, p->name());
        update.setString(2, p->description());
        update.setDateTime(3, FormatSqlDateTime(absl::Now()));
        update.setInt64(4, id);
        update.executeUpdate();
        Position updated = *LoadPosition(c, id, false);
        AppendChange(c, call, ChangeOp::kUpdate, id, updated);
        return updated;
      });
}

absl::Status StructureRepository::DeletePosition(const CallContext& call, int64_t id,
                                                 const std::string& etag) {
  return db_.RunInTransaction("position.delete", call.deadline, [&](MySqlConnection& c) {
    std::unique_ptr<Position> p = LoadPosition(c, id, /*for_update=*/true);
    if (!p) return absl::NotFoundError(absl::StrCat("position ", id, " not found"));
    CRM_RETURN_IF_ERROR(CheckEtag(etag, VersionOf(p->etag()), "position"));
    if (Exists(c, "SELECT 1 FROM employees WHERE position_id = ? AND status = 1", id)) {
      return absl::FailedPreconditionError("active employees hold this position");
    }
    sql::PreparedStatement& update =
        c.Prepare("UPDATE positions SET deleted_at = ?, version = version + 1 WHERE id = ?");
    update.setDateTime(1, FormatSqlDateTime(absl::Now()));
    update.setInt64(2, id);
    update.executeUpdate();
    AppendChange(c, call, ChangeOp::kDelete, id, *p);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<Position>> StructureRepository::ListPositions(const CallContext& call) {
  return db_.Run(
      "position.list", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<std::vector<Position>> {
        sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(
            "SELECT ", kPositionColumns, " FROM positions WHERE deleted_at IS NULL ORDER BY id"));
        std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
        std::vector<Position> positions;
        while (rs->next()) positions.push_back(ReadPosition(*rs));
        return positions;
      });
}

// ------------------------------------------------------------------ employees

absl::StatusOr<Employee> StructureRepository::CreateEmployee(const CallContext& call,
                                                             const Employee& employee,
                                                             const std::string& request_id) {
  const std::string key = CallerRequestKey(call, request_id);
  return db_.RunInTransaction(
      "employee.create", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<Employee> {
        if (int64_t existing = FindByRequestKey(c, "employees", key)) {
          return *LoadEmployee(c, existing, false);
        }
        CRM_RETURN_IF_ERROR(CheckPlacement(c, employee));
        const std::string now = FormatSqlDateTime(absl::Now());
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
        SetStringOrNull(insert, 8, key);
        insert.setDateTime(9, now);
        insert.setDateTime(10, now);
        insert.executeUpdate();
        Employee created = *LoadEmployee(c, c.LastInsertId(), false);
        AppendChange(c, call, ChangeOp::kCreate, created.id(), created);
        return created;
      });
}

absl::StatusOr<Employee> StructureRepository::UpdateEmployee(
    const CallContext& call, int64_t id, const std::string& etag,
    const std::function<absl::Status(Employee&)>& change) {
  return db_.RunInTransaction(
      "employee.update", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<Employee> {
        std::unique_ptr<Employee> e = LoadEmployee(c, id, /*for_update=*/true);
        if (!e) return EmployeeNotFound(id);
        CRM_RETURN_IF_ERROR(CheckEtag(etag, VersionOf(e->etag()), "employee"));
        const Employee before = *e;
        CRM_RETURN_IF_ERROR(change(*e));
        if (e->department_id() != before.department_id() ||
            e->position_id() != before.position_id()) {
          CRM_RETURN_IF_ERROR(CheckPlacement(c, *e));
        }
        sql::PreparedStatement& update = c.Prepare(
            "UPDATE employees SET name = ?, department_id = ?, position_id = ?, phone = ?,"
            " email = ?, hire_date = ?, version = version + 1, updated_at = ? WHERE id = ?");
        update.setString(1, e->name());
        update.setInt64(2, e->department_id());
        SetIdOrNull(update, 3, e->position_id());
        update.setString(4, e->phone());
        update.setString(5, e->email());
        SetStringOrNull(update, 6, e->hire_date());
        update.setDateTime(7, FormatSqlDateTime(absl::Now()));
        update.setInt64(8, id);
        update.executeUpdate();
        Employee updated = *LoadEmployee(c, id, false);
        AppendChange(c, call, ChangeOp::kUpdate, id, updated);
        return updated;
      });
}

absl::StatusOr<Employee> StructureRepository::LeaveEmployee(const CallContext& call, int64_t id,
                                                            const std::string& leave_date,
                                                            const std::string& etag) {
  return db_.RunInTransaction(
      "employee.leave", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<Employee> {
        std::unique_ptr<Employee> e = LoadEmployee(c, id, /*for_update=*/true);
        if (!e) return EmployeeNotFound(id);
        CRM_RETURN_IF_ERROR(CheckEtag(etag, VersionOf(e->etag()), "employee"));
        if (e->status() == v1::EMPLOYEE_STATUS_LEFT) {
          return absl::FailedPreconditionError("the employee has already left");
        }
        const std::string now = FormatSqlDateTime(absl::Now());
        sql::PreparedStatement& update = c.Prepare(
            "UPDATE employees SET status = ?, leave_date = ?, version = version + 1,"
            " updated_at = ? WHERE id = ?");
        update.setInt(1, v1::EMPLOYEE_STATUS_LEFT);
        update.setString(2, leave_date);
        update.setDateTime(3, now);
        update.setInt64(4, id);
        update.executeUpdate();
        // Whoever left can no longer log in or refresh a token.
        sql::PreparedStatement& revoke = c.Prepare(
            "UPDATE refresh_tokens SET revoked_at = ? WHERE revoked_at IS NULL AND user_id IN"
            " (SELECT id FROM users WHERE employee_id = ?)");
        revoke.setDateTime(1, now);
        revoke.setInt64(2, id);
        revoke.executeUpdate();
        sql::PreparedStatement& disable = c.Prepare(
            "UPDATE users SET disabled = 1, version = version + 1, updated_at = ?"
            " WHERE employee_id = ?");
        disable.setDateTime(1, now);
        disable.setInt64(2, id);
        disable.executeUpdate();
        Employee left = *LoadEmployee(c, id, false);
        AppendChange(c, call, ChangeOp::kUpdate, id, left);
        return left;
      });
}

absl::StatusOr<Employee> StructureRepository::GetEmployee(const CallContext& call, int64_t id) {
  return db_.Run("employee.get", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<Employee> {
                   std::unique_ptr<Employee> e = LoadEmployee(c, id, false);
                   if (!e) return EmployeeNotFound(id);
                   return *e;
                 });
}

absl::StatusOr<EmployeePage> StructureRepository::ListEmployees(const CallContext& call,
                                                                const EmployeeQuery& query) {
  return db_.Run(
      "employee.list", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<EmployeePage> {
        SqlWhere where;
        if (query.department_id != 0) {
          if (query.include_subdepartments) {
            std::unique_ptr<Department> d = LoadDepartment(c, query.department_id, false);
            if (!d) return DepartmentNotFound(query.department_id);
            where.And("d.path LIKE ?", {d->path() + "%"});
          } else {
            where.And("e.department_id = ?", {query.department_id});
          }
        }
        if (!query.name_contains.empty()) {
          where.And("e.name LIKE CONCAT('%', ?, '%')", {EscapeLike(query.name_contains)});
        }
        if (query.position_id != 0) where.And("e.position_id = ?", {query.position_id});
        if (!query.include_left) where.And("e.status = 1");
        EmployeePage page;
        SqlWhere rows_where = where;
        rows_where.And("e.id > ?", {query.after_id});
        sql::PreparedStatement& rows =
            c.Prepare(absl::StrCat(kEmployeeSelect, rows_where.Sql(), " ORDER BY e.id LIMIT ?"));
        rows.setInt(rows_where.Bind(rows), query.page_size + 1);
        std::unique_ptr<sql::ResultSet> rs(rows.executeQuery());
        while (rs->next()) {
          if (static_cast<int>(page.employees.size()) == query.page_size) {
            page.has_more = true;
            break;
          }
          page.employees.push_back(ReadEmployee(*rs));
        }
        sql::PreparedStatement& count = c.Prepare(absl::StrCat(
            "SELECT COUNT(*) FROM employees e JOIN departments d ON d.id = e.department_id",
            where.Sql()));
        where.Bind(count);
        std::unique_ptr<sql::ResultSet> total(count.executeQuery());
        total->next();
        page.total_size = total->getInt64(1);
        return page;
      });
}

absl::StatusOr<EmployeePlacement> StructureRepository::Placement(const CallContext& call,
                                                                 int64_t employee_id) {
  CRM_ASSIGN_OR_RETURN(Employee e, GetEmployee(call, employee_id));
  EmployeePlacement placement;
  placement.employee_id = e.id();
  placement.name = e.name();
  placement.department_id = e.department_id();
  placement.department_path = e.department_path();
  placement.active = e.status() == v1::EMPLOYEE_STATUS_ACTIVE;
  return placement;
}

}  // namespace crm::org
