// DependencyBudget: a counter under a mutex, and a condition for the calls
// queued at the bound.
#include "common/rpc/dependency_budget.h"

#include <algorithm>
#include <chrono>
#include <climits>
#include <condition_variable>
#include <mutex>

namespace crm {
namespace {

// Long enough for a healthy dependency under load (a place frees in
// milliseconds), short enough that a call refused behind a hung one holds
// the last free thread only briefly.
constexpr std::chrono::seconds kLongestQueue(1);

struct Budget {
  std::mutex mu;
  std::condition_variable freed;
  int limit = INT_MAX;
  int waiting = 0;
};

Budget& TheBudget() {
  static auto* budget = new Budget;
  return *budget;
}

}  // namespace

void DependencyBudget::SetLimit(int limit) {
  Budget& b = TheBudget();
  std::lock_guard<std::mutex> lock(b.mu);
  b.limit = std::max(1, limit);
  b.freed.notify_all();
}

DependencyBudget::Place::Place(bool needed, Deadline deadline) {
  if (!needed) return;
  Budget& b = TheBudget();
  std::unique_lock<std::mutex> lock(b.mu);
  const Deadline until = std::min(deadline, std::chrono::steady_clock::now() + kLongestQueue);
  if (!b.freed.wait_until(lock, until, [&b] { return b.waiting < b.limit; })) {
    admitted_ = false;
    return;
  }
  ++b.waiting;
  held_ = true;
}

DependencyBudget::Place::~Place() {
  if (!held_) return;
  Budget& b = TheBudget();
  std::lock_guard<std::mutex> lock(b.mu);
  --b.waiting;
  b.freed.notify_one();
}

}  // namespace crm
