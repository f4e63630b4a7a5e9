// WorkHandlers.
#include "services/org/work_handlers.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/base/dates.h"
#include "common/base/status_util.h"
#include "common/rpc/page_token.h"
#include "common/text/text_checks.h"
#include "services/org/structure_repository.h"
#include "services/org/work_repository.h"

namespace crm::org {
namespace {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;
constexpr size_t kMaxLogChars = 10000;
constexpr int kMaxTasks = 50;
constexpr size_t kMaxTitleChars = 200;
constexpr size_t kMaxDetailChars = 2000;
constexpr size_t kMaxCommentChars = 2000;

absl::Status CheckId(int64_t id, const char* field) {
  return id > 0 ? absl::OkStatus() : InvalidField(field, "must be a positive id");
}

int PageSize(int32_t requested) {
  return requested == 0 ? kDefaultPageSize : std::min<int>(requested, kMaxPageSize);
}

// A filter date: empty, or a strict YYYY-MM-DD.
void CheckDate(FieldViolations& v, const char* field, const std::string& date) {
  if (!date.empty() && !ParseIsoDate(date).ok()) v.Add(field, "must be a date as YYYY-MM-DD");
}

// A week is named by its Monday, so each week has exactly one name.
void CheckWeekStart(FieldViolations& v, const char* field, const std::string& date,
                    Presence presence) {
  if (date.empty()) {
    if (presence == Presence::kRequired) v.Add(field, "is required");
    return;
  }
  absl::StatusOr<absl::CivilDay> day = ParseIsoDate(date);
  if (!day.ok()) {
    v.Add(field, "must be a date as YYYY-MM-DD");
  } else if (absl::GetWeekday(*day) != absl::Weekday::monday) {
    v.Add(field, "must be a Monday");
  }
}

// A keyset position {date, id} from a page token.
absl::Status ReadPosition(const std::vector<std::string>& position, std::string* date,
                          int64_t* id) {
  if (position.empty()) return absl::OkStatus();
  if (position.size() != 2 || !ParseIsoDate(position[0]).ok() ||
      !absl::SimpleAtoi(position[1], id)) {
    return InvalidField("page_token", "is malformed");
  }
  *date = position[0];
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<EmployeePlacement> WorkHandlers::Author(const CallContext& call) {
  if (call.caller.employee_id == 0) {
    return absl::FailedPreconditionError(
        "only employees keep work logs and weekly plans; the caller is not an employee");
  }
  absl::StatusOr<EmployeePlacement> placement = structure_.Placement(call, call.caller.employee_id);
  if (absl::IsNotFound(placement.status())) {
    return absl::FailedPreconditionError(
        absl::StrCat("the caller's employee record ", call.caller.employee_id, " does not exist"));
  }
  if (!placement.ok()) return placement.status();
  if (!placement->active) {
    return absl::FailedPreconditionError("the caller's employee record is no longer active");
  }
  return placement;
}

// ------------------------------------------------------------------ work logs

absl::Status WorkHandlers::WriteWorkLog(const CallContext& call,
                                        const v1::WriteWorkLogRequest& request,
                                        v1::WorkLog* response) {
  // Content keeps its inner layout; only surrounding blank space is dropped.
  const std::string content = TrimText(request.content());
  FieldViolations v;
  CheckText(v, "content", content, kMaxLogChars, Presence::kRequired, /*multiline=*/true);
  CRM_RETURN_IF_ERROR(v.ToStatus());
  CRM_ASSIGN_OR_RETURN(EmployeePlacement author, Author(call));
  // Always today's log: a past day's log cannot be changed through the API.
  const std::string today = FormatIsoDate(Today(zone_));
  CRM_ASSIGN_OR_RETURN(*response,
                       repository_.WriteLog(call, author, today, content, request.etag()));
  return absl::OkStatus();
}

absl::Status WorkHandlers::ListWorkLogs(const CallContext& call,
                                        const v1::ListWorkLogsRequest& request,
                                        v1::ListWorkLogsResponse* response) {
  FieldViolations v;
  if (request.page_size() < 0) v.Add("page_size", "must not be negative");
  if (request.employee_id() < 0) v.Add("employee_id", "must not be negative");
  if (request.department_id() < 0) v.Add("department_id", "must not be negative");
  CheckDate(v, "start_date", request.start_date());
  CheckDate(v, "end_date", request.end_date());
  // Equal-length ISO dates compare like the days they name.
  if (v.empty() && !request.start_date().empty() && !request.end_date().empty() &&
      request.end_date() < request.start_date()) {
    v.Add("end_date", "must not be before start_date");
  }
  CRM_RETURN_IF_ERROR(v.ToStatus());
  WorkLogQuery query;
  query.employee_id = request.employee_id();
  query.start_date = request.start_date();
  query.end_date = request.end_date();
  query.page_size = PageSize(request.page_size());
  const uint64_t fingerprint =
      FilterFingerprint({"work_logs", absl::StrCat(query.employee_id),
                         absl::StrCat(request.department_id()), query.start_date, query.end_date});
  CRM_ASSIGN_OR_RETURN(std::vector<std::string> position,
                       DecodePageToken(request.page_token(), fingerprint));
  CRM_RETURN_IF_ERROR(ReadPosition(position, &query.after_date, &query.after_id));
  if (request.department_id() != 0) {
    // The subtree as of now, matched against the path each log was written with.
    CRM_ASSIGN_OR_RETURN(v1::Department department,
                         structure_.GetDepartment(call, request.department_id()));
    query.department_path = department.path();
  }
  CRM_ASSIGN_OR_RETURN(WorkLogPage page, repository_.ListLogs(call, query));
  for (v1::WorkLog& log : page.logs) *response->add_work_logs() = std::move(log);
  response->set_total_size(page.total_size);
  if (page.has_more) {
    const v1::WorkLog& last = response->work_logs(response->work_logs_size() - 1);
    response->set_next_page_token(
        EncodePageToken({last.log_date(), absl::StrCat(last.id())}, fingerprint));
  }
  return absl::OkStatus();
}

// --------------------------------------------------------------- weekly plans

absl::Status WorkHandlers::SaveWeeklyPlan(const CallContext& call,
                                          const v1::SaveWeeklyPlanRequest& request,
                                          v1::WeeklyPlan* response) {
  FieldViolations v;
  CheckWeekStart(v, "week_start", request.week_start(), Presence::kRequired);
  if (request.tasks_size() > kMaxTasks) {
    v.Add("tasks", absl::StrCat("must hold at most ", kMaxTasks, " tasks"));
  }
  std::vector<v1::PlanTask> tasks;
  tasks.reserve(request.tasks_size());
  for (int i = 0; i < request.tasks_size() && i < kMaxTasks; ++i) {
    const std::string prefix = absl::StrCat("tasks[", i, "].");
    v1::PlanTask task = request.tasks(i);
    task.set_title(TrimText(task.title()));
    CheckText(v, prefix + "title", task.title(), kMaxTitleChars, Presence::kRequired);
    CheckText(v, prefix + "detail", task.detail(), kMaxDetailChars, Presence::kOptional,
              /*multiline=*/true);
    if (task.status() == v1::TASK_STATUS_UNSPECIFIED) task.set_status(v1::TASK_STATUS_PLANNED);
    if (!v1::TaskStatus_IsValid(task.status())) v.Add(prefix + "status", "is not a task status");
    tasks.push_back(std::move(task));
  }
  CRM_RETURN_IF_ERROR(v.ToStatus());
  CRM_ASSIGN_OR_RETURN(EmployeePlacement author, Author(call));
  CRM_ASSIGN_OR_RETURN(
      *response, repository_.SavePlan(call, author, request.week_start(), tasks, request.etag()));
  return absl::OkStatus();
}

absl::Status WorkHandlers::SubmitWeeklyPlan(const CallContext& call,
                                            const v1::SubmitWeeklyPlanRequest& request,
                                            v1::WeeklyPlan* response) {
  CRM_RETURN_IF_ERROR(CheckId(request.id(), "id"));
  CRM_ASSIGN_OR_RETURN(*response, repository_.SubmitPlan(call, request.id(), request.etag()));
  return absl::OkStatus();
}

absl::Status WorkHandlers::ReviewWeeklyPlan(const CallContext& call,
                                            const v1::ReviewWeeklyPlanRequest& request,
                                            v1::WeeklyPlan* response) {
  CRM_RETURN_IF_ERROR(CheckId(request.id(), "id"));
  const std::string comment = TrimText(request.comment());
  FieldViolations v;
  CheckText(v, "comment", comment, kMaxCommentChars, Presence::kOptional, /*multiline=*/true);
  CRM_RETURN_IF_ERROR(v.ToStatus());
  CRM_ASSIGN_OR_RETURN(*response, repository_.ReviewPlan(call, request.id(), request.approve(),
                                                         comment, request.etag()));
  return absl::OkStatus();
}

absl::Status WorkHandlers::GetWeeklyPlan(const CallContext& call,
                                         const v1::GetWeeklyPlanRequest& request,
                                         v1::WeeklyPlan* response) {
  CRM_RETURN_IF_ERROR(CheckId(request.id(), "id"));
  CRM_ASSIGN_OR_RETURN(*response, repository_.GetPlan(call, request.id()));
  return absl::OkStatus();
}

absl::Status WorkHandlers::ListWeeklyPlans(const CallContext& call,
                                           const v1::ListWeeklyPlansRequest& request,
                                           v1::ListWeeklyPlansResponse* response) {
  FieldViolations v;
  if (request.page_size() < 0) v.Add("page_size", "must not be negative");
  if (request.employee_id() < 0) v.Add("employee_id", "must not be negative");
  CheckWeekStart(v, "week_start", request.week_start(), Presence::kOptional);
  if (!v1::WeeklyPlanStatus_IsValid(request.status())) {
    v.Add("status", "is not a weekly plan status");
  }
  CRM_RETURN_IF_ERROR(v.ToStatus());
  WeeklyPlanQuery query;
  query.employee_id = request.employee_id();
  query.week_start = request.week_start();
  query.status = request.status();
  query.page_size = PageSize(request.page_size());
  const uint64_t fingerprint =
      FilterFingerprint({"weekly_plans", absl::StrCat(query.employee_id), query.week_start,
                         absl::StrCat(static_cast<int>(query.status))});
  CRM_ASSIGN_OR_RETURN(std::vector<std::string> position,
                       DecodePageToken(request.page_token(), fingerprint));
  CRM_RETURN_IF_ERROR(ReadPosition(position, &query.after_week, &query.after_id));
  CRM_ASSIGN_OR_RETURN(WeeklyPlanPage page, repository_.ListPlans(call, query));
  for (v1::WeeklyPlan& p : page.plans) *response->add_weekly_plans() = std::move(p);
  response->set_total_size(page.total_size);
  if (page.has_more) {
    const v1::WeeklyPlan& last = response->weekly_plans(response->weekly_plans_size() - 1);
    response->set_next_page_token(
        EncodePageToken({last.week_start(), absl::StrCat(last.id())}, fingerprint));
  }
  return absl::OkStatus();
}

}  // namespace crm::org
