// SQL for the working calendar (work_periods, calendar_days), the SLA
// targets (sla_policies) and the calendar revision that tells the SLA worker
// which requests to reschedule after an edit.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/rpc/call_context.h"
#include "crm/feedback/v1/calendar.pb.h"
#include "services/feedback/work_calendar.h"

namespace crm {
class Database;
class MySqlConnection;
}  // namespace crm

namespace crm::feedback {

// The whole calendar as stored now. Throws sql::SQLException.
WorkCalendar LoadCalendar(MySqlConnection& connection, absl::TimeZone zone);
// The revision every calendar edit moves on. Throws sql::SQLException.
int64_t CalendarRevision(MySqlConnection& connection);
// The targets for a type and priority; empty when none is set.
std::optional<v1::SlaPolicy> LoadSlaPolicy(MySqlConnection& connection, v1::RequestType type,
                                           v1::Priority priority);

class CalendarRepository {
 public:
  explicit CalendarRepository(Database& db) : db_(db) {}

  // The periods and the year's days.
  absl::StatusOr<v1::WorkCalendar> Get(const CallContext& call, int year);
  // `periods` checked (CheckWorkPeriods).
  absl::StatusOr<v1::WorkCalendar> SetWorkingHours(const CallContext& call,
                                                   const std::vector<WorkPeriod>& periods);
  // `day` checked; ORDINARY removes the day's entry.
  absl::StatusOr<v1::CalendarDay> SetDay(const CallContext& call, const v1::CalendarDay& day);
  absl::StatusOr<std::vector<v1::SlaPolicy>> ListPolicies(const CallContext& call);
  absl::StatusOr<v1::SlaPolicy> SetPolicy(const CallContext& call, const v1::SlaPolicy& policy);

 private:
  Database& db_;
};

// "HH:MM" <-> minutes of the day ("24:00" is 1440); -1 when malformed.
int ParseMinuteOfDay(const std::string& text);
std::string FormatMinuteOfDay(int minute);

}  // namespace crm::feedback
