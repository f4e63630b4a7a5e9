// Which bulk imports are loading in this process. The search indexer holds
// back while one is (the import's new customers are indexed right after it,
// as databases build an index after a bulk load rather than row by row), so
// a long import has the machine to itself; searches meanwhile miss what the
// import and other writes added since it began.
//
// Only an import that is moving holds the indexer back: one whose stream has
// brought nothing for kIdleAfter (a client that sent its options and went
// quiet, or drips a byte now and then) does not, and no import holds it back
// longer than kLongestHold at a time. Nothing a caller keeps open stops the
// index for everyone.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

namespace crm::customer {

class BulkLoads {
 public:
  static constexpr std::chrono::milliseconds kIdleAfter{1000};
  static constexpr std::chrono::seconds kLongestHold{30};
  // Imports a process runs at once: each holds up to three batches in memory
  // (kImportBatchBytes each) and two writer threads.
  static constexpr int kMaxRunning = 2;

  // Marks one import running for its lifetime; Progress() each time its
  // stream brings rows.
  class Running {
   public:
    explicit Running(BulkLoads& loads) : Running(loads, /*counted=*/false) {}
    ~Running() { --loads_.running_; }
    Running(const Running&) = delete;
    Running& operator=(const Running&) = delete;

    void Progress() { loads_.last_progress_ns_.store(NowNanos(), std::memory_order_relaxed); }

   private:
    friend class BulkLoads;
    Running(BulkLoads& loads, bool counted) : loads_(loads) {
      if (!counted) ++loads_.running_;
      Progress();
    }
    BulkLoads& loads_;
  };

  // A place for one more import, or null when kMaxRunning are running.
  std::unique_ptr<Running> TryStart() {
    int running = running_.load(std::memory_order_relaxed);
    do {
      if (running >= kMaxRunning) return nullptr;
    } while (!running_.compare_exchange_weak(running, running + 1, std::memory_order_relaxed));
    std::unique_ptr<Running> started(new Running(*this, /*counted=*/true));
    return started;
  }

  // Whether an import is running and brought rows within kIdleAfter.
  bool AnyLoading() const {
    return running_.load(std::memory_order_relaxed) > 0 &&
           NowNanos() - last_progress_ns_.load(std::memory_order_relaxed) <
               std::chrono::nanoseconds(kIdleAfter).count();
  }

 private:
  static int64_t NowNanos() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }

  std::atomic<int> running_{0};
  std::atomic<int64_t> last_progress_ns_{0};
};

}  // namespace crm::customer
