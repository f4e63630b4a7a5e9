// Registration of a service's methods on the async API: each accepted call runs
// its handler inline on the completion-queue thread that accepted it, after
// the access checks of ServeCall.
#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/async_unary_call.h>

#include <atomic>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/async_call.h"
#include "common/call_context.h"
#include "common/call_metrics.h"
#include "common/call_handling.h"
#include "common/status_util.h"

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

// Keeps a parameter out of template argument deduction (std::type_identity).
template <typename T>
struct NonDeduced {
  using type = T;
};

namespace async_methods_internal {

template <typename Base, typename Request, typename Response>
struct UnarySpec {
  Base* service;
  AsyncUnaryRequest<Base, Request, Response> request;
  MethodSpec method;
  const IdentityKey* key;
  UnaryHandler<Request, Response> handler;
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
    absl::Status status = ServeCall(
        context_, spec_.method, *spec_.key,
        [this](const CallContext& call) { return spec_.handler(call, request_, &response_); });
    if (status.ok()) {
      responder_.Finish(response_, grpc::Status::OK, Tag(kFinished));
    } else {
      responder_.FinishWithError(ToGrpcStatus(status), Tag(kFinished));
    }
    // Only now take the next call of this method on this thread: while a
    // handler blocks, new calls of the method go to the other threads.
    Accept(spec_, cq_);
  }

 private:
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

class AsyncMethods;

// Registers the methods of one service (see AsyncMethods::ForService).
class ServiceMethods {
 public:
  // `service` is the generated AsyncService (or a class derived from it);
  // `request` its RequestFoo member; `name` the method's name. Its access
  // policy comes from the method's (crm.common.v1.auth) option.
  template <typename Service, typename Base, typename Request, typename Response>
  void AddUnary(Service* service, AsyncUnaryRequest<Base, Request, Response> request,
                const char* name,
                typename NonDeduced<UnaryHandler<Request, Response>>::type handler);

  // The same with a member function of another object as the handler.
  template <typename Service, typename Base, typename Request, typename Response, typename Handlers>
  void AddUnary(Service* service, AsyncUnaryRequest<Base, Request, Response> request,
                const char* name, Handlers* handlers,
                absl::Status (Handlers::*handler)(const CallContext&, const Request&, Response*)) {
    AddUnary(service, request, name,
             UnaryHandler<Request, Response>(
                 [handlers, handler](const CallContext& call, const Request& in, Response* out) {
                   return (handlers->*handler)(call, in, out);
                 }));
  }

  // The same with a member function of `service` as the handler.
  template <typename Service, typename Base, typename Request, typename Response>
  void AddUnary(Service* service, AsyncUnaryRequest<Base, Request, Response> request,
                const char* name,
                absl::Status (Service::*handler)(const CallContext&, const Request&, Response*)) {
    AddUnary(service, request, name,
             UnaryHandler<Request, Response>(
                 [service, handler](const CallContext& call, const Request& in, Response* out) {
                   return (service->*handler)(call, in, out);
                 }));
  }

 // For other call shapes (common/async_streams.h): the method's name and
  // policy, the identity key, and a way to post its accepts.
  MethodSpec Spec(const char* name) const;
  const IdentityKey& key() const;
  void AddPrimer(std::function<void(grpc::ServerCompletionQueue*)> prime,
                 std::shared_ptr<void> keep_alive);

 private:
  friend class AsyncMethods;
  ServiceMethods(AsyncMethods& methods, std::string service_name)
      : methods_(methods), service_name_(std::move(service_name)) {}

  AsyncMethods& methods_;
  std::string service_name_;
};

// The methods one server serves. Handlers may block (on the database): each
// completion-queue thread serves one call at a time, so there are as many
// calls in progress as threads.
class AsyncMethods {
 public:
  // `key` verifies the identity headers of every call.
  explicit AsyncMethods(const IdentityKey& key) : key_(key) {}

  // `service_name` is the full name, e.g. "crm.customer.v1.CustomerService".
  ServiceMethods ForService(std::string service_name) {
    return ServiceMethods(*this, std::move(service_name));
  }

  // While not ready, every call is answered UNAVAILABLE (backend_readiness.h).
  void SetReady(bool ready) { ready_.store(ready); }

  // Posts one accept per method on `cq` (each call posts the next when done).
  void Prime(grpc::ServerCompletionQueue* cq) const {
    for (const auto& prime : primers_) prime(cq);
  }

 private:
  friend class ServiceMethods;
  const IdentityKey& key_;
  std::atomic<bool> ready_{true};
  std::vector<std::function<void(grpc::ServerCompletionQueue*)>> primers_;
  std::vector<std::shared_ptr<void>> specs_;  // what the calls point at
};

inline MethodSpec ServiceMethods::Spec(const char* name) const {
  MethodSpec spec{name, PolicyForPath("/" + service_name_ + "/" + name),
                  &MethodMetrics::For(service_name_, name), &methods_.ready_};
  // A method unknown to the descriptor pool would refuse every call; that is a
  // build mistake (its proto file not linked), not something to serve.
  if (!spec.policy.declared) {
    throw std::logic_error("no access policy for " + service_name_ + "/" + name);
  }
  return spec;
}

inline const IdentityKey& ServiceMethods::key() const { return methods_.key_; }

inline void ServiceMethods::AddPrimer(std::function<void(grpc::ServerCompletionQueue*)> prime,
                                      std::shared_ptr<void> keep_alive) {
  methods_.primers_.push_back(std::move(prime));
  methods_.specs_.push_back(std::move(keep_alive));
}

template <typename Service, typename Base, typename Request, typename Response>
void ServiceMethods::AddUnary(Service* service, AsyncUnaryRequest<Base, Request, Response> request,
                              const char* name,
                              typename NonDeduced<UnaryHandler<Request, Response>>::type handler) {
  using Call = async_methods_internal::UnaryCall<Base, Request, Response>;
  auto spec = std::make_shared<typename Call::Spec>(typename Call::Spec{
      static_cast<Base*>(service), request, Spec(name), &methods_.key_, std::move(handler)});
  AddPrimer([spec](grpc::ServerCompletionQueue* cq) { Call::Accept(*spec, cq); }, spec);
}

}  // namespace crm
