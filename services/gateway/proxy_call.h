// One proxied call on the async API: the client's stream on the gateway joined
// to a call to the backend, forwarding raw bytes (no message is parsed).
//
// Every event of a call, server side and backend side, arrives on the same
// completion queue and so on the same thread: the state below needs no lock,
// and a call costs no thread hand-off.
#pragma once

#include <grpcpp/client_context.h>
#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/async_unary_call.h>
#include <grpcpp/support/byte_buffer.h>

#include <chrono>
#include <memory>
#include <string>
#include <unordered_set>

#include "common/rpc/async_call.h"
#include "common/rpc/trace_context.h"

namespace crm {
class CallLimit;
class MethodMetrics;
}

namespace crm::gateway {

class BackendRouter;
class CallAuthorizer;
class RateLimiter;

struct ProxySettings {
  const BackendRouter* router = nullptr;
  CallAuthorizer* authorizer = nullptr;
  // Paths of the methods known to be unary; they take a shorter path (one
  // request, one response). Everything else is proxied as a stream.
  std::unordered_set<std::string> unary_methods;
  // Applied when the caller sent no deadline.
  std::chrono::milliseconds unary_default_deadline{30000};
  std::chrono::milliseconds stream_default_deadline{3600000};
  // Calls proxied at once, across every queue; past it RESOURCE_EXHAUSTED.
  CallLimit* call_limit = nullptr;
  // Calls per caller and second; past it RESOURCE_EXHAUSTED with advice.
  RateLimiter* rate_limiter = nullptr;
};

class ProxyCall : public crm::AsyncCall {
 public:
  // Asks the server for the next call on `cq`. The object owns itself from
  // here on and is deleted when its last event has arrived.
  static void Accept(grpc::AsyncGenericService& service, grpc::ServerCompletionQueue* cq,
                     const ProxySettings& settings);

 protected:
  void OnEvent(int kind, bool ok) override;
  void OnComplete() override;

 private:
  enum Kind {
    kAccepted,
    kServerDone,  // AsyncNotifyWhenDone: the call is over (finished or cancelled)
    kServerRead,
    kServerWrite,
    kServerFinish,
    kBackendStarted,
    kBackendRead,
    kBackendWrite,
    kBackendWritesDone,
    kBackendFinish,
    kKindCount
  };

  ProxyCall(grpc::AsyncGenericService& service, grpc::ServerCompletionQueue* cq,
            const ProxySettings& settings);
  void OnAccepted();
  void StartBackendUnary();
  void StartBackendStream();
  void OnServerRead(bool ok);
  void OnBackendRead(bool ok);
  void OnServerWrite(bool ok);
  void OnBackendFinish();
  void FinishServer(const grpc::Status& status);

  grpc::AsyncGenericService& service_;
  grpc::ServerCompletionQueue* const cq_;
  const ProxySettings& settings_;

  grpc::GenericServerContext server_context_;
  grpc::GenericServerAsyncReaderWriter server_stream_{&server_context_};
  grpc::ClientContext backend_context_;
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> backend_unary_;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> backend_stream_;
  grpc::GenericStub* stub_ = nullptr;

  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  grpc::Status backend_status_;
  grpc::Status final_status_;

  std::chrono::steady_clock::time_point started_;
  MethodMetrics* metrics_ = nullptr;
  std::string request_id_;
  std::string backend_name_;
  std::string trace_id_;
  TraceParent backend_trace_;
  std::string caller_;
  bool accepted_ = false;
  bool holds_call_place_ = false;  // of settings_.call_limit
  bool unary_ = false;
  bool backend_started_ = false;
  bool request_waiting_ = false;     // a client message read before the backend call started
  bool client_half_closed_ = false;  // seen before the backend call started
  bool backend_reading_done_ = false;
};

}  // namespace crm::gateway
