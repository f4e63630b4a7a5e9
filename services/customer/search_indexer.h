// Keeps the search index (search_docs, search_postings, search_gram_counts,
// and the owners' copies of the documents, search_owner_docs) in step with
// customers and contacts by following this service's own change log: writes
// never wait for the index, and the index catches up within a poll interval.
// Each batch reads the changes after its cursor, rebuilds the documents of
// the customers they touch, writes only the grams and copies that differ,
// and moves the cursor, in one transaction; the cursor row's lock makes
// replicas take turns, so each change is indexed once. The copies have a
// cursor of their own, so changes an older release indexed without them are
// read again and the copies mended.
#pragma once

#include <chrono>
#include <optional>

#include "absl/status/statusor.h"
#include "common/base/background_worker.h"
#include "common/base/clock.h"
#include "common/base/periodic_thread.h"
#include "common/feed/feed_progress.h"

namespace crm {
class Database;
}

namespace crm::customer {

class BulkLoads;

class SearchIndexer : public BackgroundWorker {
 public:
  // With `loads`, the indexer waits while a bulk import is loading, within
  // the bounds bulk_loads.h names.
  // `clock` stamps the cursors' updated_at.
  SearchIndexer(Database& db, const Clock& clock, std::chrono::milliseconds interval,
                const BulkLoads* loads = nullptr);
  ~SearchIndexer() override;

  void Start() override;
  // Indexes every change committed so far; returns how many customers'
  // documents changed.
  absl::StatusOr<int64_t> CatchUp();

 private:
  absl::StatusOr<int64_t> RunBatch(bool* more);
  // Whether to wait for a loading import now (never longer than
  // BulkLoads::kLongestHold at a time). Called from the indexing thread only.
  bool HeldBackByAnImport();

  Database& db_;
  const Clock& clock_;
  const std::chrono::milliseconds interval_;
  const BulkLoads* loads_;
  std::optional<std::chrono::steady_clock::time_point> held_since_;
  FeedProgress progress_{"search-index"};
  PeriodicThread thread_;  // last: stopped before what its work uses
};

}  // namespace crm::customer
