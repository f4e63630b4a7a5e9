// What every backend handler gets around it: the verified caller and the
// method's access check, a log scope carrying the request id, the deadline,
// and outcome logging.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>

#include "absl/status/status.h"
#include "common/auth/permissions.h"
#include "common/base/clock.h"
#include "common/rpc/call_context.h"

namespace grpc {
class ServerContextBase;
}

namespace crm {

class IdentityKey;
class MethodMetrics;

// A method as served: its name for logs, its access policy, its metrics.
struct MethodSpec {
  std::string name;
  MethodPolicy policy;
  MethodMetrics* metrics = nullptr;
  // While false, calls are turned away with UNAVAILABLE (backend_readiness.h).
  const std::atomic<bool>* ready = nullptr;
  // The wall clock the call's handlers read (CallContext::Now).
  const Clock* clock = &Clock::System();
  // "/crm.customer.v1.CustomerService/GetCustomer": what the caller's
  // identity must be signed for.
  std::string path;
};

// Builds the call's context and checks access again, as the gateway did: the
// identity headers must carry a valid signature (UNAUTHENTICATED otherwise,
// and when a method that is not open has none) and the caller's roles must
// hold the method's permission (PERMISSION_DENIED). Then runs `handler` unless
// the deadline passed while the call waited, and logs failures (server faults
// as errors, caller mistakes at debug) and slow calls.
absl::Status ServeCall(const grpc::ServerContextBase& context, const MethodSpec& method,
                       const IdentityKey& key,
                       const std::function<absl::Status(const CallContext&)>& handler);

// The context of a call after the checks of ServeCall (identity, permission,
// deadline): what a streaming call does before its handler starts.
absl::StatusOr<CallContext> AdmitCall(const grpc::ServerContextBase& context,
                                      const MethodSpec& method, const IdentityKey& key);

// Logs a served call's outcome as ServeCall does: failures by severity, slow calls.
void LogCallOutcome(const absl::Status& status, std::chrono::steady_clock::duration elapsed);

// Counts a call as started, and as finished with its status and time (the
// method's metrics; nothing when it has none).
void CountCallStarted(const MethodSpec& method);
void CountCallHandled(const MethodSpec& method, const absl::Status& status,
                      std::chrono::steady_clock::duration elapsed);

// The context of a call: request id, deadline and verified caller.
absl::StatusOr<CallContext> MakeCallContext(const grpc::ServerContextBase& context,
                                            const MethodSpec& method, const IdentityKey& key);

}  // namespace crm
