// Handlers of the working calendar and SLA target methods (calendar.proto).
#pragma once

#include "common/rpc/call_context.h"
#include "crm/feedback/v1/calendar.pb.h"
#include "services/feedback/calendar_repository.h"

namespace crm::feedback {

class CalendarHandlers {
 public:
  explicit CalendarHandlers(CalendarRepository& calendar) : calendar_(calendar) {}

  absl::Status GetWorkCalendar(const CallContext& call, const v1::GetWorkCalendarRequest& request,
                               v1::WorkCalendar* response);
  absl::Status SetWorkingHours(const CallContext& call, const v1::SetWorkingHoursRequest& request,
                               v1::WorkCalendar* response);
  absl::Status SetCalendarDay(const CallContext& call, const v1::SetCalendarDayRequest& request,
                              v1::CalendarDay* response);
  absl::Status ListSlaPolicies(const CallContext& call, const v1::ListSlaPoliciesRequest& request,
                               v1::ListSlaPoliciesResponse* response);
  absl::Status SetSlaPolicy(const CallContext& call, const v1::SetSlaPolicyRequest& request,
                            v1::SlaPolicy* response);

 private:
  CalendarRepository& calendar_;
};

}  // namespace crm::feedback
