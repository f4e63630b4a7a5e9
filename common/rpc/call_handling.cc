// Call context extraction, access checks and the logging around handlers.
#include "common/rpc/call_handling.h"

#include <grpcpp/server_context.h>

#include "absl/strings/str_cat.h"
#include "common/auth/identity.h"
#include "common/base/logging.h"
#include "common/base/request_id.h"
#include "common/rpc/call_metrics.h"
#include "common/rpc/trace_context.h"

namespace crm {
namespace {

constexpr auto kSlowCall = std::chrono::seconds(1);

Deadline ToSteadyDeadline(std::chrono::system_clock::time_point deadline) {
  if (deadline == std::chrono::system_clock::time_point::max()) return Deadline::max();
  auto remaining = deadline - std::chrono::system_clock::now();
  return std::chrono::steady_clock::now() +
         std::chrono::duration_cast<std::chrono::steady_clock::duration>(remaining);
}

absl::string_view Header(const grpc::ServerContextBase& context, const char* name) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(name);
  if (it == metadata.end()) return {};
  return absl::string_view(it->second.data(), it->second.size());
}

}  // namespace

void LogCallOutcome(const absl::Status& status, std::chrono::steady_clock::duration elapsed) {
  const int64_t micros = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
  const std::string code = absl::StatusCodeToString(status.code());
  switch (status.code()) {
    case absl::StatusCode::kOk:
      if (elapsed > kSlowCall) {
        log::Warn("slow call", {{"latency_us", micros}});
      } else {
        log::Debug("call served", {{"latency_us", micros}});
      }
      return;
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kDataLoss:
      log::Error("call failed",
                 {{"code", code}, {"error", status.message()}, {"latency_us", micros}});
      return;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kDeadlineExceeded:
      log::Warn("call failed",
                {{"code", code}, {"error", status.message()}, {"latency_us", micros}});
      return;
    default:  // the caller's mistake: useful when debugging a client
      log::Debug("call rejected", {{"code", code}, {"error", status.message()}});
  }
}

void CountCallStarted(const MethodSpec& method) {
  if (method.metrics != nullptr) method.metrics->Started();
}

void CountCallHandled(const MethodSpec& method, const absl::Status& status,
                      std::chrono::steady_clock::duration elapsed) {
  if (method.metrics != nullptr) method.metrics->Handled(status.code(), elapsed);
}

absl::StatusOr<CallContext> MakeCallContext(const grpc::ServerContextBase& context,
                                            const MethodSpec& method, const IdentityKey& key) {
  CallContext call;
  call.method = method.name;
  call.clock = method.clock;
  absl::string_view id = Header(context, kRequestIdHeader);
  call.request_id = IsAcceptableRequestId(id) ? std::string(id) : NewRequestId();
  call.client_address = std::string(Header(context, kClientAddressHeader).substr(0, 64));
  call.deadline = ToSteadyDeadline(context.deadline());
  std::optional<TraceParent> trace = ParseTraceParent(Header(context, kTraceParentHeader));
  call.trace = trace ? *std::move(trace) : NewTrace();

  call.identity_header = std::string(Header(context, kIdentityHeader));
  absl::StatusOr<common::v1::Identity> identity = VerifyIdentity(
      call.identity_header, Header(context, kIdentitySignatureHeader), key, method.path, UnixNow());
  if (identity.ok()) {
    Caller& caller = call.caller;
    caller.subject = identity->subject();
    caller.user_id = identity->user_id();
    caller.employee_id = identity->employee_id();
    caller.department_id = identity->department_id();
    caller.department_path = identity->department_path();
    caller.display_name = identity->display_name();
    caller.roles = ParseKnownRoles(identity->roles());
    call.actor = caller.subject;
  } else if (identity.status().code() != absl::StatusCode::kNotFound) {
    return identity.status();
  }
  return call;
}

absl::StatusOr<CallContext> AdmitCall(const grpc::ServerContextBase& context,
                                      const MethodSpec& method, const IdentityKey& key) {
  if (method.ready != nullptr && !method.ready->load(std::memory_order_relaxed)) {
    return absl::UnavailableError("the service is not ready (database or schema); retry later");
  }
  absl::StatusOr<CallContext> made = MakeCallContext(context, method, key);
  // (IsCancelled() is not usable here: on the async API it is only defined
  // after an AsyncNotifyWhenDone event, which calls here do not ask for.)
  if (!made.ok()) return made.status();
  if (!method.policy.declared) return absl::PermissionDeniedError("this method is not available");
  if (!method.policy.open && !made->caller.authenticated()) {
    return absl::UnauthenticatedError("this call needs a credential");
  }
  if (!method.policy.open && (made->caller.roles & method.policy.allowed) == 0) {
    return absl::PermissionDeniedError(
        absl::StrCat("the caller may not ", method.policy.permission));
  }
  if (std::chrono::steady_clock::now() >= made->deadline) {
    return absl::DeadlineExceededError("the deadline passed before the call was served");
  }
  return made;
}

absl::Status ServeCall(const grpc::ServerContextBase& context, const MethodSpec& method,
                       const IdentityKey& key,
                       const std::function<absl::Status(const CallContext&)>& handler) {
  const auto started = std::chrono::steady_clock::now();
  CountCallStarted(method);
  absl::StatusOr<CallContext> admitted = AdmitCall(context, method, key);
  // A refused call still logs under the request id and trace the caller sent.
  const std::string request_id =
      admitted.ok() ? admitted->request_id : std::string(Header(context, kRequestIdHeader));
  const TraceParent trace =
      admitted.ok() ? admitted->trace
                    : ParseTraceParent(Header(context, kTraceParentHeader)).value_or(TraceParent{});
  log::ScopedContext log_context(request_id, method.name, trace.trace_id);
  ScopedTrace downstream_trace(admitted.ok() ? &trace : nullptr);
  const absl::Status status = admitted.ok() ? handler(*admitted) : admitted.status();
  const auto elapsed = std::chrono::steady_clock::now() - started;
  LogCallOutcome(status, elapsed);
  CountCallHandled(method, status, elapsed);
  return status;
}

}  // namespace crm
