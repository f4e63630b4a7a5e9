// ProxyCall: the per-call state machine.
//
// Unary methods:  read request -> backend unary call -> write response + status.
// Other methods:  two pumps, each with at most one operation in flight,
//   requests:  client read  -> backend write -> client read ... -> backend writes-done
//   responses: backend read -> client write  -> backend read ... -> backend finish
// and the backend's status (with its trailers and error details) finishes the
// client's call. The object is deleted once no operation is outstanding.
#include "services/gateway/proxy_call.h"

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/auth/identity.h"
#include "common/base/logging.h"
#include "common/base/metrics.h"
#include "common/base/request_id.h"
#include "common/base/status_util.h"
#include "common/rpc/call_context.h"
#include "common/rpc/call_limit.h"
#include "common/rpc/call_metrics.h"
#include "common/rpc/trace_context.h"
#include "services/gateway/backend_router.h"
#include "services/gateway/call_authorizer.h"
#include "services/gateway/rate_limiter.h"

namespace crm::gateway {
namespace {

// What the server side of every gRPC C++ service answers when it cannot
// deserialize a request (grpcpp/impl/codegen/server_interface.h); the handler
// never sees such a call, so nothing was done.
bool IsUnparsableRequest(const grpc::Status& status) {
  return status.error_code() == grpc::StatusCode::INTERNAL &&
         status.error_message() == "Unable to parse request";
}

absl::string_view View(grpc::string_ref s) { return {s.data(), s.size()}; }

// Errors are rare: finding the series each time costs nothing worth caching.
void CountBackendError(const std::string& backend, grpc::StatusCode code) {
  metrics::Registry::Global()
      .GetCounter("crm_gateway_backend_errors_total",
                  "Calls a backend finished with a status other than OK, by backend and code.",
                  {{"backend", backend},
                   {"grpc_code", absl::StatusCodeToString(static_cast<absl::StatusCode>(code))}})
      .Increment();
}

}  // namespace

void ProxyCall::Accept(grpc::AsyncGenericService& service, grpc::ServerCompletionQueue* cq,
                       const ProxySettings& settings) {
  auto* call = new ProxyCall(service, cq, settings);
  // Delivered only if the call is accepted; counted in OnEvent(kAccepted).
  call->server_context_.AsyncNotifyWhenDone(call->UncountedTag(kServerDone));
  service.RequestCall(&call->server_context_, &call->server_stream_, cq, cq, call->Tag(kAccepted));
}

ProxyCall::ProxyCall(grpc::AsyncGenericService& service, grpc::ServerCompletionQueue* cq,
                     const ProxySettings& settings)
    : service_(service), cq_(cq), settings_(settings) {
  static_assert(kKindCount <= kMaxKinds);
}

void ProxyCall::OnEvent(int kind, bool ok) {
  switch (kind) {
    case kAccepted:
      if (!ok) return;  // the server is shutting down
      accepted_ = true;
      ExpectEvent();                     // kServerDone will now arrive
      Accept(service_, cq_, settings_);  // keep the number of waiting accepts constant
      OnAccepted();
      break;
    case kServerDone:
      if (server_context_.IsCancelled()) backend_context_.TryCancel();
      break;
    case kServerRead:
      OnServerRead(ok);
      break;
    case kServerWrite:
      OnServerWrite(ok);
      break;
    case kServerFinish:
      break;
    case kBackendStarted:
      backend_started_ = true;
      if (!ok) {  // the call never started; its status says why
        backend_reading_done_ = true;
        backend_stream_->Finish(&backend_status_, Tag(kBackendFinish));
        break;
      }
      backend_stream_->Read(&response_, Tag(kBackendRead));
      if (request_waiting_) {
        request_waiting_ = false;
        backend_stream_->Write(request_, Tag(kBackendWrite));
      } else if (client_half_closed_) {
        backend_stream_->WritesDone(Tag(kBackendWritesDone));
      }
      break;
    case kBackendRead:
      OnBackendRead(ok);
      break;
    case kBackendWrite:
      if (ok && !backend_reading_done_) server_stream_.Read(&request_, Tag(kServerRead));
      break;
    case kBackendWritesDone:
      break;
    case kBackendFinish:
      OnBackendFinish();
      break;
  }
}

void ProxyCall::OnAccepted() {
  started_ = std::chrono::steady_clock::now();
  const std::string& method = server_context_.method();
  metrics_ = &MethodMetrics::ForPath(method);
  metrics_->Started();
  const auto& metadata = server_context_.client_metadata();
  if (auto it = metadata.find(kRequestIdHeader);
      it != metadata.end() && IsAcceptableRequestId(View(it->second))) {
    request_id_ = std::string(View(it->second));
  } else {
    request_id_ = NewRequestId();
  }
  server_context_.AddInitialMetadata(kRequestIdHeader, request_id_);
  // The caller's trace continues here, or one starts; the backend gets a span
  // of this hop.
  std::optional<TraceParent> trace;
  if (auto it = metadata.find(kTraceParentHeader); it != metadata.end()) {
    trace = ParseTraceParent(View(it->second));
  }
  const TraceParent incoming = trace ? *std::move(trace) : NewTrace();
  trace_id_ = incoming.trace_id;
  backend_trace_ = incoming.Child();

  // Before anything is authenticated or buffered: a flood, anonymous or
  // not, is refused here at no cost.
  if (settings_.call_limit != nullptr) {
    if (!settings_.call_limit->TryEnter()) {
      return FinishServer(ToGrpcStatus(WithErrorInfo(
          absl::ResourceExhaustedError(absl::StrCat("the gateway is at its limit of ",
                                                    settings_.call_limit->max(),
                                                    " calls in flight; retry in a second")),
          "GATEWAY_AT_CALL_LIMIT")));
    }
    holds_call_place_ = true;
  }

  Credentials credentials;
  if (auto it = metadata.find("authorization"); it != metadata.end()) {
    credentials.authorization = View(it->second);
  }
  if (auto it = metadata.find("x-api-key"); it != metadata.end()) {
    credentials.api_key = View(it->second);
  }
  absl::StatusOr<VerifiedCaller> caller =
      settings_.authorizer->Authorize(method, credentials, UnixNow());
  // Each verified caller has a budget of its own; anonymous calls and
  // refused credentials share their client address's.
  if (settings_.rate_limiter != nullptr && settings_.rate_limiter->enabled()) {
    const std::string key = caller.ok() && caller->subject != kAnonymousSubject
                                ? caller->subject
                                : "peer:" + PeerHost(server_context_.peer());
    const std::chrono::milliseconds wait =
        settings_.rate_limiter->Take(key, std::chrono::steady_clock::now());
    if (wait.count() > 0) {
      server_context_.AddTrailingMetadata("retry-after-ms", std::to_string(wait.count()));
      return FinishServer(ToGrpcStatus(WithRetryDelay(
          WithErrorInfo(absl::ResourceExhaustedError(absl::StrCat(
                            "too many calls from this caller; retry in ", wait.count(), " ms")),
                        "RATE_LIMITED"),
          absl::FromChrono(wait))));
    }
  }
  if (!caller.ok()) return FinishServer(ToGrpcStatus(caller.status()));
  caller_ = caller->subject;
  const Backend* backend = settings_.router->Route(method);
  if (backend == nullptr) {
    return FinishServer(
        ToGrpcStatus(absl::UnimplementedError(absl::StrCat("unknown method ", method))));
  }
  backend_name_ = backend->name;
  stub_ = backend->NextStub();
  unary_ = settings_.unary_methods.count(method) > 0;

  auto deadline = server_context_.deadline();
  if (deadline == std::chrono::system_clock::time_point::max()) {
    deadline = std::chrono::system_clock::now() +
               (unary_ ? settings_.unary_default_deadline : settings_.stream_default_deadline);
  }
  backend_context_.set_deadline(deadline);
  for (const auto& [key, value] : metadata) {
    if (ForwardsClientHeader(View(key))) {
      backend_context_.AddMetadata(std::string(View(key)), std::string(View(value)));
    }
  }
  backend_context_.AddMetadata(kRequestIdHeader, request_id_);
  backend_context_.AddMetadata(kTraceParentHeader, backend_trace_.Format());
  backend_context_.AddMetadata(kClientAddressHeader, PeerHost(server_context_.peer()));
  for (const auto& [key, value] : caller->headers) backend_context_.AddMetadata(key, value);

  if (unary_) {
    server_stream_.Read(&request_, Tag(kServerRead));
  } else {
    StartBackendStream();
  }
}

void ProxyCall::StartBackendUnary() {
  backend_unary_ =
      stub_->PrepareUnaryCall(&backend_context_, server_context_.method(), request_, cq_);
  backend_unary_->StartCall();
  backend_unary_->Finish(&response_, &backend_status_, Tag(kBackendFinish));
}

void ProxyCall::StartBackendStream() {
  backend_stream_ = stub_->PrepareCall(&backend_context_, server_context_.method(), cq_);
  backend_stream_->StartCall(Tag(kBackendStarted));
  server_stream_.Read(&request_, Tag(kServerRead));
}

void ProxyCall::OnServerRead(bool ok) {
  if (unary_) {
    if (ok) return StartBackendUnary();
    return FinishServer(
        ToGrpcStatus(absl::InvalidArgumentError("a unary call needs exactly one request message")));
  }
  if (backend_reading_done_) return;  // the backend already finished the call
  if (!backend_started_) {
    (ok ? request_waiting_ : client_half_closed_) = true;
  } else if (ok) {
    backend_stream_->Write(request_, Tag(kBackendWrite));
  } else {  // the client half-closed (or went away)
    backend_stream_->WritesDone(Tag(kBackendWritesDone));
  }
}

void ProxyCall::OnBackendRead(bool ok) {
  if (ok) {
    server_stream_.Write(response_, Tag(kServerWrite));
    return;
  }
  backend_reading_done_ = true;
  backend_stream_->Finish(&backend_status_, Tag(kBackendFinish));
}

void ProxyCall::OnServerWrite(bool ok) {
  if (ok) {
    backend_stream_->Read(&response_, Tag(kBackendRead));
    return;
  }
  // The client went away: stop the backend and collect its status.
  backend_context_.TryCancel();
  backend_reading_done_ = true;
  backend_stream_->Finish(&backend_status_, Tag(kBackendFinish));
}

void ProxyCall::OnBackendFinish() {
  for (const auto& [key, value] : backend_context_.GetServerTrailingMetadata()) {
    if (!absl::StartsWith(View(key), "grpc-")) {
      server_context_.AddTrailingMetadata(std::string(View(key)), std::string(View(value)));
    }
  }
  if (IsUnparsableRequest(backend_status_)) {
    // gRPC answers a request it cannot parse with INTERNAL, which pages
    // whoever watches server errors; it is the caller's mistake.
    backend_status_ = ToGrpcStatus(WithErrorInfo(
        absl::InvalidArgumentError("the request message cannot be parsed (truncated, not this "
                                   "method's message, or a string field that is not UTF-8)"),
        "UNPARSABLE_REQUEST"));
  }
  if (!backend_status_.ok()) CountBackendError(backend_name_, backend_status_.error_code());
  if (backend_status_.error_code() == grpc::StatusCode::UNAVAILABLE &&
      backend_status_.error_details().empty()) {
    // A transport error (the backend's own answers carry details: a drain, a
    // full or read-only database): it names internal addresses, so log it and
    // tell the client less.
    log::Warn("backend unavailable", {{"backend", backend_name_},
                                      {"request_id", request_id_},
                                      {"trace_id", trace_id_},
                                      {"error", backend_status_.error_message()}});
    backend_status_ = ToGrpcStatus(
        WithErrorInfo(absl::UnavailableError(absl::StrCat("the ", backend_name_,
                                                          " service is unavailable; retry later")),
                      "BACKEND_UNAVAILABLE", {{"service", backend_name_}}));
  }
  if (unary_ && backend_status_.ok()) {
    final_status_ = backend_status_;
    server_stream_.WriteAndFinish(response_, grpc::WriteOptions(), final_status_,
                                  Tag(kServerFinish));
    return;
  }
  FinishServer(backend_status_);
}

void ProxyCall::FinishServer(const grpc::Status& status) {
  final_status_ = status;
  server_stream_.Finish(final_status_, Tag(kServerFinish));
}

void ProxyCall::OnComplete() {
  if (!accepted_) return;
  if (holds_call_place_) settings_.call_limit->Leave();
  // A client that cancelled gets no status; record what happened instead.
  if (server_context_.IsCancelled()) {
    final_status_ = grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by the client");
  }
  const auto elapsed = std::chrono::steady_clock::now() - started_;
  const int64_t micros = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
  metrics_->Handled(static_cast<absl::StatusCode>(final_status_.error_code()), elapsed);
  log::Info("access", {{"method", server_context_.method()},
                       {"code", absl::StatusCodeToString(
                                    static_cast<absl::StatusCode>(final_status_.error_code()))},
                       {"latency_us", micros},
                       {"request_id", request_id_},
                       {"trace_id", trace_id_},
                       {"backend", backend_name_},
                       {"caller", caller_}});
}

}  // namespace crm::gateway
