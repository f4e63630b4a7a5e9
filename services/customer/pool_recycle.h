// The pool's daily recycle (公海回收, pool_rules.proto): which owned customers
// go back to the pool on a day and why, running it (in short batches, each
// customer re-checked under its row lock, so a claim or a follow-up in
// between wins and no lock is held for long), undoing one, the list of what
// was recycled, and each owner's warnings. Days are the company's.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/db/keyset_page.h"
#include "common/feed/owner_departments.h"
#include "common/rpc/call_context.h"
#include "crm/customer/v1/pool_rules.pb.h"

namespace crm {
class Database;
}

namespace crm::customer {

struct RecycleRun {
  int64_t run_id = 0;                   // 0: a dry run
  int64_t total = 0;                    // customers sent back (or that would be)
  std::vector<v1::PoolRecycle> listed;  // the first kMaxListedRecycles, by customer id
};

inline constexpr int kMaxListedRecycles = 1000;

class PoolRecycler {
 public:
  PoolRecycler(Database& db, absl::TimeZone zone) : db_(db), zone_(zone) {}

  // Who goes back on `day`, changing nothing.
  absl::StatusOr<RecycleRun> DryRun(const CallContext& call, absl::CivilDay day);
  // Sends back who is due on `day` (today). `scheduled`: the day's own run,
  // done once per day however many replicas try (a run cut short is taken
  // up again by the next try); otherwise a run on demand.
  // `stopped`, asked between batches: the process is stopping (ABORTED; the
  // run stays unfinished, and the day's next try takes up the rest).
  using Stopped = std::function<bool()>;
  absl::StatusOr<RecycleRun> Run(const CallContext& call, absl::CivilDay day, bool scheduled,
                                 const Stopped& stopped = nullptr);
  // A run on demand in two parts: its row now, its work later (RunAs).
  absl::StatusOr<int64_t> StartOnDemand(const CallContext& call);
  absl::StatusOr<RecycleRun> RunAs(const CallContext& call, int64_t run_id, absl::CivilDay day,
                                   const Stopped& stopped = nullptr);
  // NOT_FOUND when there is no such run.
  absl::StatusOr<v1::PoolRecycleRun> GetRun(const CallContext& call, int64_t id);
  // Gives recycle `id`'s customer back to `owner` (its owner then).
  absl::StatusOr<v1::PoolRecycle> Undo(const CallContext& call, int64_t id, const Owner& owner);
  // The owner the customer of recycle `id` was taken from; NOT_FOUND.
  absl::StatusOr<int64_t> OwnerOf(const CallContext& call, int64_t id);
  // Newest first; `run_id`, `customer_id` 0: any.
  absl::StatusOr<Page<v1::PoolRecycle>> List(const CallContext& call, int64_t run_id,
                                             int64_t customer_id, int page_size,
                                             std::optional<int64_t> before_id);
  // `employee_id`'s customers within their level's warning days of going back.
  absl::StatusOr<std::vector<v1::PoolWarning>> Warnings(const CallContext& call,
                                                        int64_t employee_id);

  absl::TimeZone zone() const { return zone_; }

 private:
  Database& db_;
  absl::TimeZone zone_;
};

}  // namespace crm::customer
