// AsyncCall bookkeeping and the polling threads.
#include "common/rpc/async_call.h"

#include <grpcpp/completion_queue.h>
#include <grpcpp/server_builder.h>

namespace crm {

AsyncCall::AsyncCall() {
  for (int i = 0; i < kMaxKinds; ++i) tags_[i] = EventTag{this, i};
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
