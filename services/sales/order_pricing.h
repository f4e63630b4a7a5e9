// The order money rule (order.proto's header states it for API users), in
// integer fen with exact intermediate products: no floating point anywhere.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/base/money.h"  // kBasisPoints, DivideRoundingHalfUp

namespace crm::sales {

inline constexpr int64_t kMilli = 1000;  // quantity_milli per unit
// Bounds that keep every intermediate product inside 128 bits and every
// result inside int64 (enforced by PriceOrder).
inline constexpr int64_t kMaxUnitPriceFen = 1'000'000'000'000;  // 100 亿元
inline constexpr int64_t kMaxQuantityMilli = 1'000'000'000;     // 1,000,000 units
inline constexpr int64_t kMaxOrderTotalFen = 1'000'000'000'000'000;

struct LineTerms {
  int64_t unit_price_fen = 0;  // tax-inclusive
  int64_t quantity_milli = 0;
  int32_t discount_bp = 0;
  int32_t vat_rate_percent = 0;
};

struct LinePrice {
  int64_t amount_before_order_discount_fen = 0;
  int64_t order_discount_share_fen = 0;
  int64_t amount_fen = 0;  // before − share
  int64_t tax_fen = 0;
};

struct OrderPrice {
  std::vector<LinePrice> lines;  // in the order of the terms
  int64_t total_amount_fen = 0;  // Σ lines' amount_fen
  int64_t total_tax_fen = 0;
};

// China's VAT rates: 13, 9, 6, 3, 1 and 0 percent.
bool IsVatRate(int32_t percent);

// Prices the lines under an order discount. INVALID_ARGUMENT (naming
// <document>.lines[i].…) for terms outside their bounds or a total past
// kMaxOrderTotalFen. `document`: "order" or "quote", whose lines these are.
absl::StatusOr<OrderPrice> PriceOrder(const std::vector<LineTerms>& lines,
                                      int32_t order_discount_bp,
                                      absl::string_view document = "order");

}  // namespace crm::sales
