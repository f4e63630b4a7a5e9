// ImplementationRepository: prepared statements over implementation_records.
#include "services/feedback/implementation_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/db/database.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "common/db/visibility.h"
#include "common/feed/owner_departments.h"
#include "common/feed/versioned_rows.h"

namespace crm::feedback {
namespace {

using v1::ImplementationRecord;

constexpr char kRecordSelect[] =
    "SELECT m.id, m.customer_id, m.project, m.start_date, m.end_date, m.implementers,"
    " m.work_done, m.summary, m.open_issues, m.owner_id, m.version, m.created_at, m.updated_at"
    " FROM implementation_records m";

ImplementationRecord ReadRecord(sql::ResultSet& rs) {
  ImplementationRecord m;
  m.set_id(rs.getInt64(1));
  m.set_customer_id(rs.getInt64(2));
  m.set_project(rs.getString(3));
  m.set_start_date(rs.getString(4));
  if (!rs.isNull(5)) m.set_end_date(rs.getString(5));
  const std::string implementers = rs.getString(6);
  for (absl::string_view id : absl::StrSplit(implementers, ',', absl::SkipEmpty())) {
    int64_t employee = 0;
    if (absl::SimpleAtoi(id, &employee)) m.add_implementer_employee_ids(employee);
  }
  m.set_work_done(rs.getString(7));
  m.set_summary(rs.getString(8));
  m.set_open_issues(rs.getString(9));
  m.set_owner_employee_id(rs.getInt64(10));
  m.set_etag(EtagOf(rs.getInt64(11)));
  SqlDateTimeToTimestamp(rs.getString(12), m.mutable_create_time());
  SqlDateTimeToTimestamp(rs.getString(13), m.mutable_update_time());
  return m;
}

std::unique_ptr<ImplementationRecord> LoadRecord(MySqlConnection& c, const VisibilityScope& scope,
                                                 int64_t id, bool for_update) {
  SqlWhere where;
  where.And("m.id = ?", {id});
  RestrictToScope(where, scope, "m.owner_id", "m.owner_department_path");
  sql::PreparedStatement& stmt =
      c.Prepare(absl::StrCat(kRecordSelect, where.Sql(), for_update ? " FOR UPDATE" : ""));
  where.Bind(stmt);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  return std::make_unique<ImplementationRecord>(ReadRecord(*rs));
}

RecordTable<ImplementationRecord> RecordTableFor(const CallContext& call) {
  return {"implementation_records", "implementation record",
          [&call](MySqlConnection& c, int64_t id, bool for_update) {
            return LoadRecord(c, for_update ? WriteScopeOf(call.caller) : ScopeOf(call.caller), id,
                              for_update);
          },
          [&call](MySqlConnection& c, int64_t id) {
            return LoadRecord(c, ScopeOf(call.caller), id, false) != nullptr;
          }};
}

// Parameters 1–7 of the insert and the update, in the order both name them.
void BindEditableColumns(sql::PreparedStatement& stmt, const ImplementationRecord& m) {
  stmt.setString(1, m.project());
  stmt.setString(2, m.start_date());
  SetStringOrNull(stmt, 3, m.end_date());
  stmt.setString(4, absl::StrJoin(m.implementer_employee_ids(), ","));
  stmt.setString(5, m.work_done());
  stmt.setString(6, m.summary());
  stmt.setString(7, m.open_issues());
}

}  // namespace

absl::StatusOr<ImplementationRecord> ImplementationRepository::Create(
    const CallContext& call, const ImplementationRecord& record, const std::string& request_id) {
  return CreateOnce(
      db_, call, RecordTableFor(call), request_id,
      [&](MySqlConnection& c, const std::string& request_key) -> absl::StatusOr<int64_t> {
        const Owner owner = CurrentOwner(c, call.caller);
        const std::string now = FormatSqlDateTime(call.Now());
        sql::PreparedStatement& stmt = c.Prepare(
            "INSERT INTO implementation_records (project, start_date, end_date, implementers,"
            " work_done, summary, open_issues, customer_id, owner_id, owner_department_id,"
            " owner_department_path, create_request_id, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        BindEditableColumns(stmt, record);
        stmt.setInt64(8, record.customer_id());
        stmt.setInt64(9, owner.employee_id);
        stmt.setInt64(10, owner.department_id);
        stmt.setString(11, owner.department_path);
        SetStringOrNull(stmt, 12, request_key);
        stmt.setDateTime(13, now);
        stmt.setDateTime(14, now);
        stmt.executeUpdate();
        return c.LastInsertId();
      });
}

absl::StatusOr<ImplementationRecord> ImplementationRepository::Get(const CallContext& call,
                                                                   int64_t id) {
  return db_.Run("implementation.get", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<ImplementationRecord> {
                   auto m = LoadRecord(c, ScopeOf(call.caller), id, false);
                   if (!m) return RecordTableFor(call).NotFound(id);
                   return *m;
                 });
}

absl::StatusOr<ImplementationRecord> ImplementationRepository::Update(
    const CallContext& call, int64_t id, const std::string& etag,
    const std::function<absl::Status(ImplementationRecord&)>& change) {
  auto edit = [&](MySqlConnection&, ImplementationRecord& m) { return change(m); };
  auto write = [&](MySqlConnection& c, const ImplementationRecord& m) {
    sql::PreparedStatement& stmt = c.Prepare(
        "UPDATE implementation_records SET project = ?, start_date = ?, end_date = ?,"
        " implementers = ?, work_done = ?, summary = ?, open_issues = ? WHERE id = ?");
    BindEditableColumns(stmt, m);
    stmt.setInt64(8, id);
    stmt.executeUpdate();
  };
  return UpdateVersioned(db_, call, RecordTableFor(call), id, etag, edit, write);
}

absl::StatusOr<Page<ImplementationRecord>> ImplementationRepository::List(
    const CallContext& call, int64_t customer_id, const std::string& project, int page_size,
    const std::optional<ImplementationPosition>& after) {
  return db_.Run("implementation.list", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<Page<ImplementationRecord>> {
                   SqlWhere where;
                   if (customer_id != 0) where.And("m.customer_id = ?", {customer_id});
                   if (!project.empty()) where.And("m.project = ?", {project});
                   RestrictToScope(where, ScopeOf(call.caller), "m.owner_id",
                                   "m.owner_department_path");
                   KeysetQuery q(kRecordSelect, "FROM implementation_records m", where,
                                 " ORDER BY m.start_date DESC, m.id DESC", page_size);
                   if (after) {
                     q.After("(m.start_date < ? OR (m.start_date = ? AND m.id < ?))",
                             {after->start_date, after->start_date, after->id});
                   }
                   return ReadKeysetPage<ImplementationRecord>(c, q, ReadRecord);
                 });
}

}  // namespace crm::feedback
