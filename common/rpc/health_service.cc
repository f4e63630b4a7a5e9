// Async Health/Check and Health/Watch.
#include "common/rpc/health_service.h"

#include <grpcpp/alarm.h>
#include <grpcpp/server_builder.h>

#include "common/rpc/async_call.h"

namespace crm {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

// How often an open Watch stream looks for a change. Clients health-check
// every connection with a Watch and stop sending once it says NOT_SERVING:
// this must be well inside the drain period (500 ms locally, 5 s on
// Kubernetes), or calls still arrive when the server shuts down and are
// cancelled.
constexpr auto kWatchInterval = std::chrono::milliseconds(50);

class CheckCall : public AsyncCall {
 public:
  static void Accept(Health::AsyncService& service, grpc::ServerCompletionQueue* cq,
                     const HealthStatusStore& store) {
    auto* call = new CheckCall(service, cq, store);
    service.RequestCheck(&call->context_, &call->request_, &call->responder_, cq, cq,
                         call->Tag(kAccepted));
  }

 protected:
  void OnEvent(int kind, bool ok) override {
    if (kind != kAccepted || !ok) return;
    Accept(service_, cq_, store_);
    HealthStatusStore::Status status = store_.Get(request_.service());
    if (status == HealthCheckResponse::SERVICE_UNKNOWN) {
      responder_.FinishWithError(grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown service"),
                                 Tag(kFinished));
      return;
    }
    response_.set_status(status);
    responder_.Finish(response_, grpc::Status::OK, Tag(kFinished));
  }

 private:
  enum Kind { kAccepted, kFinished };
  CheckCall(Health::AsyncService& service, grpc::ServerCompletionQueue* cq,
            const HealthStatusStore& store)
      : service_(service), cq_(cq), store_(store), responder_(&context_) {}

  Health::AsyncService& service_;
  grpc::ServerCompletionQueue* cq_;
  const HealthStatusStore& store_;
  grpc::ServerContext context_;
  HealthCheckRequest request_;
  HealthCheckResponse response_;
  grpc::ServerAsyncResponseWriter<HealthCheckResponse> responder_;
};

// Sends the status at once and again whenever it changes; once the gateway
// drains it sends NOT_SERVING and ends the stream, so open watches do not hold
// up shutdown.
class WatchCall : public AsyncCall {
 public:
  static void Accept(Health::AsyncService& service, grpc::ServerCompletionQueue* cq,
                     const HealthStatusStore& store) {
    auto* call = new WatchCall(service, cq, store);
    call->context_.AsyncNotifyWhenDone(call->UncountedTag(kDone));
    service.RequestWatch(&call->context_, &call->request_, &call->writer_, cq, cq,
                         call->Tag(kAccepted));
  }

 protected:
  void OnEvent(int kind, bool ok) override {
    switch (kind) {
      case kAccepted:
        if (!ok) return;
        ExpectEvent();  // kDone
        Accept(service_, cq_, store_);
        Send();
        return;
      case kDone:
        done_ = true;
        alarm_.Cancel();
        return;
      case kWritten:
        if (!ok || done_) return Finish(grpc::Status::CANCELLED);
        if (ending_) return Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "shutting down"));
        alarm_.Set(cq_, std::chrono::system_clock::now() + kWatchInterval, Tag(kAlarm));
        return;
      case kAlarm:
        if (done_) return Finish(grpc::Status::CANCELLED);
        if (store_.Get(request_.service()) != sent_ || store_.shut_down()) return Send();
        alarm_.Set(cq_, std::chrono::system_clock::now() + kWatchInterval, Tag(kAlarm));
        return;
      default:
        return;
    }
  }

 private:
  enum Kind { kAccepted, kDone, kWritten, kAlarm, kFinished };
  WatchCall(Health::AsyncService& service, grpc::ServerCompletionQueue* cq,
            const HealthStatusStore& store)
      : service_(service), cq_(cq), store_(store), writer_(&context_) {}

  void Send() {
    sent_ = store_.Get(request_.service());
    ending_ = store_.shut_down();
    response_.set_status(sent_);
    writer_.Write(response_, Tag(kWritten));
  }
  void Finish(const grpc::Status& status) {
    if (finished_) return;
    finished_ = true;
    writer_.Finish(status, Tag(kFinished));
  }

  Health::AsyncService& service_;
  grpc::ServerCompletionQueue* cq_;
  const HealthStatusStore& store_;
  grpc::ServerContext context_;
  HealthCheckRequest request_;
  HealthCheckResponse response_;
  grpc::ServerAsyncWriter<HealthCheckResponse> writer_;
  grpc::Alarm alarm_;
  HealthStatusStore::Status sent_ = HealthCheckResponse::UNKNOWN;
  bool done_ = false;
  bool ending_ = false;
  bool finished_ = false;
};

}  // namespace

void HealthStatusStore::Set(const std::string& service, bool serving) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!shut_down_) serving_[service] = serving;
}

void HealthStatusStore::SetReady(bool ready) {
  std::lock_guard<std::mutex> lock(mu_);
  ready_ = ready;
}

void HealthStatusStore::Shutdown() {
  std::lock_guard<std::mutex> lock(mu_);
  shut_down_ = true;
}

HealthStatusStore::Status HealthStatusStore::Get(const std::string& service) const {
  if (service == kLivenessName) return HealthCheckResponse::SERVING;
  std::lock_guard<std::mutex> lock(mu_);
  if (shut_down_) return HealthCheckResponse::NOT_SERVING;
  if (service.empty())
    return ready_ ? HealthCheckResponse::SERVING : HealthCheckResponse::NOT_SERVING;
  auto it = serving_.find(service);
  if (it == serving_.end()) return HealthCheckResponse::SERVICE_UNKNOWN;
  return it->second && ready_ ? HealthCheckResponse::SERVING : HealthCheckResponse::NOT_SERVING;
}

bool HealthStatusStore::shut_down() const {
  std::lock_guard<std::mutex> lock(mu_);
  return shut_down_;
}

void HealthService::Register(grpc::ServerBuilder& builder) { builder.RegisterService(&service_); }

void HealthService::Prime(grpc::ServerCompletionQueue* cq) {
  for (int i = 0; i < 2; ++i) CheckCall::Accept(service_, cq, store_);
  WatchCall::Accept(service_, cq, store_);
}

}  // namespace crm
