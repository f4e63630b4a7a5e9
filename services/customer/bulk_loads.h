// Which bulk imports are running in this process. The search indexer holds
// back while one is (the import's new customers are indexed right after it,
// as databases build an index after a bulk load rather than row by row), so
// a long import has the machine to itself; searches meanwhile miss what the
// import and other writes added since it began.
#pragma once

#include <atomic>

namespace crm::customer {

class BulkLoads {
 public:
  // Marks one import running for its lifetime.
  class Running {
   public:
    explicit Running(BulkLoads& loads) : loads_(loads) { ++loads_.running_; }
    ~Running() { --loads_.running_; }
    Running(const Running&) = delete;
    Running& operator=(const Running&) = delete;

   private:
    BulkLoads& loads_;
  };

  bool AnyRunning() const { return running_.load(std::memory_order_relaxed) > 0; }

 private:
  std::atomic<int> running_{0};
};

}  // namespace crm::customer
