// A bound on the calls a process works on at once. Past it a call is refused
// at once (RESOURCE_EXHAUSTED) instead of holding memory while it waits: a
// flood of calls, anonymous ones included, costs the process no more than the
// bound.
#pragma once

#include <atomic>

namespace crm {

class CallLimit {
 public:
  explicit CallLimit(int max_in_flight) : max_(max_in_flight) {}

  // Takes a place; false (and nothing taken) when all are taken.
  bool TryEnter() {
    if (in_flight_.fetch_add(1, std::memory_order_relaxed) >= max_) {
      in_flight_.fetch_sub(1, std::memory_order_relaxed);
      return false;
    }
    return true;
  }
  // Gives back a place TryEnter took.
  void Leave() { in_flight_.fetch_sub(1, std::memory_order_relaxed); }

  int max() const { return max_; }
  int in_flight() const { return in_flight_.load(std::memory_order_relaxed); }

 private:
  const int max_;
  std::atomic<int> in_flight_{0};
};

}  // namespace crm
