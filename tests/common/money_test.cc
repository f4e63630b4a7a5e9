// The one rounding rule and the money texts.
#include "common/base/money.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace crm {
namespace {

TEST(MoneyTest, HalfRoundsUpForEitherSign) {
  EXPECT_EQ(DivideRoundingHalfUp(5, 2), 3);  // 2.5
  EXPECT_EQ(DivideRoundingHalfUp(7, 4), 2);  // 1.75
  EXPECT_EQ(DivideRoundingHalfUp(5, 4), 1);  // 1.25
  EXPECT_EQ(DivideRoundingHalfUp(8, 4), 2);
  EXPECT_EQ(DivideRoundingHalfUp(0, 7), 0);
  EXPECT_EQ(DivideRoundingHalfUp(-5, 2), -2);  // −2.5 toward +∞
  EXPECT_EQ(DivideRoundingHalfUp(-3, 4), -1);  // −0.75
  EXPECT_EQ(DivideRoundingHalfUp(-1, 4), 0);   // −0.25
  EXPECT_EQ(DivideRoundingHalfUp(-7, 4), -2);  // −1.75
  EXPECT_EQ(DivideRoundingHalfUp(-8, 4), -2);
  // A campaign costing 30,000 fen that sold 10,000: (10000 − 30000) / 30000
  // = −66.67% → −6667 basis points.
  EXPECT_EQ(DivideRoundingHalfUp((10000 - 30000) * kBasisPoints, 30000), -6667);
}

TEST(MoneyTest, SharesAreBasisPointsOfTheWhole) {
  EXPECT_EQ(ShareBasisPoints(1, 3), 3333);
  EXPECT_EQ(ShareBasisPoints(2, 3), 6667);
  EXPECT_EQ(ShareBasisPoints(5, 0), 0);
  EXPECT_EQ(ShareBasisPoints(-5, 10), 0);
}

TEST(MoneyTest, LargestRemainderSharesAddUpExactly) {
  // 100 in thirds: 33.33 each, the first gets the odd fen.
  EXPECT_EQ(ShareByLargestRemainder(100, {1, 1, 1}), (std::vector<int64_t>{34, 33, 33}));
  // 10 by 1:2:3 = 1.67, 3.33, 5: remainders .67 and .33, so the first rounds up.
  EXPECT_EQ(ShareByLargestRemainder(10, {1, 2, 3}), (std::vector<int64_t>{2, 3, 5}));
  EXPECT_EQ(ShareByLargestRemainder(7, {0, 5, 0}), (std::vector<int64_t>{0, 7, 0}));
  EXPECT_EQ(ShareByLargestRemainder(7, {0, 0}), (std::vector<int64_t>{0, 0}));
  EXPECT_EQ(ShareByLargestRemainder(0, {3, 4}), (std::vector<int64_t>{0, 0}));
  // Large amounts and weights do not overflow.
  const std::vector<int64_t> big =
      ShareByLargestRemainder(INT64_MAX / 2, {INT64_MAX / 4, INT64_MAX / 4, 1});
  EXPECT_EQ(big[0] + big[1] + big[2], INT64_MAX / 2);
}

TEST(MoneyTest, YuanTextGroupsThousands) {
  EXPECT_EQ(Yuan(0), "0.00 元");
  EXPECT_EQ(Yuan(5), "0.05 元");
  EXPECT_EQ(Yuan(123456789), "1,234,567.89 元");
  EXPECT_EQ(Yuan(-100000), "-1,000.00 元");
  EXPECT_EQ(Yuan(INT64_MIN), "-92,233,720,368,547,758.08 元");
}

TEST(MoneyTest, SumsBeyondInt64AreOutOfRange) {
  EXPECT_EQ(SumToFen("123", "x").value(), 123);
  EXPECT_EQ(SumToFen("99999999999999999999", "x").status().code(), absl::StatusCode::kOutOfRange);
}

}  // namespace
}  // namespace crm
