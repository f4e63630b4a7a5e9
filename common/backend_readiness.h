// A backend's readiness, apart from its liveness. The server listens from the
// start (liveness SERVING), but reports NOT_SERVING for readiness, and turns
// calls away with UNAVAILABLE, until its schema is migrated; afterwards it
// checks the database every few seconds and follows what it finds. A backend
// whose database is unreachable stays alive and comes back by itself.
#pragma once

#include <chrono>
#include <functional>

#include "absl/status/status.h"
#include "common/periodic_thread.h"

namespace crm {

class BackendReadiness {
 public:
  struct Steps {
    // Migrations and one-time set-up; retried until OK.
    std::function<absl::Status()> prepare;
    // Once prepare succeeded: is the database answering now?
    std::function<absl::Status()> check;
    // Told each time readiness changes.
    std::function<void(bool ready)> on_change;
  };

  BackendReadiness(Steps steps, std::chrono::milliseconds interval);
  ~BackendReadiness();  // stops the thread

  // Runs the steps on a thread of its own until destroyed.
  void Start();

 private:
  void Tick();

  const Steps steps_;
  const std::chrono::milliseconds interval_;
  // Touched by the thread only.
  bool prepared_ = false;
  bool ready_ = false;
  int failures_in_a_row_ = 0;
  PeriodicThread thread_;  // last: stopped before what its work uses
};

}  // namespace crm
