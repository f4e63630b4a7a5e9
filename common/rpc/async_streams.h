// Streaming calls on the async API (see async_methods.h for unary ones;
// service_methods.h registers both): a client stream read message by message into a handler object,
// and a server stream written message by message from one. As with unary calls, a call's events
// arrive on the completion-queue thread that accepted it, the access checks run before any handler
// code, and with a HandlerPool the handler's steps (making it, each message read, each message
// written) run on the pool: a step reads the database, and on the queue's thread it would hold up
// every call gRPC had matched to that queue. A call has at most one step or operation in flight.
#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/async_stream.h>

#include <chrono>
#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "common/base/logging.h"
#include "common/rpc/async_methods.h"
#include "common/rpc/handler_pool.h"

namespace crm {

// Receives a client stream. Messages arrive in order; a non-OK status from
// either method ends the call with that status.
template <typename Request, typename Response>
class ClientStreamHandler {
 public:
  virtual ~ClientStreamHandler() = default;
  virtual absl::Status OnMessage(const Request& message) = 0;
  // The client sent its last message (or the stream broke: a handler that
  // needs to tell the two apart has the client mark its end in a message).
  virtual absl::Status OnEnd(Response* response) = 0;
};

// Produces a server stream: Next() fills the next message and returns true,
// or returns false when the stream is complete.
template <typename Response>
class ServerStreamHandler {
 public:
  virtual ~ServerStreamHandler() = default;
  virtual absl::StatusOr<bool> Next(Response* message) = 0;
};

template <typename Request, typename Response>
using ClientStreamFactory =
    std::function<absl::StatusOr<std::unique_ptr<ClientStreamHandler<Request, Response>>>(
        const CallContext&)>;

template <typename Request, typename Response>
using ServerStreamFactory =
    std::function<absl::StatusOr<std::unique_ptr<ServerStreamHandler<Response>>>(const CallContext&,
                                                                                 const Request&)>;

// The RequestFoo members of a generated AsyncService for streaming methods.
template <typename Base, typename Request, typename Response>
using AsyncClientStreamRequest = void (Base::*)(grpc::ServerContext*,
                                                grpc::ServerAsyncReader<Response, Request>*,
                                                grpc::CompletionQueue*,
                                                grpc::ServerCompletionQueue*, void*);
template <typename Base, typename Request, typename Response>
using AsyncServerStreamRequest = void (Base::*)(grpc::ServerContext*, Request*,
                                                grpc::ServerAsyncWriter<Response>*,
                                                grpc::CompletionQueue*,
                                                grpc::ServerCompletionQueue*, void*);

namespace async_streams_internal {

// What both stream shapes share: admission, the log scope, outcome logging.
class StreamCallBase : public AsyncCall {
 protected:
  StreamCallBase(MethodSpec method, const IdentityKey& key)
      : method_(std::move(method)), key_(key) {}

  // Runs `step` on `pool`'s threads (here without a pool). A step ends by
  // starting one operation, whose tag it takes with NextTag.
  template <typename Step>
  void RunStep(HandlerPool* pool, Step step) {
    if (pool == nullptr) return step();
    Hold();
    held_ = true;
    pool->Post(std::move(step));
  }
  // The tag of the operation a step starts; a step on the pool lets go of
  // the call only now, so the queue's thread alone ever deletes it.
  void* NextTag(int kind) {
    void* tag = Tag(kind);
    if (held_) {
      held_ = false;
      Release();
    }
    return tag;
  }

  // Runs the access checks; the call's context on success.
  absl::StatusOr<CallContext> Admit(const grpc::ServerContextBase& context) {
    started_ = std::chrono::steady_clock::now();
    CountCallStarted(method_);
    absl::StatusOr<CallContext> call = AdmitCall(context, method_, key_);
    if (call.ok()) {
      request_id_ = call->request_id;
      trace_id_ = call->trace.trace_id;
    }
    return call;
  }
  log::ScopedContext Scope() const {
    return log::ScopedContext(request_id_, method_.name, trace_id_);
  }
  void LogOutcome(const absl::Status& status) const {
    const auto elapsed = std::chrono::steady_clock::now() - started_;
    LogCallOutcome(status, elapsed);
    CountCallHandled(method_, status, elapsed);
  }

  const MethodSpec method_;
  const IdentityKey& key_;
  std::string request_id_;
  std::string trace_id_;
  std::chrono::steady_clock::time_point started_;
  // Set before a step is posted, cleared by it: one step at a time, so the
  // pool's queue orders the two threads' accesses.
  bool held_ = false;
};

template <typename Base, typename Request, typename Response>
struct ClientStreamSpec {
  Base* service;
  AsyncClientStreamRequest<Base, Request, Response> request;
  MethodSpec method;
  const IdentityKey* key;
  ClientStreamFactory<Request, Response> factory;
  HandlerPool* pool = nullptr;  // where steps run; null: the queue's thread
};

template <typename Base, typename Request, typename Response>
class ClientStreamCall : public StreamCallBase {
 public:
  using Spec = ClientStreamSpec<Base, Request, Response>;

  static void Accept(const Spec& spec, grpc::ServerCompletionQueue* cq) {
    auto* call = new ClientStreamCall(spec, cq);
    (spec.service->*spec.request)(&call->context_, &call->reader_, cq, cq, call->Tag(kAccepted));
  }

 protected:
  void OnEvent(int kind, bool ok) override {
    if (kind == kAccepted) {
      if (!ok) return;
      Accept(spec_, cq_);  // the next call of this method
      RunStep(spec_.pool, [this] { Start(); });
    } else if (kind == kRead) {
      RunStep(spec_.pool, [this, ok] { ok ? Consume() : End(); });
    }
  }

 private:
  enum Kind { kAccepted, kRead, kFinished };
  ClientStreamCall(const Spec& spec, grpc::ServerCompletionQueue* cq)
      : StreamCallBase(spec.method, *spec.key), spec_(spec), cq_(cq), reader_(&context_) {}

  void Start() {
    absl::StatusOr<CallContext> call = Admit(context_);
    auto scope = Scope();
    if (!call.ok()) return Fail(call.status());
    call_ = std::move(*call);
    auto handler = spec_.factory(call_);
    if (!handler.ok()) return Fail(handler.status());
    handler_ = std::move(*handler);
    reader_.Read(&message_, NextTag(kRead));
  }
  void Consume() {
    auto scope = Scope();
    absl::Status status = handler_->OnMessage(message_);
    if (!status.ok()) return Fail(status);
    message_.Clear();
    reader_.Read(&message_, NextTag(kRead));
  }
  void End() {
    auto scope = Scope();
    Response response;
    absl::Status status = handler_->OnEnd(&response);
    if (!status.ok()) return Fail(status);
    LogOutcome(status);
    reader_.Finish(response, grpc::Status::OK, NextTag(kFinished));
  }
  void Fail(const absl::Status& status) {
    LogOutcome(status);
    reader_.FinishWithError(ToGrpcStatus(status), NextTag(kFinished));
  }

  const Spec& spec_;
  grpc::ServerCompletionQueue* const cq_;
  grpc::ServerContext context_;
  grpc::ServerAsyncReader<Response, Request> reader_;
  CallContext call_;
  Request message_;
  std::unique_ptr<ClientStreamHandler<Request, Response>> handler_;
};

template <typename Base, typename Request, typename Response>
struct ServerStreamSpec {
  Base* service;
  AsyncServerStreamRequest<Base, Request, Response> request;
  MethodSpec method;
  const IdentityKey* key;
  ServerStreamFactory<Request, Response> factory;
  HandlerPool* pool = nullptr;  // where steps run; null: the queue's thread
};

template <typename Base, typename Request, typename Response>
class ServerStreamCall : public StreamCallBase {
 public:
  using Spec = ServerStreamSpec<Base, Request, Response>;

  static void Accept(const Spec& spec, grpc::ServerCompletionQueue* cq) {
    auto* call = new ServerStreamCall(spec, cq);
    (spec.service->*spec.request)(&call->context_, &call->request_, &call->writer_, cq, cq,
                                  call->Tag(kAccepted));
  }

 protected:
  void OnEvent(int kind, bool ok) override {
    if (kind == kAccepted) {
      if (!ok) return;
      Accept(spec_, cq_);
      RunStep(spec_.pool, [this] { Start(); });
    } else if (kind == kWritten) {
      if (!ok) {  // the client went away: nobody to tell
        auto scope = Scope();
        LogOutcome(absl::CancelledError("the client stopped reading the stream"));
        writer_.Finish(grpc::Status::CANCELLED, Tag(kFinished));
        return;
      }
      RunStep(spec_.pool, [this] {
        auto scope = Scope();
        WriteNext();
      });
    }
  }

 private:
  enum Kind { kAccepted, kWritten, kFinished };
  ServerStreamCall(const Spec& spec, grpc::ServerCompletionQueue* cq)
      : StreamCallBase(spec.method, *spec.key), spec_(spec), cq_(cq), writer_(&context_) {}

  void Start() {
    absl::StatusOr<CallContext> call = Admit(context_);
    auto scope = Scope();
    if (!call.ok()) return Finish(call.status());
    call_ = std::move(*call);
    auto handler = spec_.factory(call_, request_);
    if (!handler.ok()) return Finish(handler.status());
    handler_ = std::move(*handler);
    WriteNext();
  }
  void WriteNext() {
    message_.Clear();
    absl::StatusOr<bool> more = handler_->Next(&message_);
    if (!more.ok()) return Finish(more.status());
    if (!*more) return Finish(absl::OkStatus());
    writer_.Write(message_, NextTag(kWritten));
  }

  void Finish(const absl::Status& status) {
    LogOutcome(status);
    writer_.Finish(ToGrpcStatus(status), NextTag(kFinished));
  }

  const Spec& spec_;
  grpc::ServerCompletionQueue* const cq_;
  grpc::ServerContext context_;
  Request request_;
  Response message_;
  grpc::ServerAsyncWriter<Response> writer_;
  CallContext call_;
  std::unique_ptr<ServerStreamHandler<Response>> handler_;
};

}  // namespace async_streams_internal

}  // namespace crm
