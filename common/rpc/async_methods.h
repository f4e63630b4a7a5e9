// Unary calls on the async API, and the set of methods a server serves: each
// accepted call runs its handler, after the access checks of ServeCall, on a
// HandlerPool thread (backends), or inline on the completion-queue thread
// that accepted it (no pool). Services register their methods through
// service_methods.h.
#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/async_unary_call.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/base/clock.h"
#include "common/base/status_util.h"
#include "common/rpc/async_call.h"
#include "common/rpc/call_context.h"
#include "common/rpc/call_handling.h"
#include "common/rpc/call_metrics.h"
#include "common/rpc/handler_pool.h"

namespace grpc {
class CompletionQueue;
class ServerCompletionQueue;
}  // namespace grpc

namespace crm {

class IdentityKey;

// The RequestFoo member of a generated AsyncService.
template <typename Base, typename Request, typename Response>
using AsyncUnaryRequest = void (Base::*)(grpc::ServerContext*, Request*,
                                         grpc::ServerAsyncResponseWriter<Response>*,
                                         grpc::CompletionQueue*, grpc::ServerCompletionQueue*,
                                         void*);

template <typename Request, typename Response>
using UnaryHandler = std::function<absl::Status(const CallContext&, const Request&, Response*)>;

namespace async_methods_internal {

template <typename Base, typename Request, typename Response>
struct UnarySpec {
  Base* service;
  AsyncUnaryRequest<Base, Request, Response> request;
  MethodSpec method;
  const IdentityKey* key;
  UnaryHandler<Request, Response> handler;
  HandlerPool* pool;  // null: handlers run on the completion-queue thread
};

template <typename Base, typename Request, typename Response>
class UnaryCall : public AsyncCall {
 public:
  using Spec = UnarySpec<Base, Request, Response>;

  static void Accept(const Spec& spec, grpc::ServerCompletionQueue* cq) {
    auto* call = new UnaryCall(spec, cq);
    (spec.service->*spec.request)(&call->context_, &call->request_, &call->responder_, cq, cq,
                                  call->Tag(kAccepted));
  }

 protected:
  void OnEvent(int kind, bool ok) override {
    if (kind != kAccepted || !ok) return;
    if (spec_.pool == nullptr) {
      Serve(/*held=*/false);
      return;
    }
    Hold();
    spec_.pool->Post([this] { Serve(/*held=*/true); });
  }

 private:
  // Runs the handler and finishes the call. Nothing of the call is touched
  // after the finish starts: its event may delete the call at once.
  void Serve(bool held) {
    absl::Status status = ServeCall(
        context_, spec_.method, *spec_.key,
        [this](const CallContext& call) { return spec_.handler(call, request_, &response_); });
    // Only now take the next call of this method on this queue: the calls
    // of a method in progress stay as many as the queues.
    Accept(spec_, cq_);
    void* finished = Tag(kFinished);
    if (held) Release();
    if (status.ok()) {
      responder_.Finish(response_, grpc::Status::OK, finished);
    } else {
      responder_.FinishWithError(ToGrpcStatus(status), finished);
    }
  }

  enum Kind { kAccepted, kFinished };
  UnaryCall(const Spec& spec, grpc::ServerCompletionQueue* cq)
      : spec_(spec), cq_(cq), responder_(&context_) {}

  const Spec& spec_;
  grpc::ServerCompletionQueue* const cq_;
  grpc::ServerContext context_;
  Request request_;
  Response response_;
  grpc::ServerAsyncResponseWriter<Response> responder_;
};

}  // namespace async_methods_internal

// The methods one server serves (service_methods.h registers them). Handlers
// may block (on the database, on another service): as many unary calls are
// in progress as the pool has threads (without a pool, as queue threads).
class AsyncMethods {
 public:
  // `key` verifies the identity headers of every call; `clock` is the wall
  // clock their handlers read (tests pass their own).
  // `handler_threads`: the threads unary handlers run on (handler_pool.h);
  // 0 runs them on the completion-queue threads.
  explicit AsyncMethods(const IdentityKey& key, const Clock& clock = Clock::System(),
                        int handler_threads = 0)
      : key_(key),
        clock_(clock),
        pool_(handler_threads > 0 ? std::make_unique<HandlerPool>(handler_threads) : nullptr) {}

  // While not ready, every call is answered UNAVAILABLE (backend_readiness.h).
  void SetReady(bool ready) { ready_.store(ready); }

  // Posts one accept per method on `cq` (each call posts the next when done).
  void Prime(grpc::ServerCompletionQueue* cq) const {
    for (const auto& prime : primers_) prime(cq);
  }

  // OK when every method of every service registered here has exactly one
  // handler and an access policy; otherwise FAILED_PRECONDITION naming what
  // is missing or doubled (a wiring mistake: the process must not serve, or
  // calls of an unwired method would wait for ever).
  absl::Status CheckComplete() const;

  // For ServiceMethods: records `method` of `service` (a full name) as served
  // and returns how it is served. An error is kept for CheckComplete.
  MethodSpec Register(const std::string& service, const char* method);
  void AddPrimer(std::function<void(grpc::ServerCompletionQueue*)> prime,
                 std::shared_ptr<void> keep_alive) {
    primers_.push_back(std::move(prime));
    specs_.push_back(std::move(keep_alive));
  }
  const IdentityKey& key() const { return key_; }
  HandlerPool* pool() const { return pool_.get(); }

 private:
  const IdentityKey& key_;
  const Clock& clock_;
  std::atomic<bool> ready_{true};
  std::vector<std::function<void(grpc::ServerCompletionQueue*)>> primers_;
  std::vector<std::shared_ptr<void>> specs_;                      // what the calls point at
  std::map<std::string, std::map<std::string, int>> registered_;  // service -> method -> count
  std::vector<std::string> errors_;
  // Last: joined first, while everything its handlers use still exists.
  std::unique_ptr<HandlerPool> pool_;
};

}  // namespace crm
