// AsyncCall bookkeeping and the polling threads.
#include "common/rpc/async_call.h"

#include <grpcpp/completion_queue.h>
#include <grpcpp/server_builder.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "common/base/logging.h"

namespace crm {
namespace {

// Calls alive in this process. A call may still start an operation when an
// event of its arrives (a watch whose alarm fires sends, a cancelled write
// finishes); starting one on a queue that is shutting down aborts the process
// inside gRPC, so the queues are shut down only once every call is gone
// (every process runs one server; a second one would wait out the timeout).
struct LiveCalls {
  std::mutex mu;
  std::condition_variable none_left;
  int count = 0;
};

LiveCalls& Live() {
  static auto* live = new LiveCalls();
  return *live;
}

// After the server has shut down (every call cancelled), its calls finish
// within milliseconds; this bounds the wait if one never does.
constexpr auto kCallsEndTimeout = std::chrono::seconds(5);

}  // namespace

AsyncCall::AsyncCall() {
  for (int i = 0; i < kMaxKinds; ++i) tags_[i] = EventTag{this, i};
  std::lock_guard<std::mutex> lock(Live().mu);
  ++Live().count;
}

AsyncCall::~AsyncCall() {
  std::lock_guard<std::mutex> lock(Live().mu);
  if (--Live().count == 0) Live().none_left.notify_all();
}

void* AsyncCall::Tag(int kind) {
  ++pending_;
  return &tags_[kind];
}

void AsyncCall::Dispatch(int kind, bool ok) {
  --pending_;
  OnEvent(kind, ok);
  if (pending_ == 0) {
    OnComplete();
    delete this;
  }
}

CompletionQueueThreads::CompletionQueueThreads(int threads) : count_(std::max(1, threads)) {}

CompletionQueueThreads::~CompletionQueueThreads() { Stop(); }

void CompletionQueueThreads::AddQueues(grpc::ServerBuilder& builder) {
  for (int i = 0; i < count_; ++i) queues_.push_back(builder.AddCompletionQueue());
}

void CompletionQueueThreads::Start(const std::function<void(grpc::ServerCompletionQueue*)>& prime) {
  for (auto& queue : queues_) {
    prime(queue.get());
    threads_.emplace_back([cq = queue.get()] {
      void* tag = nullptr;
      bool ok = false;
      while (cq->Next(&tag, &ok)) {
        auto* event = static_cast<AsyncCall::EventTag*>(tag);
        event->call->Dispatch(event->kind, ok);
      }
    });
  }
}

void CompletionQueueThreads::Stop() {
  if (!threads_.empty()) {
    std::unique_lock<std::mutex> lock(Live().mu);
    if (!Live().none_left.wait_for(lock, kCallsEndTimeout, [] { return Live().count == 0; })) {
      log::Warn("calls still open when the queues stop", {{"calls", Live().count}});
    }
  }
  for (auto& queue : queues_) queue->Shutdown();
  for (auto& thread : threads_) thread.join();
  if (threads_.empty()) {
    // Never started (the server failed to start): a queue must be drained
    // before it is destroyed, and no thread did it.
    for (auto& queue : queues_) {
      void* tag = nullptr;
      bool ok = false;
      while (queue->Next(&tag, &ok)) {
      }
    }
  }
  threads_.clear();
  queues_.clear();
}

}  // namespace crm
