// A request's two SLA clocks, from the facts stored with it and the working
// calendar: the deadlines, the escalation instants, and what a reader sees
// now. Pure, so the rules are tested without a database.
//
// First response runs from creation until the first response. Resolution
// runs from creation, pauses while the request waits for the customer and
// after it is resolved (paused_since), and resumes on the way back; the
// working time of each finished pause is in `paused`, and moves the
// deadline by as much.
//
// Escalation levels per clock: 1 at 80% of the target, 2 at the target,
// 3 at `above_delay` of working time after it. A level fires only while its
// clock runs, and each level once (`*_level`: the highest fired).
#pragma once

#include <optional>

#include "absl/time/time.h"
#include "services/feedback/work_calendar.h"

namespace crm::feedback {

struct SlaFacts {
  absl::Time started;
  absl::Duration response_target, resolution_target;
  std::optional<absl::Time> responded;
  std::optional<absl::Time> paused_since;  // resolution clock paused from then
  absl::Duration paused;                   // working time of finished pauses
  int response_level = 0, resolution_level = 0;
};

// The instants of one clock, when it runs.
struct ClockInstants {
  absl::Time warn, due, above;
};

struct SlaSchedule {
  std::optional<ClockInstants> response, resolution;  // empty: not running
  // Over the running clocks: the earliest warning and deadline, and the next
  // escalation not yet fired. Empty when no clock runs.
  std::optional<absl::Time> at_risk_from, breach_at, next_escalation;
};

SlaSchedule ScheduleSla(const SlaFacts& facts, const WorkCalendar& calendar,
                        absl::Duration above_delay);

// The working time a clock has used by `now`.
absl::Duration ResponseTimeUsed(const SlaFacts& facts, const WorkCalendar& calendar,
                                absl::Time now);
absl::Duration ResolutionTimeUsed(const SlaFacts& facts, const WorkCalendar& calendar,
                                  absl::Time now);

// The escalations of one clock due by `now`: the levels above `fired` whose
// instants have passed, highest last.
int EscalationLevelDue(const ClockInstants& clock, int fired, absl::Time now);

}  // namespace crm::feedback
