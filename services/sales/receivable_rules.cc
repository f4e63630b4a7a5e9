// Receipt matching and aging (see receivable_rules.h).
#include "services/sales/receivable_rules.h"

#include <algorithm>

namespace crm::sales {
namespace {

// Indexes of `plan` in the order money is matched to it: by due date, then
// sequence.
std::vector<size_t> OldestFirst(const std::vector<InstalmentBalance>& plan) {
  std::vector<size_t> order(plan.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&plan](size_t a, size_t b) {
    if (plan[a].due != plan[b].due) return plan[a].due < plan[b].due;
    return plan[a].sequence < plan[b].sequence;
  });
  return order;
}

}  // namespace

ReceiptSplit MatchReceipt(const std::vector<InstalmentBalance>& plan, int64_t amount_fen,
                          int64_t named_id) {
  ReceiptSplit split;
  int64_t left = amount_fen;
  std::vector<int64_t> taken(plan.size(), 0);
  auto take = [&](size_t i) {
    const int64_t room = plan[i].outstanding_fen() - taken[i];
    const int64_t part = std::min(room, left);
    if (part <= 0) return;
    taken[i] += part;
    left -= part;
  };
  for (size_t i = 0; i < plan.size(); ++i) {
    if (named_id != 0 && plan[i].id == named_id) take(i);
  }
  for (size_t i : OldestFirst(plan)) take(i);
  for (size_t i = 0; i < plan.size(); ++i) {
    if (taken[i] > 0) split.allocations.push_back({plan[i].id, taken[i]});
  }
  split.applied_fen = amount_fen - left;
  split.excess_fen = left;
  return split;
}

std::vector<Allocation> MatchRefund(const std::vector<InstalmentBalance>& plan,
                                    int64_t amount_fen) {
  std::vector<Allocation> allocations;
  int64_t left = amount_fen;
  std::vector<size_t> order = OldestFirst(plan);
  for (auto it = order.rbegin(); it != order.rend() && left > 0; ++it) {
    const int64_t part = std::min(plan[*it].received_fen, left);
    if (part <= 0) continue;
    allocations.push_back({plan[*it].id, -part});
    left -= part;
  }
  return allocations;
}

int32_t DaysOverdue(absl::CivilDay due, absl::CivilDay today) {
  return today > due ? static_cast<int32_t>(today - due) : 0;
}

int AgingBucket(int32_t days_overdue) {
  if (days_overdue <= 0) return 0;
  if (days_overdue <= 30) return 1;
  if (days_overdue <= 60) return 2;
  if (days_overdue <= 90) return 3;
  return 4;
}

absl::CivilDay WeekStart(absl::CivilDay day) {
  // absl::Weekday numbers Monday 0 … Sunday 6.
  return day - static_cast<int>(absl::GetWeekday(day));
}

}  // namespace crm::sales
