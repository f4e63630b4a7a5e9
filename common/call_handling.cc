// Call context extraction and the logging around handlers.
#include "common/call_handling.h"

#include <grpcpp/server_context.h>

#include "common/logging.h"
#include "common/request_id.h"

namespace crm {
namespace {

constexpr auto kSlowCall = std::chrono::seconds(1);

Deadline ToSteadyDeadline(std::chrono::system_clock::time_point deadline) {
  if (deadline == std::chrono::system_clock::time_point::max()) return Deadline::max();
  auto remaining = deadline - std::chrono::system_clock::now();
  return std::chrono::steady_clock::now() +
         std::chrono::duration_cast<std::chrono::steady_clock::duration>(remaining);
}

void LogOutcome(const absl::Status& status, std::chrono::steady_clock::duration elapsed) {
  const int64_t micros = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
  const std::string code = absl::StatusCodeToString(status.code());
  switch (status.code()) {
    case absl::StatusCode::kOk:
      if (elapsed > kSlowCall) log::Warn("slow call", {{"latency_us", micros}});
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

}  // namespace

CallContext MakeCallContext(const grpc::ServerContextBase& context, const char* method) {
  CallContext call;
  call.method = method;
  const auto& metadata = context.client_metadata();
  if (auto it = metadata.find(kRequestIdHeader); it != metadata.end()) {
    absl::string_view id(it->second.data(), it->second.size());
    if (IsAcceptableRequestId(id)) call.request_id = std::string(id);
  }
  if (call.request_id.empty()) call.request_id = NewRequestId();
  call.deadline = ToSteadyDeadline(context.deadline());
  return call;
}

absl::Status ServeCall(const grpc::ServerContextBase& context, const char* method,
                       const std::function<absl::Status(const CallContext&)>& handler) {
  const CallContext call = MakeCallContext(context, method);
  log::ScopedContext log_context(call.request_id, call.method);
  const auto started = std::chrono::steady_clock::now();
  absl::Status status;
  // (IsCancelled() is not usable here: on the async API it is only defined
  // after an AsyncNotifyWhenDone event, which unary calls do not ask for.)
  if (started >= call.deadline) {
    status = absl::DeadlineExceededError("the deadline passed before the call was served");
  } else {
    status = handler(call);
  }
  LogOutcome(status, std::chrono::steady_clock::now() - started);
  return status;
}

}  // namespace crm
