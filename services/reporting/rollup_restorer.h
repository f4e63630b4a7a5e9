// Derives the daily roll-ups in bulk after a rebuild (rollup_state,
// migrations/V0009). A rebuild replays the feeds with the roll-ups left
// alone (phase 1); once this replica's customer and sales consumers have
// reached their feeds' heads, the restorer pauses the org, customer and
// sales feeds (phase 2), sums the roll-ups from the orders and lines, and
// restarts the feeds with the roll-ups kept per change again (phase 0).
//
// Every step is one transaction that takes the feed cursors before
// rollup_state (the order a rebuild takes them in), so a rebuild arriving
// meanwhile waits or wins, and a restorer that dies while deriving leaves
// phase 2 for the next tick (any replica's) to finish.
#pragma once

#include <chrono>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/base/background_worker.h"
#include "common/base/clock.h"
#include "common/base/periodic_thread.h"

namespace crm {
class Database;
class FeedProgress;
}  // namespace crm

namespace crm::reporting {

class RollupRestorer : public BackgroundWorker {
 public:
  // `customer_feed`, `sales_feed`: this replica's consumers' progress.
  // `clock` stamps the cursors' updated_at.
  RollupRestorer(Database& db, const FeedProgress& customer_feed, const FeedProgress& sales_feed,
                 std::chrono::milliseconds interval, const Clock& clock = Clock::System());
  ~RollupRestorer() override;

  void Start() override;
  // One tick: nothing unless a rebuild left the roll-ups to derive and the
  // replay has caught up (or a derive was left part way).
  absl::Status RunOnce();

 private:
  // Phase 1 → 2: the three feeds paused at their positions. False when
  // another tick or a rebuild moved first.
  absl::StatusOr<bool> Pause();
  // Phase 2 → 0: the roll-ups derived and the feeds restarted.
  absl::Status DeriveAndResume();

  Database& db_;
  const FeedProgress& customer_feed_;
  const FeedProgress& sales_feed_;
  const std::chrono::milliseconds interval_;
  const Clock& clock_;
  PeriodicThread thread_;  // last: stopped before what its work uses
};

}  // namespace crm::reporting
