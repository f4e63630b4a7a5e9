// The order money rule: named cases worked by hand, and 2,000 random orders
// against the independent reference (pricing_reference.h).
#include "services/sales/order_pricing.h"

#include <gtest/gtest.h>

#include <random>

#include "tests/sales/pricing_reference.h"

namespace crm::sales {
namespace {

LineTerms Line(int64_t price_fen, int64_t quantity_milli, int32_t discount_bp = 0,
               int32_t vat = 13) {
  return LineTerms{price_fen, quantity_milli, discount_bp, vat};
}

int64_t Sum(const OrderPrice& p, int64_t LinePrice::*field) {
  int64_t sum = 0;
  for (const LinePrice& l : p.lines) sum += l.*field;
  return sum;
}

TEST(OrderPricingTest, ThreeLinesOf33Yuan33WithTenPercentOffAddUpExactly) {
  absl::StatusOr<OrderPrice> p =
      PriceOrder({Line(3333, 1000), Line(3333, 1000), Line(3333, 1000)}, 1000);
  ASSERT_TRUE(p.ok()) << p.status();
  // 99.99 × 0.9 = 89.991 → 89.99; the 10.00 off is 3.34 + 3.33 + 3.33 (the
  // first line takes the odd fen: equal remainders go to the earlier line).
  EXPECT_EQ(p->total_amount_fen, 8999);
  EXPECT_EQ(p->lines[0].order_discount_share_fen, 334);
  EXPECT_EQ(p->lines[1].order_discount_share_fen, 333);
  EXPECT_EQ(p->lines[2].order_discount_share_fen, 333);
  EXPECT_EQ(p->lines[0].amount_fen, 2999);
  EXPECT_EQ(p->lines[1].amount_fen, 3000);
  EXPECT_EQ(Sum(*p, &LinePrice::amount_fen), p->total_amount_fen);
  // 13% inside 29.99: 29.99 × 13 / 113 = 3.450… → 3.45; inside 30.00: 3.451… → 3.45.
  EXPECT_EQ(p->lines[0].tax_fen, 345);
  EXPECT_EQ(p->lines[1].tax_fen, 345);
  EXPECT_EQ(p->total_tax_fen, 1035);
}

TEST(OrderPricingTest, OneFenTimesThreeAtHalfPriceRoundsHalfUpOnce) {
  // 0.01 × 3 × 0.5 = 0.015 → 0.02 (once per line, not per unit: 3 × 0.005 → 3 × 0.01 would be
  // 0.03).
  absl::StatusOr<OrderPrice> p = PriceOrder({Line(1, 3000, 5000)}, 0);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->lines[0].amount_fen, 2);
  EXPECT_EQ(p->total_amount_fen, 2);
  EXPECT_EQ(p->lines[0].tax_fen, 0);  // 0.02 × 13/113 = 0.0023 → 0
}

TEST(OrderPricingTest, AFullOrderDiscountMakesEveryLineZero) {
  absl::StatusOr<OrderPrice> p = PriceOrder({Line(12345, 2500, 700, 9), Line(1, 1, 0, 0)}, 10000);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->total_amount_fen, 0);
  EXPECT_EQ(p->total_tax_fen, 0);
  for (const LinePrice& l : p->lines) {
    EXPECT_EQ(l.amount_fen, 0);
    EXPECT_EQ(l.order_discount_share_fen, l.amount_before_order_discount_fen);
  }
}

TEST(OrderPricingTest, AThousandthOfAUnitIsPricedToTheFen) {
  // 99.99 × 0.001 = 0.09999 → 0.10
  absl::StatusOr<OrderPrice> p = PriceOrder({Line(9999, 1)}, 0);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->total_amount_fen, 10);
  // 0.0004 → 0.00 under the same rule
  p = PriceOrder({Line(4, 100)}, 0);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->total_amount_fen, 0);
}

TEST(OrderPricingTest, TaxIsInsideTheTaxInclusiveAmount) {
  absl::StatusOr<OrderPrice> p =
      PriceOrder({Line(11300, 1000, 0, 13), Line(10900, 1000, 0, 9), Line(10600, 1000, 0, 6),
                  Line(10300, 1000, 0, 3), Line(10100, 1000, 0, 1), Line(10000, 1000, 0, 0)},
                 0);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->lines[0].tax_fen, 1300);
  EXPECT_EQ(p->lines[1].tax_fen, 900);
  EXPECT_EQ(p->lines[2].tax_fen, 600);
  EXPECT_EQ(p->lines[3].tax_fen, 300);
  EXPECT_EQ(p->lines[4].tax_fen, 100);
  EXPECT_EQ(p->lines[5].tax_fen, 0);
}

TEST(OrderPricingTest, TermsOutOfBoundsNameTheirField) {
  absl::StatusOr<OrderPrice> p = PriceOrder({Line(100, 0), Line(-1, 1000, 10001, 7)}, -5);
  ASSERT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string message(p.status().message());
  for (const char* field :
       {"lines[0].quantity_milli", "lines[1].unit_price", "lines[1].discount_bp",
        "lines[1].vat_rate_percent", "order_discount_bp"}) {
    EXPECT_NE(message.find(field), std::string::npos) << field << " in " << message;
  }
  // The largest order the bounds allow does not overflow.
  std::vector<LineTerms> huge(200, Line(kMaxUnitPriceFen, kMaxQuantityMilli / 1000, 0, 13));
  p = PriceOrder(huge, 1);
  ASSERT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument) << "past the total limit";
  huge.resize(1);
  huge[0].quantity_milli = 1000 * 1000;  // 1,000 units × 100 亿元 = 10^15 fen, the limit
  p = PriceOrder(huge, 1);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->total_amount_fen, 999'900'000'000'000);
}

TEST(OrderPricingTest, RandomOrdersMatchTheReferenceAndAddUp) {
  std::mt19937_64 random(20261206);
  const int32_t rates[] = {13, 9, 6, 3, 1, 0};
  for (int order = 0; order < 2000; ++order) {
    std::vector<LineTerms> lines;
    std::vector<testing::ReferenceLine> reference_lines;
    const int count = 1 + static_cast<int>(random() % 8);
    for (int i = 0; i < count; ++i) {
      LineTerms t;
      // Prices from 0.01 to 100,000 元; a few zero-priced lines (gifts).
      t.unit_price_fen = random() % 20 == 0 ? 0 : 1 + static_cast<int64_t>(random() % 10'000'000);
      t.quantity_milli = 1 + static_cast<int64_t>(random() % 50'000);  // up to 50 units, 3 decimals
      t.discount_bp = random() % 3 == 0 ? 0 : static_cast<int32_t>(random() % 10001);
      t.vat_rate_percent = rates[random() % 6];
      lines.push_back(t);
      reference_lines.push_back(
          {t.unit_price_fen, t.quantity_milli, t.discount_bp, t.vat_rate_percent});
    }
    const int32_t order_discount = random() % 4 == 0 ? 0 : static_cast<int32_t>(random() % 10001);
    absl::StatusOr<OrderPrice> p = PriceOrder(lines, order_discount);
    ASSERT_TRUE(p.ok()) << p.status();
    const testing::ReferencePrice r = testing::ReferencePriceOrder(reference_lines, order_discount);
    ASSERT_EQ(p->total_amount_fen, r.total) << "order " << order;
    ASSERT_EQ(p->total_tax_fen, r.total_tax) << "order " << order;
    for (int i = 0; i < count; ++i) {
      const LinePrice& l = p->lines[i];
      ASSERT_EQ(l.amount_before_order_discount_fen, r.before[i]) << order << "/" << i;
      ASSERT_EQ(l.order_discount_share_fen, r.share[i]) << order << "/" << i;
      ASSERT_EQ(l.amount_fen, r.amount[i]) << order << "/" << i;
      ASSERT_EQ(l.tax_fen, r.tax[i]) << order << "/" << i;
      ASSERT_GE(l.amount_fen, 0);
    }
    ASSERT_EQ(Sum(*p, &LinePrice::amount_fen), p->total_amount_fen);
    ASSERT_EQ(Sum(*p, &LinePrice::tax_fen), p->total_tax_fen);
    ASSERT_EQ(Sum(*p, &LinePrice::amount_before_order_discount_fen) -
                  Sum(*p, &LinePrice::order_discount_share_fen),
              p->total_amount_fen);
  }
}

}  // namespace
}  // namespace crm::sales
