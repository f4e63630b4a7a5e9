// BackendHealthMonitor: polls grpc.health.v1.Health/Check on each backend.
#include "services/gateway/backend_health_monitor.h"

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include "common/base/logging.h"
#include "common/rpc/health_service.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "services/gateway/backend_router.h"

namespace crm::gateway {

BackendHealthMonitor::BackendHealthMonitor(const BackendRouter& router,
                                           std::vector<std::string> service_names,
                                           HealthStatusStore& store,
                                           std::chrono::milliseconds interval)
    : router_(router),
      service_names_(std::move(service_names)),
      store_(store),
      interval_(interval),
      last_state_(service_names_.size(), -1) {}

BackendHealthMonitor::~BackendHealthMonitor() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void BackendHealthMonitor::Start() {
  CheckAll();
  thread_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
      lock.unlock();
      CheckAll();
      lock.lock();
    }
  });
}

void BackendHealthMonitor::CheckAll() {
  for (size_t i = 0; i < service_names_.size(); ++i) {
    const std::string& name = service_names_[i];
    const Backend* backend = router_.Route("/" + name + "/");
    bool serving = false;
    if (backend != nullptr) {
      auto stub = grpc::health::v1::Health::NewStub(backend->channels.front());
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() +
                           std::min<std::chrono::milliseconds>(interval_, std::chrono::seconds(2)));
      grpc::health::v1::HealthCheckRequest request;
      request.set_service(name);
      grpc::health::v1::HealthCheckResponse response;
      grpc::Status status = stub->Check(&context, request, &response);
      serving = status.ok() && response.status() == grpc::health::v1::HealthCheckResponse::SERVING;
    }
    if (last_state_[i] != static_cast<int>(serving)) {
      last_state_[i] = serving;
      store_.Set(name, serving);
      log::Info("backend health changed",
                {{"service", name}, {"serving", serving ? "true" : "false"}});
    }
  }
}

}  // namespace crm::gateway
