// The wall clock that business rules read: created and updated times, "today"
// in the company's time zone, overdue, SLA and reminder rules. Handlers take it
// from their call (CallContext::Now), background work from its constructor;
// nothing that decides such a thing reads the system time itself, so a test
// sets the time instead of waiting for it. (Deadlines and timeouts are steady
// clock durations, and stay so.)
#pragma once

#include <atomic>
#include <cstdint>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace crm {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;

  // The system's real time.
  static const Clock& System();
};

// A clock that stands still until told: for tests. Safe to read and set from
// any thread.
class ManualClock : public Clock {
 public:
  explicit ManualClock(absl::Time start) : nanos_(absl::ToUnixNanos(start)) {}
  absl::Time Now() const override { return absl::FromUnixNanos(nanos_.load()); }
  void Set(absl::Time time) { nanos_.store(absl::ToUnixNanos(time)); }
  void Advance(absl::Duration by) { nanos_.fetch_add(absl::ToInt64Nanoseconds(by)); }

 private:
  std::atomic<int64_t> nanos_;
};

inline const Clock& Clock::System() {
  class SystemClock : public Clock {
   public:
    absl::Time Now() const override { return absl::Now(); }
  };
  static const SystemClock* const clock = new SystemClock();
  return *clock;
}

}  // namespace crm
