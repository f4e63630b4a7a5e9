// SlaWorker: the periodic pass and its metrics.
#include "services/feedback/sla_worker.h"

#include "common/base/logging.h"
#include "common/base/metrics.h"
#include "common/rpc/call_context.h"

namespace crm::feedback {
namespace {

constexpr int kBatch = 500;

}  // namespace

SlaWorker::SlaWorker(ServiceRequestRepository& requests, std::chrono::milliseconds interval,
                     const Clock& clock)
    : requests_(requests),
      interval_(interval),
      clock_(clock),
      passes_(metrics::Registry::Global().GetCounter(
          "crm_sla_passes_total", "Passes of the SLA worker over due escalations.")),
      escalations_(metrics::Registry::Global().GetCounter(
          "crm_sla_escalations_total", "SLA escalations fired (each clock and level once).")),
      errors_(metrics::Registry::Global().GetCounter("crm_sla_errors_total",
                                                     "SLA worker passes that failed.")) {}

void SlaWorker::Start() {
  thread_.Start(
      interval_, [this] { RunOnce(); }, /*first_at_once=*/true);
}

void SlaWorker::RunOnce() {
  CallContext call;
  call.method = "SlaWorker";
  call.caller.subject = "service:feedback";
  call.caller.roles = Bit(Role::kSystem);
  call.actor = call.caller.subject;
  call.clock = &clock_;
  call.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  // Reschedule first, so escalations read deadlines of the current calendar.
  for (;;) {
    absl::StatusOr<int> rescheduled = requests_.RescheduleAfterCalendarEdits(call, kBatch);
    if (!rescheduled.ok()) {
      errors_.Increment();
      log::Warn("cannot reschedule SLA deadlines after a calendar edit",
                {{"error", rescheduled.status().message()}});
      return;
    }
    if (*rescheduled < kBatch || thread_.stopping()) break;
  }
  absl::StatusOr<int> fired = requests_.FireEscalations(call, kBatch);
  if (!fired.ok()) {
    errors_.Increment();
    log::Warn("cannot fire SLA escalations", {{"error", fired.status().message()}});
    return;
  }
  if (*fired > 0) log::Info("SLA escalations fired", {{"count", *fired}});
  escalations_.Increment(*fired);
  passes_.Increment();
}

}  // namespace crm::feedback
