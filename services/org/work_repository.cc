// WorkRepository: work_logs, weekly_plans and weekly_plan_tasks.
#include "services/org/work_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "common/db/visibility.h"
#include "common/feed/change_log.h"

namespace crm::org {
namespace {

using v1::PlanTask;
using v1::WeeklyPlan;
using v1::WorkLog;

int64_t VersionOf(const std::string& etag) { return std::stoll(etag); }

// An etag given for a record that does not exist (yet) was read from another
// record, e.g. yesterday's log: the client's view is stale.
absl::Status EtagForMissing(const std::string& etag, const char* what) {
  if (etag.empty()) return absl::OkStatus();
  return absl::AbortedError(absl::StrCat("the etag names a ", what,
                                         " that is not this one (etag mismatch); read it "
                                         "again and retry"));
}

// --- work logs ---

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

std::unique_ptr<WorkLog> LoadLog(MySqlConnection& c, int64_t id) {
  sql::PreparedStatement& stmt =
      c.Prepare(absl::StrCat("SELECT ", kLogColumns, " FROM work_logs WHERE id = ?"));
  stmt.setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  return std::make_unique<WorkLog>(ReadLog(*rs));
}

// The employee's log for the day, locked. Without a row the lock covers the
// gap, so two concurrent first writes cannot both insert: one deadlocks and
// its retry finds the other's row.
std::unique_ptr<WorkLog> LockDayLog(MySqlConnection& c, int64_t employee_id,
                                    const std::string& day) {
  sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(
      "SELECT ", kLogColumns, " FROM work_logs WHERE employee_id = ? AND log_date = ? FOR UPDATE"));
  stmt.setInt64(1, employee_id);
  stmt.setString(2, day);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  return std::make_unique<WorkLog>(ReadLog(*rs));
}

SqlWhere LogListWhere(const CallContext& call, const WorkLogQuery& q) {
  SqlWhere where;
  if (q.employee_id != 0) where.And("employee_id = ?", {q.employee_id});
  // Paths hold only digits and '/', so the prefix needs no LIKE escaping.
  if (!q.department_path.empty()) where.And("department_path LIKE ?", {q.department_path + "%"});
  if (!q.start_date.empty()) where.And("log_date >= ?", {q.start_date});
  if (!q.end_date.empty()) where.And("log_date <= ?", {q.end_date});
  RestrictToScope(where, ScopeOf(call.caller), "employee_id", "department_path");
  return where;
}

// --- weekly plans ---

constexpr char kPlanColumns[] =
    "id, employee_id, employee_name, department_id, week_start, status, review_comment,"
    " reviewer_user_id, submitted_at, reviewed_at, version, updated_at, department_path";

// A plan with the owner's department path, which the proto does not carry but
// the visibility checks need.
struct PlanRow {
  WeeklyPlan plan;
  std::string department_path;
};

PlanRow ReadPlan(sql::ResultSet& rs) {
  PlanRow row;
  WeeklyPlan& p = row.plan;
  p.set_id(rs.getInt64(1));
  p.set_employee_id(rs.getInt64(2));
  p.set_employee_name(rs.getString(3));
  p.set_department_id(rs.getInt64(4));
  p.set_week_start(rs.getString(5));
  p.set_status(static_cast<v1::WeeklyPlanStatus>(rs.getInt(6)));
  p.set_review_comment(rs.getString(7));
  p.set_reviewer_user_id(rs.getInt64(8));
  if (!rs.isNull(9)) SqlDateTimeToTimestamp(rs.getString(9), p.mutable_submit_time());
  if (!rs.isNull(10)) SqlDateTimeToTimestamp(rs.getString(10), p.mutable_review_time());
  p.set_etag(EtagOf(rs.getInt64(11)));
  SqlDateTimeToTimestamp(rs.getString(12), p.mutable_update_time());
  row.department_path = rs.getString(13);
  return row;
}

PlanTask ReadTask(sql::ResultSet& rs, int first) {
  PlanTask t;
  t.set_title(rs.getString(first));
  t.set_detail(rs.getString(first + 1));
  t.set_status(static_cast<v1::TaskStatus>(rs.getInt(first + 2)));
  return t;
}

void LoadTasks(MySqlConnection& c, WeeklyPlan& plan) {
  sql::PreparedStatement& stmt = c.Prepare(
      "SELECT title, detail, status FROM weekly_plan_tasks WHERE plan_id = ? ORDER BY position");
  stmt.setInt64(1, plan.id());
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  plan.clear_tasks();
  while (rs->next()) *plan.add_tasks() = ReadTask(*rs, 1);
}

// The plan with its tasks, locking the plan row when `for_update`.
std::unique_ptr<PlanRow> LoadPlan(MySqlConnection& c, int64_t id, bool for_update) {
  sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(
      "SELECT ", kPlanColumns, " FROM weekly_plans WHERE id = ?", for_update ? " FOR UPDATE" : ""));
  stmt.setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  auto row = std::make_unique<PlanRow>(ReadPlan(*rs));
  rs.reset();
  LoadTasks(c, row->plan);
  return row;
}

// The author's plan for the week, locked (the gap too when there is none, as
// for work logs).
int64_t LockWeekPlan(MySqlConnection& c, int64_t employee_id, const std::string& week_start) {
  sql::PreparedStatement& stmt =
      c.Prepare("SELECT id FROM weekly_plans WHERE employee_id = ? AND week_start = ? FOR UPDATE");
  stmt.setInt64(1, employee_id);
  stmt.setString(2, week_start);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  return rs->next() ? rs->getInt64(1) : 0;
}

void ReplaceTasks(MySqlConnection& c, int64_t plan_id, const std::vector<PlanTask>& tasks) {
  sql::PreparedStatement& remove = c.Prepare("DELETE FROM weekly_plan_tasks WHERE plan_id = ?");
  remove.setInt64(1, plan_id);
  remove.executeUpdate();
  sql::PreparedStatement& insert = c.Prepare(
      "INSERT INTO weekly_plan_tasks (plan_id, position, title, detail, status)"
      " VALUES (?, ?, ?, ?, ?)");
  int position = 0;
  for (const PlanTask& t : tasks) {
    insert.setInt64(1, plan_id);
    insert.setInt(2, position++);
    insert.setString(3, t.title());
    insert.setString(4, t.detail());
    insert.setInt(5, t.status());
    insert.executeUpdate();
  }
}

absl::Status PlanNotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat("weekly plan ", id, " not found"));
}

// The plan, locked, when the caller may see it; NOT_FOUND otherwise, so that
// plans outside the scope are indistinguishable from missing ones.
absl::StatusOr<PlanRow> LockVisiblePlan(MySqlConnection& c, const CallContext& call, int64_t id) {
  std::unique_ptr<PlanRow> row = LoadPlan(c, id, /*for_update=*/true);
  if (!row || !InScope(ScopeOf(call.caller), row->plan.employee_id(), row->department_path)) {
    return PlanNotFound(id);
  }
  return *row;
}

SqlWhere PlanListWhere(const CallContext& call, const WeeklyPlanQuery& q) {
  SqlWhere where;
  if (q.employee_id != 0) where.And("employee_id = ?", {q.employee_id});
  if (!q.week_start.empty()) where.And("week_start = ?", {q.week_start});
  if (q.status != v1::WEEKLY_PLAN_STATUS_UNSPECIFIED) {
    where.And("status = ?", {static_cast<int64_t>(q.status)});
  }
  RestrictToScope(where, ScopeOf(call.caller), "employee_id", "department_path");
  return where;
}

}  // namespace

// ------------------------------------------------------------------ work logs

absl::StatusOr<WorkLog> WorkRepository::WriteLog(const CallContext& call,
                                                 const EmployeePlacement& author,
                                                 const std::string& day, const std::string& content,
                                                 const std::string& etag) {
  return db_.RunInTransaction(
      "work_log.write", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<WorkLog> {
        const std::string now = FormatSqlDateTime(absl::Now());
        std::unique_ptr<WorkLog> existing = LockDayLog(c, author.employee_id, day);
        if (!existing) {
          CRM_RETURN_IF_ERROR(EtagForMissing(etag, "work log"));
          sql::PreparedStatement& insert = c.Prepare(
              "INSERT INTO work_logs (employee_id, employee_name, department_id, department_path,"
              " log_date, content, version, created_at, updated_at)"
              " VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)");
          insert.setInt64(1, author.employee_id);
          insert.setString(2, author.name);
          insert.setInt64(3, author.department_id);
          insert.setString(4, author.department_path);
          insert.setString(5, day);
          insert.setString(6, content);
          insert.setDateTime(7, now);
          insert.setDateTime(8, now);
          insert.executeUpdate();
          WorkLog created = *LoadLog(c, c.LastInsertId());
          AppendChange(c, call, ChangeOp::kCreate, created.id(), created);
          return created;
        }
        CRM_RETURN_IF_ERROR(CheckEtag(etag, VersionOf(existing->etag()), "work log"));
        // The placement is refreshed too: the row records where the author sat
        // when they last wrote it.
        sql::PreparedStatement& update = c.Prepare(
            "UPDATE work_logs SET content = ?, employee_name = ?, department_id = ?,"
            " department_path = ?, version = version + 1, updated_at = ? WHERE id = ?");
        update.setString(1, content);
        update.setString(2, author.name);
        update.setInt64(3, author.department_id);
        update.setString(4, author.department_path);
        update.setDateTime(5, now);
        update.setInt64(6, existing->id());
        update.executeUpdate();
        WorkLog updated = *LoadLog(c, existing->id());
        AppendChange(c, call, ChangeOp::kUpdate, updated.id(), updated);
        return updated;
      });
}

absl::StatusOr<WorkLogPage> WorkRepository::ListLogs(const CallContext& call,
                                                     const WorkLogQuery& query) {
  return db_.Run(
      "work_log.list", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<WorkLogPage> {
        const SqlWhere where = LogListWhere(call, query);
        SqlWhere rows_where = where;
        if (!query.after_date.empty()) {
          rows_where.And("(log_date < ? OR (log_date = ? AND id > ?))",
                         {query.after_date, query.after_date, query.after_id});
        }
        sql::PreparedStatement& rows =
            c.Prepare(absl::StrCat("SELECT ", kLogColumns, " FROM work_logs", rows_where.Sql(),
                                   " ORDER BY log_date DESC, id LIMIT ?"));
        rows.setInt(rows_where.Bind(rows), query.page_size + 1);
        WorkLogPage page;
        std::unique_ptr<sql::ResultSet> rs(rows.executeQuery());
        while (rs->next()) {
          if (static_cast<int>(page.logs.size()) == query.page_size) {
            page.has_more = true;
            break;
          }
          page.logs.push_back(ReadLog(*rs));
        }
        rs.reset();
        sql::PreparedStatement& count =
            c.Prepare(absl::StrCat("SELECT COUNT(*) FROM work_logs", where.Sql()));
        where.Bind(count);
        std::unique_ptr<sql::ResultSet> total(count.executeQuery());
        total->next();
        page.total_size = total->getInt64(1);
        return page;
      });
}

// --------------------------------------------------------------- weekly plans

absl::StatusOr<WeeklyPlan> WorkRepository::SavePlan(const CallContext& call,
                                                    const EmployeePlacement& author,
                                                    const std::string& week_start,
                                                    const std::vector<PlanTask>& tasks,
                                                    const std::string& etag) {
  return db_.RunInTransaction(
      "weekly_plan.save", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<WeeklyPlan> {
        const std::string now = FormatSqlDateTime(absl::Now());
        const int64_t existing = LockWeekPlan(c, author.employee_id, week_start);
        if (existing == 0) {
          CRM_RETURN_IF_ERROR(EtagForMissing(etag, "weekly plan"));
          sql::PreparedStatement& insert = c.Prepare(
              "INSERT INTO weekly_plans (employee_id, employee_name, department_id,"
              " department_path, week_start, status, version, created_at, updated_at)"
              " VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)");
          insert.setInt64(1, author.employee_id);
          insert.setString(2, author.name);
          insert.setInt64(3, author.department_id);
          insert.setString(4, author.department_path);
          insert.setString(5, week_start);
          insert.setInt(6, v1::WEEKLY_PLAN_STATUS_DRAFT);
          insert.setDateTime(7, now);
          insert.setDateTime(8, now);
          insert.executeUpdate();
          const int64_t id = c.LastInsertId();
          ReplaceTasks(c, id, tasks);
          WeeklyPlan created = LoadPlan(c, id, false)->plan;
          AppendChange(c, call, ChangeOp::kCreate, id, created);
          return created;
        }
        std::unique_ptr<PlanRow> row = LoadPlan(c, existing, false);
        CRM_RETURN_IF_ERROR(CheckEtag(etag, VersionOf(row->plan.etag()), "weekly plan"));
        const v1::WeeklyPlanStatus status = row->plan.status();
        if (status != v1::WEEKLY_PLAN_STATUS_DRAFT && status != v1::WEEKLY_PLAN_STATUS_RETURNED) {
          return absl::FailedPreconditionError(
              "the weekly plan was submitted; it can be changed only while a draft or after it "
              "was returned");
        }
        // A returned plan stays RETURNED (with the reviewer's comment) until
        // it is submitted again.
        sql::PreparedStatement& update = c.Prepare(
            "UPDATE weekly_plans SET employee_name = ?, department_id = ?, department_path = ?,"
            " version = version + 1, updated_at = ? WHERE id = ?");
        update.setString(1, author.name);
        update.setInt64(2, author.department_id);
        update.setString(3, author.department_path);
        update.setDateTime(4, now);
        update.setInt64(5, existing);
        update.executeUpdate();
        ReplaceTasks(c, existing, tasks);
        WeeklyPlan saved = LoadPlan(c, existing, false)->plan;
        AppendChange(c, call, ChangeOp::kUpdate, existing, saved);
        return saved;
      });
}

absl::StatusOr<WeeklyPlan> WorkRepository::SubmitPlan(const CallContext& call, int64_t id,
                                                      const std::string& etag) {
  return db_.RunInTransaction(
      "weekly_plan.submit", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<WeeklyPlan> {
        CRM_ASSIGN_OR_RETURN(PlanRow row, LockVisiblePlan(c, call, id));
        if (call.caller.employee_id == 0 || row.plan.employee_id() != call.caller.employee_id) {
          return absl::PermissionDeniedError("only the plan's author can submit it");
        }
        CRM_RETURN_IF_ERROR(CheckEtag(etag, VersionOf(row.plan.etag()), "weekly plan"));
        const v1::WeeklyPlanStatus status = row.plan.status();
        if (status != v1::WEEKLY_PLAN_STATUS_DRAFT && status != v1::WEEKLY_PLAN_STATUS_RETURNED) {
          return absl::FailedPreconditionError(
              "only a draft or a returned weekly plan can be submitted");
        }
        const std::string now = FormatSqlDateTime(absl::Now());
        sql::PreparedStatement& update = c.Prepare(
            "UPDATE weekly_plans SET status = ?, submitted_at = ?, version = version + 1,"
            " updated_at = ? WHERE id = ?");
        update.setInt(1, v1::WEEKLY_PLAN_STATUS_SUBMITTED);
        update.setDateTime(2, now);
        update.setDateTime(3, now);
        update.setInt64(4, id);
        update.executeUpdate();
        WeeklyPlan submitted = LoadPlan(c, id, false)->plan;
        AppendChange(c, call, ChangeOp::kUpdate, id, submitted);
        return submitted;
      });
}

absl::StatusOr<WeeklyPlan> WorkRepository::ReviewPlan(const CallContext& call, int64_t id,
                                                      bool approve, const std::string& comment,
                                                      const std::string& etag) {
  return db_.RunInTransaction(
      "weekly_plan.review", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<WeeklyPlan> {
        CRM_ASSIGN_OR_RETURN(PlanRow row, LockVisiblePlan(c, call, id));
        if (call.caller.employee_id != 0 && row.plan.employee_id() == call.caller.employee_id) {
          return absl::PermissionDeniedError("nobody reviews their own weekly plan");
        }
        CRM_RETURN_IF_ERROR(CheckEtag(etag, VersionOf(row.plan.etag()), "weekly plan"));
        if (row.plan.status() != v1::WEEKLY_PLAN_STATUS_SUBMITTED) {
          return absl::FailedPreconditionError("only a submitted weekly plan can be reviewed");
        }
        const std::string now = FormatSqlDateTime(absl::Now());
        sql::PreparedStatement& update = c.Prepare(
            "UPDATE weekly_plans SET status = ?, review_comment = ?, reviewer_user_id = ?,"
            " reviewed_at = ?, version = version + 1, updated_at = ? WHERE id = ?");
        update.setInt(1,
                      approve ? v1::WEEKLY_PLAN_STATUS_APPROVED : v1::WEEKLY_PLAN_STATUS_RETURNED);
        update.setString(2, comment);
        update.setInt64(3, call.caller.user_id);
        update.setDateTime(4, now);
        update.setDateTime(5, now);
        update.setInt64(6, id);
        update.executeUpdate();
        WeeklyPlan reviewed = LoadPlan(c, id, false)->plan;
        AppendChange(c, call, ChangeOp::kUpdate, id, reviewed);
        return reviewed;
      });
}

absl::StatusOr<WeeklyPlan> WorkRepository::GetPlan(const CallContext& call, int64_t id) {
  return db_.Run(
      "weekly_plan.get", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<WeeklyPlan> {
        std::unique_ptr<PlanRow> row = LoadPlan(c, id, false);
        if (!row || !InScope(ScopeOf(call.caller), row->plan.employee_id(), row->department_path)) {
          return PlanNotFound(id);
        }
        return row->plan;
      });
}

absl::StatusOr<WeeklyPlanPage> WorkRepository::ListPlans(const CallContext& call,
                                                         const WeeklyPlanQuery& query) {
  return db_.Run(
      "weekly_plan.list", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<WeeklyPlanPage> {
        const SqlWhere where = PlanListWhere(call, query);
        SqlWhere rows_where = where;
        if (!query.after_week.empty()) {
          rows_where.And("(week_start < ? OR (week_start = ? AND id > ?))",
                         {query.after_week, query.after_week, query.after_id});
        }
        const std::string page_order = " ORDER BY week_start DESC, id LIMIT ?";
        sql::PreparedStatement& rows = c.Prepare(absl::StrCat(
            "SELECT ", kPlanColumns, " FROM weekly_plans", rows_where.Sql(), page_order));
        rows.setInt(rows_where.Bind(rows), query.page_size + 1);
        WeeklyPlanPage page;
        std::unique_ptr<sql::ResultSet> rs(rows.executeQuery());
        while (rs->next()) {
          if (static_cast<int>(page.plans.size()) == query.page_size) {
            page.has_more = true;
            break;
          }
          page.plans.push_back(ReadPlan(*rs).plan);
        }
        rs.reset();
        // The page's tasks in one query (the same filter and limit as a derived
        // table) rather than one query per plan.
        std::map<int64_t, WeeklyPlan*> by_id;
        for (WeeklyPlan& p : page.plans) by_id[p.id()] = &p;
        if (!by_id.empty()) {
          sql::PreparedStatement& tasks = c.Prepare(
              absl::StrCat("SELECT t.plan_id, t.title, t.detail, t.status FROM weekly_plan_tasks t"
                           " JOIN (SELECT id FROM weekly_plans",
                           rows_where.Sql(), page_order,
                           ") page ON page.id = t.plan_id ORDER BY t.plan_id, t.position"));
          tasks.setInt(rows_where.Bind(tasks), query.page_size);
          std::unique_ptr<sql::ResultSet> trs(tasks.executeQuery());
          while (trs->next()) {
            auto it = by_id.find(trs->getInt64(1));
            if (it != by_id.end()) *it->second->add_tasks() = ReadTask(*trs, 2);
          }
        }
        sql::PreparedStatement& count =
            c.Prepare(absl::StrCat("SELECT COUNT(*) FROM weekly_plans", where.Sql()));
        where.Bind(count);
        std::unique_ptr<sql::ResultSet> total(count.executeQuery());
        total->next();
        page.total_size = total->getInt64(1);
        return page;
      });
}

}  // namespace crm::org
