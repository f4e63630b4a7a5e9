// CompleteOrderLines: product snapshot, then PriceOrder.
#include "services/sales/order_lines.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"
#include "services/sales/money.h"
#include "services/sales/order_pricing.h"

namespace crm::sales {

void CopyLineTerms(const Lines& from, Lines& to) {
  to.Clear();
  for (const v1::OrderLine& given : from) {
    v1::OrderLine& line = *to.Add();
    line.set_product_id(given.product_id());
    if (given.has_unit_price()) *line.mutable_unit_price() = given.unit_price();
    line.set_quantity_milli(given.quantity_milli());
    line.set_discount_bp(given.discount_bp());
  }
}

void CheckLineTerms(FieldViolations& v, absl::string_view document, const Lines& lines,
                    int32_t order_discount_bp) {
  if (lines.empty() || lines.size() > kMaxLines) {
    v.Add(absl::StrCat(document, ".lines"),
          absl::StrCat("a", document == "order" ? "n " : " ", document, " has 1 to ", kMaxLines,
                       " lines"));
  }
  for (int i = 0; i < lines.size(); ++i) {
    const v1::OrderLine& line = lines.Get(i);
    const std::string at = absl::StrCat(document, ".lines[", i, "].");
    if (line.product_id() <= 0) v.Add(at + "product_id", "must be a positive product id");
    if (line.has_unit_price()) {
      CheckPrice(v, at + "unit_price", line.unit_price(), kMaxUnitPriceFen);
    }
    if (line.quantity_milli() <= 0 || line.quantity_milli() > kMaxQuantityMilli) {
      v.Add(at + "quantity_milli",
            absl::StrCat("must be 1 to ", kMaxQuantityMilli, " (thousandths of the unit)"));
    }
    if (line.discount_bp() < 0 || line.discount_bp() > kBasisPoints) {
      v.Add(at + "discount_bp", "must be 0 to 10000 basis points");
    }
  }
  if (order_discount_bp < 0 || order_discount_bp > kBasisPoints) {
    v.Add(absl::StrCat(document, ".order_discount_bp"), "must be 0 to 10000 basis points");
  }
}

absl::Status CompleteLines(const std::map<int64_t, v1::Product>& products,
                           absl::string_view document, Lines& lines) {
  for (int i = 0; i < lines.size(); ++i) {
    v1::OrderLine& line = *lines.Mutable(i);
    const auto found = products.find(line.product_id());
    const std::string field = absl::StrCat(document, ".lines[", i, "].product_id");
    if (found == products.end()) {
      return absl::NotFoundError(
          absl::StrCat(field, ": product ", line.product_id(), " not found"));
    }
    const v1::Product& product = found->second;
    if (product.discontinued()) {
      return absl::FailedPreconditionError(absl::StrCat(field, ": product ", product.id(), " (",
                                                        product.name(), ") is discontinued"));
    }
    line.set_product_name(product.name());
    line.set_model(product.model());
    line.set_specification(product.specification());
    line.set_unit(product.unit());
    *line.mutable_cost_price() = product.cost_price();
    line.set_vat_rate_percent(product.vat_rate_percent());
    if (!line.has_unit_price()) *line.mutable_unit_price() = product.list_price();
  }
  return absl::OkStatus();
}

absl::StatusOr<DocumentTotals> PriceLines(absl::string_view document, int32_t order_discount_bp,
                                          Lines& lines) {
  std::vector<LineTerms> terms;
  terms.reserve(lines.size());
  for (const v1::OrderLine& line : lines) {
    terms.push_back(LineTerms{line.unit_price().minor_units(), line.quantity_milli(),
                              line.discount_bp(), line.vat_rate_percent()});
  }
  CRM_ASSIGN_OR_RETURN(const OrderPrice price, PriceOrder(terms, order_discount_bp, document));
  for (int i = 0; i < lines.size(); ++i) {
    v1::OrderLine& line = *lines.Mutable(i);
    const LinePrice& p = price.lines[i];
    *line.mutable_unit_price() = Fen(line.unit_price().minor_units());
    *line.mutable_amount_before_order_discount() = Fen(p.amount_before_order_discount_fen);
    *line.mutable_order_discount_share() = Fen(p.order_discount_share_fen);
    *line.mutable_amount() = Fen(p.amount_fen);
    *line.mutable_tax() = Fen(p.tax_fen);
  }
  return DocumentTotals{price.total_amount_fen, price.total_tax_fen};
}

absl::Status CompleteOrderLines(const std::map<int64_t, v1::Product>& products, v1::Order& order) {
  CRM_RETURN_IF_ERROR(CompleteLines(products, "order", *order.mutable_lines()));
  return PriceOrderLines(order);
}

absl::Status PriceOrderLines(v1::Order& order) {
  CRM_ASSIGN_OR_RETURN(const DocumentTotals totals,
                       PriceLines("order", order.order_discount_bp(), *order.mutable_lines()));
  *order.mutable_total_amount() = Fen(totals.amount_fen);
  *order.mutable_total_tax() = Fen(totals.tax_fen);
  return absl::OkStatus();
}

ProductQuantities Undelivered(const v1::Order& order) {
  ProductQuantities quantities;
  for (const v1::OrderLine& line : order.lines()) {
    const int64_t left = line.quantity_milli() - line.delivered_milli();
    if (left > 0) quantities[line.product_id()] += left;
  }
  return quantities;
}

}  // namespace crm::sales
