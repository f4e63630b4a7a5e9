// WorkHandlers.
#include "services/org/work_handlers.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/base/dates.h"
#include "common/base/status_util.h"
#include "common/rpc/paging.h"
#include "common/text/text_checks.h"
#include "services/org/department_repository.h"
#include "services/org/employee_repository.h"
#include "services/org/weekly_plan_repository.h"
#include "services/org/work_log_repository.h"

namespace crm::org {
namespace {

constexpr size_t kMaxLogChars = 10000;
constexpr int kMaxTasks = 50;
constexpr size_t kMaxTitleChars = 200;
constexpr size_t kMaxDetailChars = 2000;
constexpr size_t kMaxCommentChars = 2000;

absl::Status CheckId(int64_t id, const char* field) {
  return id > 0 ? absl::OkStatus() : InvalidField(field, "must be a positive id");
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

// The keyset position {date, id} a page token holds; nullopt on the first page.
absl::StatusOr<std::optional<std::pair<std::string, int64_t>>> DatePosition(
    const PageRequest& page) {
  CRM_ASSIGN_OR_RETURN(auto after, (page.After<std::string, int64_t>()));
  if (!after) return std::nullopt;
  if (!ParseIsoDate(std::get<0>(*after)).ok()) {
    return InvalidField("page_token", "is malformed");
  }
  return std::make_pair(std::get<0>(*after), std::get<1>(*after));
}

}  // namespace

absl::StatusOr<EmployeePlacement> WorkHandlers::Author(const CallContext& call) {
  if (call.caller.employee_id == 0) {
    return absl::FailedPreconditionError(
        "only employees keep work logs and weekly plans; the caller is not an employee");
  }
  absl::StatusOr<EmployeePlacement> placement = employees_.Placement(call, call.caller.employee_id);
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
  CheckRequestId(v, request.request_id());
  CRM_RETURN_IF_ERROR(v.ToStatus());
  CRM_ASSIGN_OR_RETURN(EmployeePlacement author, Author(call));
  // Always today's log: a past day's log cannot be changed through the API.
  const std::string today = FormatIsoDate(absl::ToCivilDay(call.Now(), zone_));
  CRM_ASSIGN_OR_RETURN(*response, work_logs_.Write(call, author, today, content, request.etag(),
                                                   request.request_id()));
  return absl::OkStatus();
}

absl::Status WorkHandlers::ListWorkLogs(const CallContext& call,
                                        const v1::ListWorkLogsRequest& request,
                                        v1::ListWorkLogsResponse* response) {
  FieldViolations v;
  if (request.employee_id() < 0) v.Add("employee_id", "must not be negative");
  if (request.department_id() < 0) v.Add("department_id", "must not be negative");
  CheckDate(v, "start_date", request.start_date());
  CheckDate(v, "end_date", request.end_date());
  // Equal-length ISO dates compare like the days they name.
  if (v.empty() && !request.start_date().empty() && !request.end_date().empty() &&
      request.end_date() < request.start_date()) {
    v.Add("end_date", "must not be before start_date");
  }
  WorkLogFilter filter;
  filter.employee_id = request.employee_id();
  filter.start_date = request.start_date();
  filter.end_date = request.end_date();
  CRM_ASSIGN_OR_RETURN(PageRequest page,
                       PageRequest::Parse(request,
                                          {"work_logs", absl::StrCat(filter.employee_id),
                                           absl::StrCat(request.department_id()), filter.start_date,
                                           filter.end_date},
                                          {}, &v));
  CRM_ASSIGN_OR_RETURN(auto after, DatePosition(page));
  std::optional<WorkLogPosition> position;
  if (after) position = WorkLogPosition{after->first, after->second};
  if (request.department_id() != 0) {
    // The subtree as of now, matched against the path each log was written with.
    CRM_ASSIGN_OR_RETURN(v1::Department department,
                         departments_.Get(call, request.department_id()));
    filter.department_path = department.path();
  }
  CRM_ASSIGN_OR_RETURN(WorkLogPage listed, work_logs_.List(call, filter, page.size(), position));
  for (v1::WorkLog& log : listed.rows) *response->add_work_logs() = std::move(log);
  response->set_total_size(listed.total_size);
  if (listed.has_more) {
    const v1::WorkLog& last = response->work_logs(response->work_logs_size() - 1);
    response->set_next_page_token(
        page.NextToken(listed.has_more, {last.log_date(), absl::StrCat(last.id())}));
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
  CheckRequestId(v, request.request_id());
  CRM_RETURN_IF_ERROR(v.ToStatus());
  CRM_ASSIGN_OR_RETURN(EmployeePlacement author, Author(call));
  CRM_ASSIGN_OR_RETURN(*response, weekly_plans_.Save(call, author, request.week_start(), tasks,
                                                     request.etag(), request.request_id()));
  return absl::OkStatus();
}

absl::Status WorkHandlers::SubmitWeeklyPlan(const CallContext& call,
                                            const v1::SubmitWeeklyPlanRequest& request,
                                            v1::WeeklyPlan* response) {
  CRM_RETURN_IF_ERROR(CheckId(request.id(), "id"));
  CRM_ASSIGN_OR_RETURN(*response, weekly_plans_.Submit(call, request.id(), request.etag()));
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
  CRM_ASSIGN_OR_RETURN(*response, weekly_plans_.Review(call, request.id(), request.approve(),
                                                       comment, request.etag()));
  return absl::OkStatus();
}

absl::Status WorkHandlers::GetWeeklyPlan(const CallContext& call,
                                         const v1::GetWeeklyPlanRequest& request,
                                         v1::WeeklyPlan* response) {
  CRM_RETURN_IF_ERROR(CheckId(request.id(), "id"));
  CRM_ASSIGN_OR_RETURN(*response, weekly_plans_.Get(call, request.id()));
  return absl::OkStatus();
}

absl::Status WorkHandlers::ListWeeklyPlans(const CallContext& call,
                                           const v1::ListWeeklyPlansRequest& request,
                                           v1::ListWeeklyPlansResponse* response) {
  FieldViolations v;
  if (request.employee_id() < 0) v.Add("employee_id", "must not be negative");
  CheckWeekStart(v, "week_start", request.week_start(), Presence::kOptional);
  if (!v1::WeeklyPlanStatus_IsValid(request.status())) {
    v.Add("status", "is not a weekly plan status");
  }
  WeeklyPlanFilter filter;
  filter.employee_id = request.employee_id();
  filter.week_start = request.week_start();
  filter.status = request.status();
  CRM_ASSIGN_OR_RETURN(
      PageRequest page,
      PageRequest::Parse(request,
                         {"weekly_plans", absl::StrCat(filter.employee_id), filter.week_start,
                          absl::StrCat(static_cast<int>(filter.status))},
                         {}, &v));
  CRM_ASSIGN_OR_RETURN(auto after, DatePosition(page));
  std::optional<WeeklyPlanPosition> position;
  if (after) position = WeeklyPlanPosition{after->first, after->second};
  CRM_ASSIGN_OR_RETURN(WeeklyPlanPage listed,
                       weekly_plans_.List(call, filter, page.size(), position));
  for (v1::WeeklyPlan& p : listed.rows) *response->add_weekly_plans() = std::move(p);
  response->set_total_size(listed.total_size);
  if (listed.has_more) {
    const v1::WeeklyPlan& last = response->weekly_plans(response->weekly_plans_size() - 1);
    response->set_next_page_token(
        page.NextToken(listed.has_more, {last.week_start(), absl::StrCat(last.id())}));
  }
  return absl::OkStatus();
}

}  // namespace crm::org
