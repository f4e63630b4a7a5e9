// ScheduleSla and the time used: working-time arithmetic on the calendar.
#include "services/feedback/sla_schedule.h"

#include <algorithm>

namespace crm::feedback {
namespace {

ClockInstants InstantsOf(const WorkCalendar& calendar, absl::Time started, absl::Duration target,
                         absl::Duration paused, absl::Duration above_delay) {
  ClockInstants c;
  // 80%, truncated to the second: a warning a fraction early, never late.
  const absl::Duration warn_after = absl::Seconds(absl::ToInt64Seconds(target) * 4 / 5);
  c.warn = calendar.AddWorkingTime(started, warn_after + paused);
  c.due = calendar.AddWorkingTime(started, target + paused);
  c.above = calendar.AddWorkingTime(c.due, above_delay);
  return c;
}

std::optional<absl::Time> Instant(int level, const ClockInstants& c) {
  switch (level) {
    case 1:
      return c.warn;
    case 2:
      return c.due;
    case 3:
      return c.above;
    default:
      return std::nullopt;
  }
}

void Fold(std::optional<absl::Time>& earliest, std::optional<absl::Time> t) {
  if (t && (!earliest || *t < *earliest)) earliest = t;
}

}  // namespace

SlaSchedule ScheduleSla(const SlaFacts& facts, const WorkCalendar& calendar,
                        absl::Duration above_delay) {
  SlaSchedule s;
  if (!facts.responded) {
    s.response = InstantsOf(calendar, facts.started, facts.response_target, absl::ZeroDuration(),
                            above_delay);
    Fold(s.at_risk_from, s.response->warn);
    Fold(s.breach_at, s.response->due);
    Fold(s.next_escalation, Instant(facts.response_level + 1, *s.response));
  }
  if (!facts.paused_since) {
    s.resolution =
        InstantsOf(calendar, facts.started, facts.resolution_target, facts.paused, above_delay);
    Fold(s.at_risk_from, s.resolution->warn);
    Fold(s.breach_at, s.resolution->due);
    Fold(s.next_escalation, Instant(facts.resolution_level + 1, *s.resolution));
  }
  return s;
}

absl::Duration ResponseTimeUsed(const SlaFacts& facts, const WorkCalendar& calendar,
                                absl::Time now) {
  return calendar.WorkingTimeBetween(facts.started, facts.responded.value_or(now));
}

absl::Duration ResolutionTimeUsed(const SlaFacts& facts, const WorkCalendar& calendar,
                                  absl::Time now) {
  const absl::Time until = facts.paused_since ? std::min(*facts.paused_since, now) : now;
  return std::max(absl::ZeroDuration(),
                  calendar.WorkingTimeBetween(facts.started, until) - facts.paused);
}

int EscalationLevelDue(const ClockInstants& clock, int fired, absl::Time now) {
  int level = fired;
  while (level < 3) {
    std::optional<absl::Time> at = Instant(level + 1, clock);
    if (!at || *at > now) break;
    ++level;
  }
  return level;
}

}  // namespace crm::feedback
