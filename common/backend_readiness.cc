// BackendReadiness: prepare until it succeeds, then check; report changes.
#include "common/backend_readiness.h"

#include "common/logging.h"

namespace crm {

BackendReadiness::BackendReadiness(Steps steps, std::chrono::milliseconds interval)
    : steps_(std::move(steps)), interval_(interval) {}

BackendReadiness::~BackendReadiness() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void BackendReadiness::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void BackendReadiness::Loop() {
  bool prepared = false;
  bool ready = false;
  int failures_in_a_row = 0;
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    lock.unlock();
    absl::Status status = prepared ? steps_.check() : steps_.prepare();
    if (!prepared && status.ok()) prepared = true;
    const bool now_ready = prepared && status.ok();
    if (now_ready != ready) {
      ready = now_ready;
      steps_.on_change(ready);
      if (ready) {
        log::Info("ready");
      } else {
        log::Warn("not ready", {{"error", status.message()}});
      }
    } else if (!status.ok() && ++failures_in_a_row % 30 == 1) {
      // Still failing: say so now and then, not every interval.
      log::Warn(prepared ? "database unreachable; not ready" : "cannot prepare the schema; not ready",
                {{"error", status.message()}});
    }
    if (status.ok()) failures_in_a_row = 0;
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

}  // namespace crm
