// A thread that runs one piece of work every interval until it is stopped:
// what the feed consumers, the search indexer and the readiness check share.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace crm {

class PeriodicThread {
 public:
  PeriodicThread() = default;
  ~PeriodicThread() { Stop(); }
  PeriodicThread(const PeriodicThread&) = delete;
  PeriodicThread& operator=(const PeriodicThread&) = delete;

  // Runs `tick` now (when `first_at_once`) and then after every `interval`.
  void Start(std::chrono::milliseconds interval, std::function<void()> tick,
             bool first_at_once = false) {
    thread_ = std::thread([this, interval, tick = std::move(tick), first_at_once] {
      std::unique_lock<std::mutex> lock(mu_);
      if (!first_at_once && wake_.wait_for(lock, interval, [this] { return stopping_; })) return;
      while (!stopping_) {
        lock.unlock();
        tick();
        lock.lock();
        wake_.wait_for(lock, interval, [this] { return stopping_; });
      }
    });
  }

  // Wakes the thread and waits for the tick in progress to end. Idempotent.
  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  // For long ticks that should end early once Stop() was called.
  bool stopping() {
    std::lock_guard<std::mutex> lock(mu_);
    return stopping_;
  }

 private:
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace crm
