// BackendReadiness: prepare until it succeeds, then check; report changes.
#include "common/backend/backend_readiness.h"

#include "common/base/logging.h"

namespace crm {

BackendReadiness::BackendReadiness(Steps steps, std::chrono::milliseconds interval,
                                   std::chrono::milliseconds give_up_after)
    : steps_(std::move(steps)), interval_(interval), give_up_after_(give_up_after) {}

BackendReadiness::~BackendReadiness() { thread_.Stop(); }

void BackendReadiness::Start() {
  started_ = std::chrono::steady_clock::now();
  thread_.Start(
      interval_, [this] { Tick(); }, /*first_at_once=*/true);
}

void BackendReadiness::Tick() {
  if (gave_up_) return;
  absl::Status status = prepared_ ? steps_.check() : steps_.prepare();
  if (!prepared_ && status.ok()) prepared_ = true;
  if (!prepared_ && give_up_after_.count() > 0 &&
      std::chrono::steady_clock::now() - started_ >= give_up_after_) {
    gave_up_ = true;
    if (steps_.give_up) steps_.give_up(status);
    return;
  }
  const bool now_ready = prepared_ && status.ok();
  if (now_ready != ready_) {
    ready_ = now_ready;
    steps_.on_change(ready_);
    if (ready_) {
      log::Info("ready");
    } else {
      log::Warn("not ready", {{"error", status.message()}});
    }
  } else if (!status.ok() && ++failures_in_a_row_ % 30 == 1) {
    // Still failing: say so now and then, not every interval.
    log::Warn(
        prepared_ ? "database unreachable; not ready" : "cannot prepare the schema; not ready",
        {{"error", status.message()}});
  }
  if (status.ok()) failures_in_a_row_ = 0;
}

}  // namespace crm
