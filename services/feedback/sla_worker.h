// The SLA worker: every interval it reschedules the requests whose
// deadlines were computed under an older calendar, then fires the
// escalations that are due (each once: the escalations table's unique key
// and the levels stored with the request see to it, across restarts and
// replicas). It acts as the service itself ("service:feedback").
#pragma once

#include <chrono>
#include <string>

#include "common/base/background_worker.h"
#include "common/base/clock.h"
#include "common/base/periodic_thread.h"
#include "services/feedback/service_request_repository.h"

namespace crm::metrics {
class Counter;
}

namespace crm::feedback {

class SlaWorker : public BackgroundWorker {
 public:
  SlaWorker(ServiceRequestRepository& requests, std::chrono::milliseconds interval,
            const Clock& clock);

  void Start() override;
  // One pass (what each tick runs); for tests.
  void RunOnce();

 private:
  ServiceRequestRepository& requests_;
  std::chrono::milliseconds interval_;
  const Clock& clock_;
  metrics::Counter& passes_;
  metrics::Counter& escalations_;
  metrics::Counter& errors_;
  PeriodicThread thread_;  // last: stopped (joined) before the rest goes
};

}  // namespace crm::feedback
