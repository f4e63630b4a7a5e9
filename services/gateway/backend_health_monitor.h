// Mirrors each backend's health into the gateway's health service, so a client
// (or a probe) asking the gateway about crm.customer.v1.CustomerService learns
// whether calls to it can succeed.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace crm {
class HealthStatusStore;
}

namespace crm::gateway {

class BackendRouter;

class BackendHealthMonitor {
 public:
  BackendHealthMonitor(const BackendRouter& router, std::vector<std::string> service_names,
                       HealthStatusStore& store, std::chrono::milliseconds interval);
  ~BackendHealthMonitor();

  // Checks once synchronously (so start-up reports real states), then polls.
  void Start();

 private:
  void CheckAll();

  const BackendRouter& router_;
  const std::vector<std::string> service_names_;
  HealthStatusStore& store_;
  const std::chrono::milliseconds interval_;
  std::vector<int> last_state_;  // -1 unknown, 0 not serving, 1 serving
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace crm::gateway
