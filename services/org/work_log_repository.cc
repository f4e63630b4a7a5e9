// WorkLogRepository: prepared statements over work_logs.
#include "services/org/work_log_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "common/db/visibility.h"
#include "common/feed/versioned_rows.h"
#include "services/org/create_or_update.h"

namespace crm::org {
namespace {

using v1::WorkLog;

constexpr char kLogColumns[] =
    "id, employee_id, employee_name, department_id, log_date, content, version, created_at,"
    " updated_at";

WorkLog ReadLog(sql::ResultSet& rs) {
  WorkLog log;
  log.set_id(rs.getInt64(1));
  log.set_employee_id(rs.getInt64(2));
  log.set_employee_name(rs.getString(3));
  log.set_department_id(rs.getInt64(4));
  log.set_log_date(rs.getString(5));
  log.set_content(rs.getString(6));
  log.set_etag(EtagOf(rs.getInt64(7)));
  SqlDateTimeToTimestamp(rs.getString(8), log.mutable_create_time());
  SqlDateTimeToTimestamp(rs.getString(9), log.mutable_update_time());
  return log;
}

std::unique_ptr<WorkLog> LoadLog(MySqlConnection& c, int64_t id, bool for_update) {
  sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(
      "SELECT ", kLogColumns, " FROM work_logs WHERE id = ?", for_update ? " FOR UPDATE" : ""));
  stmt.setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  return std::make_unique<WorkLog>(ReadLog(*rs));
}

const RecordTable<WorkLog> kWorkLogs{"work_logs", "work log", &LoadLog};

// The id of the employee's log for the day, locked; 0 for none. Without a
// row the lock covers the gap, so two concurrent first writes cannot both
// insert: one deadlocks and its retry finds the other's row.
int64_t LockDayLog(MySqlConnection& c, int64_t employee_id, const std::string& day) {
  sql::PreparedStatement& stmt =
      c.Prepare("SELECT id FROM work_logs WHERE employee_id = ? AND log_date = ? FOR UPDATE");
  stmt.setInt64(1, employee_id);
  stmt.setString(2, day);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  return rs->next() ? rs->getInt64(1) : 0;
}

}  // namespace

absl::StatusOr<WorkLog> WorkLogRepository::Write(const CallContext& call,
                                                 const EmployeePlacement& author,
                                                 const std::string& day, const std::string& content,
                                                 const std::string& etag,
                                                 const std::string& request_id) {
  // The day's first write creates the log; when one exists, the create
  // stands aside (its transaction rolls back) and the log is updated.
  int64_t existing = 0;
  absl::StatusOr<WorkLog> created = CreateOnce(
      db_, call, kWorkLogs, request_id,
      [&](MySqlConnection& c, const std::string& request_key) -> absl::StatusOr<int64_t> {
        existing = LockDayLog(c, author.employee_id, day);
        if (existing != 0) return ExistsAlready();
        CRM_RETURN_IF_ERROR(EtagForMissing(etag, "work log"));
        const std::string now = FormatSqlDateTime(call.Now());
        sql::PreparedStatement& insert = c.Prepare(
            "INSERT INTO work_logs (employee_id, employee_name, department_id, department_path,"
            " log_date, content, version, create_request_id, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)");
        insert.setInt64(1, author.employee_id);
        insert.setString(2, author.name);
        insert.setInt64(3, author.department_id);
        insert.setString(4, author.department_path);
        insert.setString(5, day);
        insert.setString(6, content);
        SetStringOrNull(insert, 7, request_key);
        insert.setDateTime(8, now);
        insert.setDateTime(9, now);
        insert.executeUpdate();
        return c.LastInsertId();
      });
  if (existing == 0) return created;
  // The placement is refreshed too: the row records where the author sat
  // when they last wrote it.
  auto edit = [&](MySqlConnection&, WorkLog& log) {
    log.set_content(content);
    log.set_employee_name(author.name);
    log.set_department_id(author.department_id);
    return absl::OkStatus();
  };
  auto write = [&](MySqlConnection& c, const WorkLog& log) {
    sql::PreparedStatement& update = c.Prepare(
        "UPDATE work_logs SET content = ?, employee_name = ?, department_id = ?,"
        " department_path = ? WHERE id = ?");
    update.setString(1, log.content());
    update.setString(2, log.employee_name());
    update.setInt64(3, log.department_id());
    update.setString(4, author.department_path);
    update.setInt64(5, log.id());
    update.executeUpdate();
  };
  return UpdateVersioned(db_, call, kWorkLogs, existing, etag, edit, write);
}

absl::StatusOr<WorkLogPage> WorkLogRepository::List(const CallContext& call,
                                                    const WorkLogFilter& filter, int page_size,
                                                    const std::optional<WorkLogPosition>& after) {
  return db_.Run("work_log.list", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<WorkLogPage> {
                   SqlWhere where;
                   if (filter.employee_id != 0) where.And("employee_id = ?", {filter.employee_id});
                   // Paths hold only digits and '/', so the prefix needs no LIKE escaping.
                   if (!filter.department_path.empty()) {
                     where.And("department_path LIKE ?", {filter.department_path + "%"});
                   }
                   if (!filter.start_date.empty()) where.And("log_date >= ?", {filter.start_date});
                   if (!filter.end_date.empty()) where.And("log_date <= ?", {filter.end_date});
                   RestrictToScope(where, ScopeOf(call.caller), "employee_id", "department_path");
                   KeysetQuery q(absl::StrCat("SELECT ", kLogColumns, " FROM work_logs"),
                                 "FROM work_logs", where, " ORDER BY log_date DESC, id", page_size);
                   if (after) {
                     q.After("(log_date < ? OR (log_date = ? AND id > ?))",
                             {after->log_date, after->log_date, after->id});
                   }
                   return ReadKeysetPage<WorkLog>(c, q, ReadLog);
                 });
}

}  // namespace crm::org
