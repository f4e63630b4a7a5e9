// A backend's readiness, apart from its liveness. The server listens from the
// start (liveness SERVING), but reports NOT_SERVING for readiness, and turns
// calls away with UNAVAILABLE, until its schema is migrated; afterwards it
// checks the database every few seconds and follows what it finds. A backend
// whose database becomes unreachable stays alive and comes back by itself; one
// that never got its schema ready gives up after a while (a wrong address or
// password should fail the rollout, not leave a pod waiting for ever).
#pragma once

#include <chrono>
#include <functional>

#include "absl/status/status.h"
#include "common/base/periodic_thread.h"

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
    // Told once when prepare has not succeeded `give_up_after` after Start,
    // with its last error; nothing more runs after it.
    std::function<void(const absl::Status& last_error)> give_up;
  };

  // `give_up_after` zero: prepare is retried for ever.
  BackendReadiness(Steps steps, std::chrono::milliseconds interval,
                   std::chrono::milliseconds give_up_after = std::chrono::milliseconds(0));
  ~BackendReadiness();  // stops the thread

  // Runs the steps on a thread of its own until destroyed.
  void Start();

 private:
  void Tick();

  const Steps steps_;
  const std::chrono::milliseconds interval_;
  const std::chrono::milliseconds give_up_after_;
  std::chrono::steady_clock::time_point started_;
  bool gave_up_ = false;
  // Touched by the thread only.
  bool prepared_ = false;
  bool ready_ = false;
  int failures_in_a_row_ = 0;
  PeriodicThread thread_;  // last: stopped before what its work uses
};

}  // namespace crm
