// Handlers of the recycle methods (pool_rules.proto), and the worker that
// runs each day's recycle at its time in the company's zone.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "absl/time/time.h"
#include "common/base/background_worker.h"
#include "common/base/clock.h"
#include "common/base/periodic_thread.h"
#include "common/clients/org_client.h"
#include "common/rpc/call_context.h"
#include "crm/customer/v1/pool_rules.pb.h"
#include "services/customer/pool_recycle.h"

namespace crm::customer {

class PoolRecycleHandlers {
 public:
  PoolRecycleHandlers(PoolRecycler& recycler, const OrgClient& org)
      : recycler_(recycler), org_(org) {}
  // Stops a run on demand between batches and waits for it.
  ~PoolRecycleHandlers();

  absl::Status RunPoolRecycle(const CallContext& call, const v1::RunPoolRecycleRequest& request,
                              v1::RunPoolRecycleResponse* response);
  absl::Status GetPoolRecycleRun(const CallContext& call,
                                 const v1::GetPoolRecycleRunRequest& request,
                                 v1::PoolRecycleRun* response);
  absl::Status ListPoolRecycles(const CallContext& call, const v1::ListPoolRecyclesRequest& request,
                                v1::ListPoolRecyclesResponse* response);
  absl::Status UndoPoolRecycle(const CallContext& call, const v1::UndoPoolRecycleRequest& request,
                               v1::PoolRecycle* response);
  absl::Status ListMyPoolWarnings(const CallContext& call,
                                  const v1::ListMyPoolWarningsRequest& request,
                                  v1::ListMyPoolWarningsResponse* response);

 private:
  // Starts a run on demand on its own thread: a call's handler runs on a
  // completion-queue thread, and a minute there would hold up every call
  // queued behind it.
  absl::Status StartRun(const CallContext& call, absl::CivilDay day,
                        v1::RunPoolRecycleResponse* response);

  PoolRecycler& recycler_;
  const OrgClient& org_;
  std::mutex mu_;
  bool running_ = false;  // guarded by mu_
  int64_t running_id_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread runner_;  // the latest run on demand
};

// Checks every `interval` whether today's recycle is due (the clock past
// `time_of_day` in the recycler's zone) and not yet done, and runs it.
class PoolRecycleScheduler : public BackgroundWorker {
 public:
  PoolRecycleScheduler(Database& db, absl::TimeZone zone, const Clock& clock,
                       absl::Duration time_of_day, std::chrono::milliseconds interval)
      : recycler_(db, zone), clock_(clock), time_of_day_(time_of_day), interval_(interval) {}
  ~PoolRecycleScheduler() override = default;

  void Start() override;

 private:
  void Tick();

  PoolRecycler recycler_;
  const Clock& clock_;
  const absl::Duration time_of_day_;
  const std::chrono::milliseconds interval_;
  PeriodicThread thread_;  // last: stopped before what its work uses
};

}  // namespace crm::customer
