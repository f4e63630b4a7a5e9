// grpc.health.v1.Health on the async API (see async_call.h). "" is the
// process itself; other names are set by the owner (a backend marks its
// services, the gateway mirrors its backends).
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "grpc/health/v1/health.grpc.pb.h"

namespace grpc {
class ServerBuilder;
class ServerCompletionQueue;
}  // namespace grpc

namespace crm {

// Readiness is the empty service name (and each service's own name): SERVING
// while calls are welcome. Liveness is kLivenessName: SERVING for as long as
// the process answers at all, also while it drains, so an orchestrator
// restarts a hung process but never one that is only shutting down or waiting
// for its database.
inline constexpr char kLivenessName[] = "liveness";

class HealthStatusStore {
 public:
  using Status = grpc::health::v1::HealthCheckResponse::ServingStatus;

  void Set(const std::string& service, bool serving);  // ignored after Shutdown()
  // The process as a whole: while false, "" and every service are NOT_SERVING
  // (a backend before its schema is ready, or without its database).
  void SetReady(bool ready);
  // From now on every service, known or not, is NOT_SERVING (drain).
  void Shutdown();
  // SERVICE_UNKNOWN for a name never set.
  Status Get(const std::string& service) const;
  bool shut_down() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, bool> serving_;
  bool ready_ = true;
  bool shut_down_ = false;
};

class HealthService {
 public:
  explicit HealthService(const HealthStatusStore& store) : store_(store) {}
  void Register(grpc::ServerBuilder& builder);
  // Posts the first accepts on a queue.
  void Prime(grpc::ServerCompletionQueue* cq);

 private:
  const HealthStatusStore& store_;
  grpc::health::v1::Health::AsyncService service_;
};

}  // namespace crm
