// Receipt matching and aging without a database: named instalment first,
// then oldest first; refunds from the latest; the day an instalment turns
// overdue and the bucket edges.
#include "services/sales/receivable_rules.h"

#include <gtest/gtest.h>

namespace crm::sales {
namespace {

// 100,000.00 元 in three instalments, the last one cent larger.
std::vector<InstalmentBalance> ThreeInstalments() {
  return {{11, 1, absl::CivilDay(2026, 1, 31), 3333333, 0},
          {12, 2, absl::CivilDay(2026, 2, 28), 3333333, 0},
          {13, 3, absl::CivilDay(2026, 3, 31), 3333334, 0}};
}

TEST(MatchReceiptTest, FillsTheOldestInstalmentsFirst) {
  const ReceiptSplit split = MatchReceipt(ThreeInstalments(), 5000000, 0);
  ASSERT_EQ(split.allocations.size(), 2u);
  EXPECT_EQ(split.allocations[0].instalment_id, 11);
  EXPECT_EQ(split.allocations[0].amount_fen, 3333333);
  EXPECT_EQ(split.allocations[1].instalment_id, 12);
  EXPECT_EQ(split.allocations[1].amount_fen, 1666667);
  EXPECT_EQ(split.applied_fen, 5000000);
  EXPECT_EQ(split.excess_fen, 0);
}

TEST(MatchReceiptTest, ANamedInstalmentIsPaidFirstAndTheRestGoesOldestFirst) {
  std::vector<InstalmentBalance> plan = ThreeInstalments();
  plan[0].received_fen = 3333333;  // the first is paid
  const ReceiptSplit split = MatchReceipt(plan, 4000000, 13);
  ASSERT_EQ(split.allocations.size(), 2u);
  EXPECT_EQ(split.allocations[0].instalment_id, 12);  // in sequence order
  EXPECT_EQ(split.allocations[0].amount_fen, 666666);
  EXPECT_EQ(split.allocations[1].instalment_id, 13);
  EXPECT_EQ(split.allocations[1].amount_fen, 3333334);
  EXPECT_EQ(split.excess_fen, 0);
}

TEST(MatchReceiptTest, WhatNoInstalmentTakesIsTheExcess) {
  std::vector<InstalmentBalance> plan = ThreeInstalments();
  plan[0].received_fen = 3333333;
  plan[1].received_fen = 3333333;
  const ReceiptSplit split = MatchReceipt(plan, 3333335, 0);
  ASSERT_EQ(split.allocations.size(), 1u);
  EXPECT_EQ(split.applied_fen, 3333334);
  EXPECT_EQ(split.excess_fen, 1);
}

TEST(MatchRefundTest, TakesFromTheLatestInstalmentsFirst) {
  std::vector<InstalmentBalance> plan = ThreeInstalments();
  plan[0].received_fen = 3333333;
  plan[1].received_fen = 1000000;
  const std::vector<Allocation> taken = MatchRefund(plan, 1500000);
  ASSERT_EQ(taken.size(), 2u);
  EXPECT_EQ(taken[0].instalment_id, 12);
  EXPECT_EQ(taken[0].amount_fen, -1000000);
  EXPECT_EQ(taken[1].instalment_id, 11);
  EXPECT_EQ(taken[1].amount_fen, -500000);
}

TEST(AgingTest, OverdueFromTheDayAfterTheDueDate) {
  const absl::CivilDay due(2026, 1, 31);
  EXPECT_EQ(DaysOverdue(due, absl::CivilDay(2026, 1, 30)), 0);
  EXPECT_EQ(DaysOverdue(due, due), 0);
  EXPECT_EQ(DaysOverdue(due, absl::CivilDay(2026, 2, 1)), 1);
  EXPECT_EQ(DaysOverdue(due, absl::CivilDay(2026, 3, 3)), 31);
}

TEST(AgingTest, BucketEdges) {
  EXPECT_EQ(AgingBucket(0), 0);
  EXPECT_EQ(AgingBucket(1), 1);
  EXPECT_EQ(AgingBucket(30), 1);
  EXPECT_EQ(AgingBucket(31), 2);
  EXPECT_EQ(AgingBucket(60), 2);
  EXPECT_EQ(AgingBucket(61), 3);
  EXPECT_EQ(AgingBucket(90), 3);
  EXPECT_EQ(AgingBucket(91), 4);
}

TEST(AgingTest, WeeksStartOnMonday) {
  EXPECT_EQ(WeekStart(absl::CivilDay(2026, 12, 6)), absl::CivilDay(2026, 11, 30));  // a Sunday
  EXPECT_EQ(WeekStart(absl::CivilDay(2026, 11, 30)), absl::CivilDay(2026, 11, 30));
  EXPECT_EQ(WeekStart(absl::CivilDay(2026, 12, 2)), absl::CivilDay(2026, 11, 30));
}

}  // namespace
}  // namespace crm::sales
