// CalendarHandlers: the calendar's and the targets' field rules.
#include "services/feedback/calendar_handlers.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/base/dates.h"
#include "common/base/status_util.h"
#include "common/text/text_checks.h"

namespace crm::feedback {

absl::Status CalendarHandlers::GetWorkCalendar(const CallContext& call,
                                               const v1::GetWorkCalendarRequest& request,
                                               v1::WorkCalendar* response) {
  if (request.year() < 2000 || request.year() > 2100) {
    return InvalidField("year", "must be from 2000 to 2100");
  }
  CRM_ASSIGN_OR_RETURN(*response, calendar_.Get(call, request.year()));
  return absl::OkStatus();
}

absl::Status CalendarHandlers::SetWorkingHours(const CallContext& call,
                                               const v1::SetWorkingHoursRequest& request,
                                               v1::WorkCalendar* response) {
  if (request.periods_size() > 8) return InvalidField("periods", "must be at most 8 periods");
  std::vector<WorkPeriod> periods;
  for (int i = 0; i < request.periods_size(); ++i) {
    const v1::WorkPeriod& p = request.periods(i);
    const int start = ParseMinuteOfDay(p.start());
    const int end = ParseMinuteOfDay(p.end());
    if (start < 0 || end < 0) {
      return InvalidField(absl::StrCat("periods[", i, "]"), "start and end must be HH:MM");
    }
    periods.push_back({start, end});
  }
  CRM_RETURN_IF_ERROR(CheckWorkPeriods(periods, "periods"));
  CRM_ASSIGN_OR_RETURN(*response, calendar_.SetWorkingHours(call, periods));
  return absl::OkStatus();
}

absl::Status CalendarHandlers::SetCalendarDay(const CallContext& call,
                                              const v1::SetCalendarDayRequest& request,
                                              v1::CalendarDay* response) {
  const v1::CalendarDay& day = request.day();
  FieldViolations v;
  absl::StatusOr<absl::CivilDay> date = ParseIsoDate(day.date());
  if (!date.ok()) {
    v.Add("day.date", "must be a date, YYYY-MM-DD");
  } else if (date->year() < 2000 || date->year() > 2100) {
    v.Add("day.date", "must be from 2000 to 2100");
  }
  if (day.kind() == v1::CalendarDay::KIND_UNSPECIFIED ||
      !v1::CalendarDay::Kind_IsValid(day.kind())) {
    v.Add("day.kind", "must be HOLIDAY, WORKING_DAY or ORDINARY");
  }
  CheckText(v, "day.name", day.name(), 100, Presence::kOptional);
  CRM_RETURN_IF_ERROR(v.ToStatus());
  CRM_ASSIGN_OR_RETURN(*response, calendar_.SetDay(call, day));
  return absl::OkStatus();
}

absl::Status CalendarHandlers::ListSlaPolicies(const CallContext& call,
                                               const v1::ListSlaPoliciesRequest&,
                                               v1::ListSlaPoliciesResponse* response) {
  CRM_ASSIGN_OR_RETURN(std::vector<v1::SlaPolicy> policies, calendar_.ListPolicies(call));
  for (v1::SlaPolicy& p : policies) *response->add_policies() = std::move(p);
  return absl::OkStatus();
}

absl::Status CalendarHandlers::SetSlaPolicy(const CallContext& call,
                                            const v1::SetSlaPolicyRequest& request,
                                            v1::SlaPolicy* response) {
  const v1::SlaPolicy& p = request.policy();
  FieldViolations v;
  if (p.type() == v1::REQUEST_TYPE_UNSPECIFIED || !v1::RequestType_IsValid(p.type())) {
    v.Add("policy.type", "must be CONSULTATION, SUGGESTION, COMPLAINT or REPAIR");
  }
  if (p.priority() == v1::PRIORITY_UNSPECIFIED || !v1::Priority_IsValid(p.priority())) {
    v.Add("policy.priority", "must be LOW, NORMAL, HIGH or URGENT");
  }
  if (p.first_response_minutes() < 1 || p.first_response_minutes() > 100000) {
    v.Add("policy.first_response_minutes", "must be from 1 to 100,000");
  }
  if (p.resolution_minutes() < 1 || p.resolution_minutes() > 1000000) {
    v.Add("policy.resolution_minutes", "must be from 1 to 1,000,000");
  } else if (p.resolution_minutes() < p.first_response_minutes()) {
    v.Add("policy.resolution_minutes", "must be at least first_response_minutes");
  }
  CRM_RETURN_IF_ERROR(v.ToStatus());
  CRM_ASSIGN_OR_RETURN(*response, calendar_.SetPolicy(call, p));
  return absl::OkStatus();
}

}  // namespace crm::feedback
