// WorkCalendar: day-by-day walks over the working periods.
#include "services/feedback/work_calendar.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"

namespace crm::feedback {
namespace {

// A calendar with a working day somewhere in every ten years: longer gaps
// mean the data is wrong, and the walk stops rather than spin.
constexpr int kMaxDaysSearched = 3660;

}  // namespace

WorkCalendar::WorkCalendar(absl::TimeZone zone, std::vector<WorkPeriod> periods,
                           std::map<absl::CivilDay, DayKind> days)
    : zone_(zone), periods_(std::move(periods)), days_(std::move(days)) {
  for (const WorkPeriod& p : periods_) day_length_ += absl::Minutes(p.end_minute - p.start_minute);
}

bool WorkCalendar::IsWorkingDay(absl::CivilDay day) const {
  auto it = days_.find(day);
  if (it != days_.end()) return it->second == DayKind::kWorkingDay;
  const absl::Weekday weekday = absl::GetWeekday(day);
  return weekday != absl::Weekday::saturday && weekday != absl::Weekday::sunday;
}

absl::Time WorkCalendar::At(absl::CivilDay day, int minute) const {
  return absl::FromCivil(absl::CivilMinute(day) + minute, zone_);
}

absl::Duration WorkCalendar::PartOfDay(absl::CivilDay day, absl::Time from, absl::Time to) const {
  absl::Duration total = absl::ZeroDuration();
  if (!IsWorkingDay(day)) return total;
  for (const WorkPeriod& p : periods_) {
    const absl::Time start = std::max(from, At(day, p.start_minute));
    const absl::Time end = std::min(to, At(day, p.end_minute));
    if (end > start) total += end - start;
  }
  return total;
}

absl::Duration WorkCalendar::WorkingTimeBetween(absl::Time from, absl::Time to) const {
  if (to <= from) return absl::ZeroDuration();
  const absl::CivilDay first = absl::ToCivilDay(from, zone_);
  const absl::CivilDay last = absl::ToCivilDay(to, zone_);
  if (first == last) return PartOfDay(first, from, to);
  // The days between count whole, without converting a time (a request open
  // for months costs a lookup per day).
  absl::Duration total =
      PartOfDay(first, from, absl::InfiniteFuture()) + PartOfDay(last, absl::InfinitePast(), to);
  for (absl::CivilDay day = first + 1; day < last; ++day) {
    if (IsWorkingDay(day)) total += day_length_;
  }
  return total;
}

absl::Time WorkCalendar::AddWorkingTime(absl::Time from, absl::Duration amount) const {
  if (amount <= absl::ZeroDuration()) return from;
  absl::Duration left = amount;
  absl::CivilDay day = absl::ToCivilDay(from, zone_);
  for (int searched = 0; searched < kMaxDaysSearched; ++searched, ++day) {
    if (!IsWorkingDay(day)) continue;
    // A later day that cannot hold the rest is skipped whole.
    if (searched > 0 && left > day_length_) {
      left -= day_length_;
      continue;
    }
    for (const WorkPeriod& p : periods_) {
      const absl::Time start = std::max(from, At(day, p.start_minute));
      const absl::Time end = At(day, p.end_minute);
      if (end <= start) continue;
      if (end - start >= left) return start + left;
      left -= end - start;
    }
  }
  return absl::InfiniteFuture();
}

absl::Status CheckWorkPeriods(const std::vector<WorkPeriod>& periods, const char* field) {
  if (periods.empty()) return InvalidField(field, "must name at least one working period");
  int previous_end = 0;
  for (size_t i = 0; i < periods.size(); ++i) {
    const WorkPeriod& p = periods[i];
    if (p.start_minute < 0 || p.end_minute > 24 * 60 || p.start_minute >= p.end_minute) {
      return InvalidField(absl::StrCat(field, "[", i, "]"),
                          "must start before it ends, within 00:00–24:00");
    }
    if (p.start_minute < previous_end) {
      return InvalidField(absl::StrCat(field, "[", i, "]"),
                          "must start after the period before it ends (sorted, no overlap)");
    }
    previous_end = p.end_minute;
  }
  return absl::OkStatus();
}

}  // namespace crm::feedback
