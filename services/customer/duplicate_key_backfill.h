// Computes the duplicate keys (name_key, phone_key: duplicate_keys.h) of
// customers written before they existed (keys_version 0), in batches in the
// background, so an upgrade does not wait for a million rows. Until a row's
// turn, its key is its own name, which is what the duplicate check compared
// before. New and edited customers get their keys when written, so once no
// row is left the worker stops.
#pragma once

#include <chrono>

#include "absl/status/statusor.h"
#include "common/base/background_worker.h"
#include "common/base/periodic_thread.h"

namespace crm {
class Database;
}

namespace crm::customer {

class DuplicateKeyBackfill : public BackgroundWorker {
 public:
  DuplicateKeyBackfill(Database& db, std::chrono::milliseconds interval)
      : db_(db), interval_(interval) {}
  ~DuplicateKeyBackfill() override = default;

  void Start() override;
  // Recomputes the keys of every row still without them; returns how many.
  absl::StatusOr<int64_t> CatchUp();

 private:
  // One batch; `*more` says whether rows may be left.
  absl::StatusOr<int64_t> RunBatch(bool* more);

  Database& db_;
  const std::chrono::milliseconds interval_;
  bool done_ = false;      // touched by the worker thread only
  PeriodicThread thread_;  // last: stopped before what its work uses
};

}  // namespace crm::customer
