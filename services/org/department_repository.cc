// DepartmentRepository: prepared statements over departments.
#include "services/org/department_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "common/feed/change_log.h"
#include "common/feed/versioned_rows.h"
#include "services/org/token_revocations.h"

namespace crm::org {
namespace {

using v1::Department;

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

const RecordTable<Department> kDepartments{"departments", "department", &LoadDepartment};

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

// Every path in the subtree under `old_prefix` (the department's own
// included) starts with it: swap it for `new_prefix`, in departments and in
// the rows that copied an author's department path.
void RewriteSubtreePaths(MySqlConnection& c, const std::string& old_prefix,
                         const std::string& new_prefix) {
  for (const char* table : {"departments", "work_logs", "weekly_plans"}) {
    const char* column = std::string(table) == "departments" ? "path" : "department_path";
    sql::PreparedStatement& rewrite =
        c.Prepare(absl::StrCat("UPDATE ", table, " SET ", column, " = CONCAT(?, SUBSTRING(", column,
                               ", ?)) WHERE ", column, " LIKE ?"));
    rewrite.setString(1, new_prefix);
    rewrite.setInt(2, static_cast<int>(old_prefix.size()) + 1);
    rewrite.setString(3, old_prefix + "%");
    rewrite.executeUpdate();
  }
}

}  // namespace

std::unique_ptr<Department> LoadDepartment(MySqlConnection& c, int64_t id, bool for_update) {
  sql::PreparedStatement& stmt =
      c.Prepare(absl::StrCat("SELECT ", kDepartmentColumns, " FROM departments WHERE id = ?",
                             for_update ? " FOR UPDATE" : ""));
  stmt.setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  return std::make_unique<Department>(ReadDepartment(*rs));
}

absl::StatusOr<Department> DepartmentRepository::Create(const CallContext& call,
                                                        const Department& department,
                                                        const std::string& request_id) {
  return CreateOnce(
      db_, call, kDepartments, request_id,
      [&](MySqlConnection& c, const std::string& request_key) -> absl::StatusOr<int64_t> {
        std::string parent_path = "/";
        if (department.parent_id() != 0) {
          CRM_ASSIGN_OR_RETURN(Department parent,
                               OpenParent(c, department.parent_id(), "department.parent_id"));
          parent_path = parent.path();
        }
        CRM_RETURN_IF_ERROR(CheckSiblingName(c, department.parent_id(), department.name(), 0));
        const std::string now = FormatSqlDateTime(call.Now());
        sql::PreparedStatement& insert = c.Prepare(
            "INSERT INTO departments (parent_id, name, path, version, create_request_id,"
            " created_at, updated_at) VALUES (?, ?, '', 1, ?, ?, ?)");
        SetIdOrNull(insert, 1, department.parent_id());
        insert.setString(2, department.name());
        SetStringOrNull(insert, 3, request_key);
        insert.setDateTime(4, now);
        insert.setDateTime(5, now);
        insert.executeUpdate();
        const int64_t id = c.LastInsertId();
        // The path names the row's own id, known only after the insert.
        sql::PreparedStatement& path = c.Prepare("UPDATE departments SET path = ? WHERE id = ?");
        path.setString(1, absl::StrCat(parent_path, id, "/"));
        path.setInt64(2, id);
        path.executeUpdate();
        return id;
      });
}

absl::StatusOr<Department> DepartmentRepository::Update(
    const CallContext& call, int64_t id, const std::string& etag,
    const std::function<absl::Status(Department&)>& change) {
  auto edit = [&](MySqlConnection& c, Department& d) -> absl::Status {
    const std::string old_name = d.name();
    CRM_RETURN_IF_ERROR(change(d));
    if (d.name() != old_name) CRM_RETURN_IF_ERROR(CheckSiblingName(c, d.parent_id(), d.name(), id));
    return absl::OkStatus();
  };
  auto write = [&](MySqlConnection& c, const Department& d) {
    sql::PreparedStatement& update = c.Prepare("UPDATE departments SET name = ? WHERE id = ?");
    update.setString(1, d.name());
    update.setInt64(2, id);
    update.executeUpdate();
  };
  return UpdateVersioned(db_, call, kDepartments, id, etag, edit, write);
}

absl::StatusOr<Department> DepartmentRepository::Move(const CallContext& call, int64_t id,
                                                      int64_t new_parent_id,
                                                      const std::string& etag) {
  std::string old_prefix;
  auto edit = [&](MySqlConnection& c, Department& d) -> absl::Status {
    if (d.closed()) return absl::FailedPreconditionError("a closed department cannot move");
    std::string parent_path = "/";
    if (new_parent_id != 0) {
      CRM_ASSIGN_OR_RETURN(Department parent, OpenParent(c, new_parent_id, "new_parent_id"));
      if (absl::StartsWith(parent.path(), d.path())) {
        return InvalidField("new_parent_id",
                            "cannot move a department under itself or its own sub-department");
      }
      parent_path = parent.path();
    }
    CRM_RETURN_IF_ERROR(CheckSiblingName(c, new_parent_id, d.name(), id));
    old_prefix = d.path();
    d.set_parent_id(new_parent_id);
    d.set_path(absl::StrCat(parent_path, id, "/"));
    return absl::OkStatus();
  };
  auto write = [&](MySqlConnection& c, const Department& d) {
    RewriteSubtreePaths(c, old_prefix, d.path());
    sql::PreparedStatement& update = c.Prepare("UPDATE departments SET parent_id = ? WHERE id = ?");
    SetIdOrNull(update, 1, new_parent_id);
    update.setInt64(2, id);
    update.executeUpdate();
    // A change for every department below whose path changed, so services
    // that keep department paths (for visibility) can follow. (The moved one's
    // own change is appended by UpdateVersioned.)
    sql::PreparedStatement& subtree =
        c.Prepare(absl::StrCat("SELECT ", kDepartmentColumns,
                               " FROM departments WHERE path LIKE ? AND id <> ? ORDER BY path"));
    subtree.setString(1, d.path() + "%");
    subtree.setInt64(2, id);
    std::unique_ptr<sql::ResultSet> rs(subtree.executeQuery());
    std::vector<Department> moved;
    while (rs->next()) moved.push_back(ReadDepartment(*rs));
    rs.reset();
    for (const Department& m : moved) AppendChange(c, call, ChangeOp::kUpdate, m.id(), m);
    // Everyone below holds tokens with the old path: they refresh into the
    // new one within the gateway's refresh interval, not at expiry.
    RevokeAccessTokensInSubtree(c, d.path(), FormatSqlDateTime(call.Now()));
  };
  return UpdateVersioned(db_, call, kDepartments, id, etag, edit, write);
}

absl::StatusOr<Department> DepartmentRepository::Close(const CallContext& call, int64_t id,
                                                       const std::string& etag) {
  auto edit = [&](MySqlConnection& c, Department& d) -> absl::Status {
    if (d.closed()) return absl::FailedPreconditionError("the department is already closed");
    if (Exists(c, "SELECT 1 FROM departments WHERE parent_id = ? AND closed_at IS NULL", id)) {
      return absl::FailedPreconditionError("the department has open sub-departments");
    }
    if (Exists(c, "SELECT 1 FROM employees WHERE department_id = ? AND status = 1", id)) {
      return absl::FailedPreconditionError("the department has active members");
    }
    d.set_closed(true);
    return absl::OkStatus();
  };
  auto write = [&](MySqlConnection& c, const Department&) {
    sql::PreparedStatement& update = c.Prepare("UPDATE departments SET closed_at = ? WHERE id = ?");
    update.setDateTime(1, FormatSqlDateTime(call.Now()));
    update.setInt64(2, id);
    update.executeUpdate();
  };
  return UpdateVersioned(db_, call, kDepartments, id, etag, edit, write);
}

absl::StatusOr<Department> DepartmentRepository::Get(const CallContext& call, int64_t id) {
  return db_.Run("department.get", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<Department> {
                   std::unique_ptr<Department> d = LoadDepartment(c, id, false);
                   if (!d) return kDepartments.NotFound(id);
                   return *d;
                 });
}

absl::StatusOr<std::vector<Department>> DepartmentRepository::List(const CallContext& call,
                                                                   bool include_closed) {
  // Not paged: a company has at most a few hundred departments, and the
  // tree is read whole.
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

}  // namespace crm::org
