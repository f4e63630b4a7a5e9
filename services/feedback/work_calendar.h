// The company's working calendar, which every SLA clock counts in: working
// periods each day (e.g. 09:00–12:00 and 13:00–18:00), Monday to Friday,
// except the public holidays, plus the make-up working days (调休: a Saturday
// or Sunday worked because a holiday was moved), all in the company's time
// zone. Pure: the feedback service loads one from its tables per call.
// Whole days count as the sum of their periods in wall-clock minutes (a
// daylight-saving jump inside a working period is not corrected for).
#pragma once

#include <map>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace crm::feedback {

// [start, end) in minutes after the day's midnight.
struct WorkPeriod {
  int start_minute = 0;
  int end_minute = 0;
};

enum class DayKind {
  kHoliday = 1,     // a weekday (or any day) not worked
  kWorkingDay = 2,  // a Saturday or Sunday worked (调休)
};

class WorkCalendar {
 public:
  // `periods` must pass CheckWorkPeriods.
  WorkCalendar(absl::TimeZone zone, std::vector<WorkPeriod> periods,
               std::map<absl::CivilDay, DayKind> days);

  bool IsWorkingDay(absl::CivilDay day) const;
  // The working time between `from` and `to` (zero when `to` is not after).
  absl::Duration WorkingTimeBetween(absl::Time from, absl::Time to) const;
  // The first instant at which `amount` of working time has passed since
  // `from` (`from` itself for zero). Searches at most ten years ahead, then
  // gives absl::InfiniteFuture().
  absl::Time AddWorkingTime(absl::Time from, absl::Duration amount) const;

  const std::vector<WorkPeriod>& periods() const { return periods_; }
  absl::TimeZone zone() const { return zone_; }

 private:
  absl::Time At(absl::CivilDay day, int minute) const;
  // The working time of `day` within [from, to).
  absl::Duration PartOfDay(absl::CivilDay day, absl::Time from, absl::Time to) const;

  absl::TimeZone zone_;
  std::vector<WorkPeriod> periods_;
  std::map<absl::CivilDay, DayKind> days_;
  absl::Duration day_length_;  // a working day's periods together
};

// Periods sorted, each 00:00 ≤ start < end ≤ 24:00, not overlapping, at least
// one: INVALID_ARGUMENT naming `field` otherwise.
absl::Status CheckWorkPeriods(const std::vector<WorkPeriod>& periods, const char* field);

}  // namespace crm::feedback
