// PriceOrder: per-line rounding, then the order discount spread by largest
// remainder.
#include "services/sales/order_pricing.h"

#include <algorithm>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"

namespace crm::sales {
namespace {

absl::Status CheckTerms(const std::vector<LineTerms>& lines, int32_t order_discount_bp,
                        absl::string_view document) {
  FieldViolations v;
  for (size_t i = 0; i < lines.size(); ++i) {
    const LineTerms& t = lines[i];
    const std::string at = absl::StrCat(document, ".lines[", i, "].");
    if (t.unit_price_fen < 0 || t.unit_price_fen > kMaxUnitPriceFen) {
      v.Add(at + "unit_price", absl::StrCat("must be 0 to ", kMaxUnitPriceFen, " fen"));
    }
    if (t.quantity_milli <= 0 || t.quantity_milli > kMaxQuantityMilli) {
      v.Add(at + "quantity_milli",
            absl::StrCat("must be 1 to ", kMaxQuantityMilli, " (thousandths of the unit)"));
    }
    if (t.discount_bp < 0 || t.discount_bp > kBasisPoints) {
      v.Add(at + "discount_bp", "must be 0 to 10000 basis points");
    }
    if (!IsVatRate(t.vat_rate_percent)) {
      v.Add(at + "vat_rate_percent", "must be 13, 9, 6, 3, 1 or 0");
    }
  }
  if (order_discount_bp < 0 || order_discount_bp > kBasisPoints) {
    v.Add(absl::StrCat(document, ".order_discount_bp"), "must be 0 to 10000 basis points");
  }
  return v.ToStatus();
}

}  // namespace

bool IsVatRate(int32_t percent) {
  for (int32_t rate : {13, 9, 6, 3, 1, 0}) {
    if (percent == rate) return true;
  }
  return false;
}

absl::StatusOr<OrderPrice> PriceOrder(const std::vector<LineTerms>& lines,
                                      int32_t order_discount_bp, absl::string_view document) {
  CRM_RETURN_IF_ERROR(CheckTerms(lines, order_discount_bp, document));
  OrderPrice price;
  price.lines.resize(lines.size());
  __int128 gross = 0;  // Σ amounts before the order discount
  for (size_t i = 0; i < lines.size(); ++i) {
    const LineTerms& t = lines[i];
    // price × quantity / 1000 × (10000 − discount) / 10000, rounded once.
    const __int128 exact =
        static_cast<__int128>(t.unit_price_fen) * t.quantity_milli * (kBasisPoints - t.discount_bp);
    price.lines[i].amount_before_order_discount_fen =
        DivideRoundingHalfUp(exact, static_cast<__int128>(kMilli) * kBasisPoints);
    gross += price.lines[i].amount_before_order_discount_fen;
  }
  if (gross > kMaxOrderTotalFen) {
    return InvalidField(absl::StrCat(document, ".lines"),
                        absl::StrCat("the ", document, "'s total is past the limit of ",
                                     kMaxOrderTotalFen, " fen"));
  }
  const int64_t total =
      DivideRoundingHalfUp(gross * (kBasisPoints - order_discount_bp), kBasisPoints);
  const int64_t discount = static_cast<int64_t>(gross) - total;

  // Each line's share is amount × discount / gross, by largest remainder
  // so the shares add up to the discount (ties: the earlier line).
  std::vector<int64_t> amounts;
  for (const LinePrice& line : price.lines)
    amounts.push_back(line.amount_before_order_discount_fen);
  const std::vector<int64_t> shares = ShareByLargestRemainder(discount, amounts);
  for (size_t i = 0; i < lines.size(); ++i) price.lines[i].order_discount_share_fen = shares[i];

  for (size_t i = 0; i < lines.size(); ++i) {
    LinePrice& line = price.lines[i];
    line.amount_fen = line.amount_before_order_discount_fen - line.order_discount_share_fen;
    const int32_t rate = lines[i].vat_rate_percent;
    line.tax_fen = DivideRoundingHalfUp(static_cast<__int128>(line.amount_fen) * rate, 100 + rate);
    price.total_amount_fen += line.amount_fen;
    price.total_tax_fen += line.tax_fen;
  }
  return price;
}

}  // namespace crm::sales
