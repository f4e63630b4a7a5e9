// WeeklyPlanRepository: prepared statements over weekly_plans and
// weekly_plan_tasks.
#include "services/org/weekly_plan_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <map>
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

using v1::PlanTask;
using v1::WeeklyPlan;

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

// Every plan: for its author's own writes.
const RecordTable<WeeklyPlan> kPlans{
    "weekly_plans", "weekly plan",
    [](MySqlConnection& c, int64_t id, bool for_update) -> std::unique_ptr<WeeklyPlan> {
      std::unique_ptr<PlanRow> row = LoadPlan(c, id, for_update);
      return row ? std::make_unique<WeeklyPlan>(std::move(row->plan)) : nullptr;
    }};

// The plans the caller may see; others do not load, so they are
// indistinguishable from missing ones (NOT_FOUND).
RecordTable<WeeklyPlan> VisiblePlans(const CallContext& call) {
  const VisibilityScope scope = ScopeOf(call.caller);
  return {"weekly_plans", "weekly plan",
          [scope](MySqlConnection& c, int64_t id, bool for_update) -> std::unique_ptr<WeeklyPlan> {
            std::unique_ptr<PlanRow> row = LoadPlan(c, id, for_update);
            if (!row || !InScope(scope, row->plan.employee_id(), row->department_path)) {
              return nullptr;
            }
            return std::make_unique<WeeklyPlan>(std::move(row->plan));
          }};
}

// The id of the author's plan for the week, locked (the gap too when there
// is none, as for work logs); 0 for none.
int64_t LockWeekPlan(MySqlConnection& c, int64_t employee_id, const std::string& week_start) {
  sql::PreparedStatement& stmt =
      c.Prepare("SELECT id FROM weekly_plans WHERE employee_id = ? AND week_start = ? FOR UPDATE");
  stmt.setInt64(1, employee_id);
  stmt.setString(2, week_start);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  return rs->next() ? rs->getInt64(1) : 0;
}

template <typename Tasks>
void ReplaceTasks(MySqlConnection& c, int64_t plan_id, const Tasks& tasks) {
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

bool Editable(v1::WeeklyPlanStatus status) {
  return status == v1::WEEKLY_PLAN_STATUS_DRAFT || status == v1::WEEKLY_PLAN_STATUS_RETURNED;
}

}  // namespace

absl::StatusOr<WeeklyPlan> WeeklyPlanRepository::Save(
    const CallContext& call, const EmployeePlacement& author, const std::string& week_start,
    const std::vector<PlanTask>& tasks, const std::string& etag, const std::string& request_id) {
  // The week's first save creates the plan; when one exists, the create
  // stands aside (its transaction rolls back) and the plan is updated.
  int64_t existing = 0;
  absl::StatusOr<WeeklyPlan> created = CreateOnce(
      db_, call, kPlans, request_id,
      [&](MySqlConnection& c, const std::string& request_key) -> absl::StatusOr<int64_t> {
        existing = LockWeekPlan(c, author.employee_id, week_start);
        if (existing != 0) return ExistsAlready();
        CRM_RETURN_IF_ERROR(EtagForMissing(etag, "weekly plan"));
        const std::string now = FormatSqlDateTime(call.Now());
        sql::PreparedStatement& insert = c.Prepare(
            "INSERT INTO weekly_plans (employee_id, employee_name, department_id,"
            " department_path, week_start, status, version, create_request_id, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)");
        insert.setInt64(1, author.employee_id);
        insert.setString(2, author.name);
        insert.setInt64(3, author.department_id);
        insert.setString(4, author.department_path);
        insert.setString(5, week_start);
        insert.setInt(6, v1::WEEKLY_PLAN_STATUS_DRAFT);
        SetStringOrNull(insert, 7, request_key);
        insert.setDateTime(8, now);
        insert.setDateTime(9, now);
        insert.executeUpdate();
        const int64_t id = c.LastInsertId();
        ReplaceTasks(c, id, tasks);
        return id;
      });
  if (existing == 0) return created;
  auto edit = [&](MySqlConnection&, WeeklyPlan& plan) -> absl::Status {
    if (!Editable(plan.status())) {
      return absl::FailedPreconditionError(
          "the weekly plan was submitted; it can be changed only while a draft or after it "
          "was returned");
    }
    // A returned plan stays RETURNED (with the reviewer's comment) until it
    // is submitted again.
    plan.set_employee_name(author.name);
    plan.set_department_id(author.department_id);
    plan.mutable_tasks()->Clear();
    for (const PlanTask& t : tasks) *plan.add_tasks() = t;
    return absl::OkStatus();
  };
  auto write = [&](MySqlConnection& c, const WeeklyPlan& plan) {
    sql::PreparedStatement& update = c.Prepare(
        "UPDATE weekly_plans SET employee_name = ?, department_id = ?, department_path = ?"
        " WHERE id = ?");
    update.setString(1, author.name);
    update.setInt64(2, author.department_id);
    update.setString(3, author.department_path);
    update.setInt64(4, plan.id());
    update.executeUpdate();
    ReplaceTasks(c, plan.id(), plan.tasks());
  };
  return UpdateVersioned(db_, call, kPlans, existing, etag, edit, write);
}

absl::StatusOr<WeeklyPlan> WeeklyPlanRepository::Submit(const CallContext& call, int64_t id,
                                                        const std::string& etag) {
  auto edit = [&](MySqlConnection&, WeeklyPlan& plan) -> absl::Status {
    if (call.caller.employee_id == 0 || plan.employee_id() != call.caller.employee_id) {
      return absl::PermissionDeniedError("only the plan's author can submit it");
    }
    if (!Editable(plan.status())) {
      return absl::FailedPreconditionError(
          "only a draft or a returned weekly plan can be submitted");
    }
    plan.set_status(v1::WEEKLY_PLAN_STATUS_SUBMITTED);
    return absl::OkStatus();
  };
  auto write = [&](MySqlConnection& c, const WeeklyPlan&) {
    sql::PreparedStatement& update =
        c.Prepare("UPDATE weekly_plans SET status = ?, submitted_at = ? WHERE id = ?");
    update.setInt(1, v1::WEEKLY_PLAN_STATUS_SUBMITTED);
    update.setDateTime(2, FormatSqlDateTime(call.Now()));
    update.setInt64(3, id);
    update.executeUpdate();
  };
  return UpdateVersioned(db_, call, VisiblePlans(call), id, etag, edit, write);
}

absl::StatusOr<WeeklyPlan> WeeklyPlanRepository::Review(const CallContext& call, int64_t id,
                                                        bool approve, const std::string& comment,
                                                        const std::string& etag) {
  const v1::WeeklyPlanStatus outcome =
      approve ? v1::WEEKLY_PLAN_STATUS_APPROVED : v1::WEEKLY_PLAN_STATUS_RETURNED;
  auto edit = [&](MySqlConnection&, WeeklyPlan& plan) -> absl::Status {
    if (call.caller.employee_id != 0 && plan.employee_id() == call.caller.employee_id) {
      return absl::PermissionDeniedError("nobody reviews their own weekly plan");
    }
    if (plan.status() != v1::WEEKLY_PLAN_STATUS_SUBMITTED) {
      return absl::FailedPreconditionError("only a submitted weekly plan can be reviewed");
    }
    plan.set_status(outcome);
    plan.set_review_comment(comment);
    plan.set_reviewer_user_id(call.caller.user_id);
    return absl::OkStatus();
  };
  auto write = [&](MySqlConnection& c, const WeeklyPlan&) {
    sql::PreparedStatement& update = c.Prepare(
        "UPDATE weekly_plans SET status = ?, review_comment = ?, reviewer_user_id = ?,"
        " reviewed_at = ? WHERE id = ?");
    update.setInt(1, outcome);
    update.setString(2, comment);
    update.setInt64(3, call.caller.user_id);
    update.setDateTime(4, FormatSqlDateTime(call.Now()));
    update.setInt64(5, id);
    update.executeUpdate();
  };
  return UpdateVersioned(db_, call, VisiblePlans(call), id, etag, edit, write);
}

absl::StatusOr<WeeklyPlan> WeeklyPlanRepository::Get(const CallContext& call, int64_t id) {
  const RecordTable<WeeklyPlan> visible = VisiblePlans(call);
  return db_.Run("weekly_plan.get", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<WeeklyPlan> {
                   std::unique_ptr<WeeklyPlan> plan = visible.load(c, id, false);
                   if (!plan) return visible.NotFound(id);
                   return *plan;
                 });
}

absl::StatusOr<WeeklyPlanPage> WeeklyPlanRepository::List(
    const CallContext& call, const WeeklyPlanFilter& filter, int page_size,
    const std::optional<WeeklyPlanPosition>& after) {
  return db_.Run(
      "weekly_plan.list", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<WeeklyPlanPage> {
        SqlWhere where;
        if (filter.employee_id != 0) where.And("employee_id = ?", {filter.employee_id});
        if (!filter.week_start.empty()) where.And("week_start = ?", {filter.week_start});
        if (filter.status != v1::WEEKLY_PLAN_STATUS_UNSPECIFIED) {
          where.And("status = ?", {static_cast<int64_t>(filter.status)});
        }
        RestrictToScope(where, ScopeOf(call.caller), "employee_id", "department_path");
        const char* order = " ORDER BY week_start DESC, id";
        KeysetQuery q(absl::StrCat("SELECT ", kPlanColumns, " FROM weekly_plans"),
                      "FROM weekly_plans", where, order, page_size);
        if (after) {
          q.After("(week_start < ? OR (week_start = ? AND id > ?))",
                  {after->week_start, after->week_start, after->id});
        }
        WeeklyPlanPage page =
            ReadKeysetPage<WeeklyPlan>(c, q, [](sql::ResultSet& rs) { return ReadPlan(rs).plan; });
        if (page.rows.empty()) return page;
        // The page's tasks in one query (the page's filter and limit as a
        // derived table) rather than one query per plan.
        std::map<int64_t, WeeklyPlan*> by_id;
        for (WeeklyPlan& p : page.rows) by_id[p.id()] = &p;
        SqlWhere page_where = q.where;
        if (!q.after.empty()) page_where.And(q.after, q.after_values);
        sql::PreparedStatement& tasks = c.Prepare(
            absl::StrCat("SELECT t.plan_id, t.title, t.detail, t.status FROM weekly_plan_tasks t"
                         " JOIN (SELECT id FROM weekly_plans",
                         page_where.Sql(), order,
                         " LIMIT ?) page ON page.id = t.plan_id ORDER BY t.plan_id, t.position"));
        tasks.setInt(page_where.Bind(tasks), page_size);
        std::unique_ptr<sql::ResultSet> trs(tasks.executeQuery());
        while (trs->next()) {
          auto it = by_id.find(trs->getInt64(1));
          if (it != by_id.end()) *it->second->add_tasks() = ReadTask(*trs, 2);
        }
        return page;
      });
}

}  // namespace crm::org
