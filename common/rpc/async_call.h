// The threading model of every process: gRPC's async API over our own
// completion-queue threads. A call's events all arrive on the queue that
// accepted it, and its handler runs right there, so a call never changes
// thread and nothing needs a lock. (The callback API hands every event from
// gRPC's internal threads to ours; on the 2-core machines here that cost the
// gateway path about half its throughput; see README "Performance".)
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

namespace grpc {
class ServerBuilder;
class ServerCompletionQueue;
}  // namespace grpc

namespace crm {

// A call is a state machine fed by completion-queue events. Each operation it
// starts takes a Tag(kind); the event comes back to OnEvent(kind, ok) on the
// queue's thread. When no operation is outstanding the call is deleted.
class AsyncCall {
 public:
  struct EventTag {
    AsyncCall* call;
    int kind;
  };
  static constexpr int kMaxKinds = 12;

  AsyncCall();
  virtual ~AsyncCall();

  // Called by the polling thread for each event.
  void Dispatch(int kind, bool ok);

 protected:
  // A tag for an operation about to start; counted as outstanding.
  void* Tag(int kind);
  // A tag whose event may never come (AsyncNotifyWhenDone before the call is
  // accepted): count it with ExpectEvent() once it is certain.
  void* UncountedTag(int kind) { return &tags_[kind]; }
  void ExpectEvent() { ++pending_; }
  // Keeps the call alive across a hand-off to another thread (HandlerPool):
  // Hold() on the queue's thread before handing off; Release() on the other
  // thread after taking the Tag() of the operation it starts and before
  // starting it, so the count never reaches 0 there and only the queue's
  // thread deletes the call.
  void Hold() { ++pending_; }
  void Release() { --pending_; }

  virtual void OnEvent(int kind, bool ok) = 0;
  // Runs just before deletion.
  virtual void OnComplete() {}

 private:
  EventTag tags_[kMaxKinds];
  // Atomic: a handed-off call's operations start on another thread while
  // its queue's thread may still be reading this after the hand-off.
  std::atomic<int> pending_{0};
};

// One thread per completion queue.
class CompletionQueueThreads {
 public:
  explicit CompletionQueueThreads(int threads);
  ~CompletionQueueThreads();

  // Before the server is built.
  void AddQueues(grpc::ServerBuilder& builder);
  // After it started: `prime` posts each queue's first accepts, then polling begins.
  void Start(const std::function<void(grpc::ServerCompletionQueue*)>& prime);
  // After the server shut down: waits (a few seconds at most) until every
  // call has ended, then shuts the queues down, drains them and joins the
  // threads. A call still starting operations after the shutdown would abort
  // the process inside gRPC.
  void Stop();

 private:
  const int count_;
  std::vector<std::unique_ptr<grpc::ServerCompletionQueue>> queues_;
  std::vector<std::thread> threads_;
};

}  // namespace crm
