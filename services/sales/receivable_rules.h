// The arithmetic of receivables, without the database: how a receipt or a
// refund is spread over a contract's instalments, and how overdue money is
// bucketed by age. The repository applies what these decide.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/time/civil_time.h"

namespace crm::sales {

// An instalment as the rules need it.
struct InstalmentBalance {
  int64_t id = 0;
  int32_t sequence = 0;
  absl::CivilDay due;
  int64_t amount_fen = 0;
  int64_t received_fen = 0;

  int64_t outstanding_fen() const { return amount_fen - received_fen; }
};

struct Allocation {
  int64_t instalment_id = 0;
  int64_t amount_fen = 0;  // signed: negative takes money off the instalment
};

// How money in splits: the part matched to instalments and the rest.
struct ReceiptSplit {
  std::vector<Allocation> allocations;
  int64_t applied_fen = 0;
  int64_t excess_fen = 0;  // beyond everything outstanding
};

// Spreads `amount_fen` (> 0) over `plan` (in sequence order): the instalment
// `named_id` first when not 0, then the oldest outstanding ones by due date
// (then sequence); what no instalment takes is the excess.
ReceiptSplit MatchReceipt(const std::vector<InstalmentBalance>& plan, int64_t amount_fen,
                          int64_t named_id);

// Takes `amount_fen` (> 0, at most what the plan has received) back off
// `plan`: the latest-due instalments first, so the oldest stay paid. The
// allocations are negative.
std::vector<Allocation> MatchRefund(const std::vector<InstalmentBalance>& plan, int64_t amount_fen);

// Days an instalment due on `due` is past due on `today`: 0 up to and
// including its due date, 1 on the day after.
int32_t DaysOverdue(absl::CivilDay due, absl::CivilDay today);

// The aging bucket of money `days_overdue` past due: 0 not due, 1 for 1–30
// days, 2 for 31–60, 3 for 61–90, 4 for over 90.
int AgingBucket(int32_t days_overdue);

// Monday of the ISO week `day` is in.
absl::CivilDay WeekStart(absl::CivilDay day);

}  // namespace crm::sales
