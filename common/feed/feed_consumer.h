// Follows another service's change feed and applies each change to this
// service's own tables, e.g. the customer service keeping owners' department
// paths right when departments move.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "common/base/background_worker.h"
#include "common/base/clock.h"
#include "common/base/periodic_thread.h"
#include "common/feed/feed_progress.h"
#include "crm/common/v1/changes.pb.h"

namespace crm {

class Database;
class MySqlConnection;

class FeedConsumer : public BackgroundWorker {
 public:
  // Fetches changes after a sequence (a ListChanges call to the source).
  using Fetch = std::function<absl::StatusOr<common::v1::ListChangesResponse>(
      int64_t after_sequence, int page_size)>;
  // Applies one change inside the transaction that also moves the cursor.
  // Throws sql::SQLException on database errors.
  using Apply = std::function<void(MySqlConnection&, const common::v1::Change&)>;
  // Runs once per page that applied anything, after its changes and in the
  // same transaction, with the last change applied: for what need not be
  // written per change (when the source committed it). Throws
  // sql::SQLException.
  using PageApplied = std::function<void(MySqlConnection&, const common::v1::Change& last)>;

  // `name` keys the cursor in this service's feed_cursors table; `clock`
  // stamps the cursor's updated_at.
  FeedConsumer(std::string name, Database& db, Fetch fetch, Apply apply,
               std::chrono::milliseconds interval, const Clock& clock = Clock::System());
  ~FeedConsumer() override;

  // Before Start: see PageApplied.
  void OnPageApplied(PageApplied page_applied) { page_applied_ = std::move(page_applied); }

  // Polls every interval on a thread of its own until destroyed.
  void Start() override;
  // Fetches and applies what is new, page by page; returns how many changes
  // were applied. A stored cursor below 0 pauses the consumer: nothing is
  // fetched or applied until it is set back (a rebuild in progress).
  absl::StatusOr<int> CatchUp();

  const FeedProgress& progress() const { return progress_; }

 private:
  absl::StatusOr<int64_t> Cursor();
  // Applies `page`, fetched after sequence `fetched_after`; nothing when the
  // stored cursor went back meanwhile (the cursor was reset for a rebuild:
  // the page no longer follows it).
  absl::StatusOr<int> ApplyPage(const common::v1::ListChangesResponse& page, int64_t fetched_after);

  const std::string name_;
  Database& db_;
  Fetch fetch_;
  Apply apply_;
  PageApplied page_applied_;
  const std::chrono::milliseconds interval_;
  const Clock& clock_;
  FeedProgress progress_;
  PeriodicThread thread_;  // last: stopped before what its work uses
};

}  // namespace crm
