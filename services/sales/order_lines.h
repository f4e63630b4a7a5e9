// The lines of orders and quotes as written: each filled from its product
// and priced by the order rule.
#pragma once

#include <cstdint>
#include <map>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/base/status_util.h"
#include "crm/sales/v1/order.pb.h"
#include "crm/sales/v1/product.pb.h"
#include "services/sales/document_lines.h"
#include "services/sales/stock_repository.h"

namespace crm::sales {

// Copies each line's product onto it (name, model, specification, unit,
// cost price, VAT rate; the list price when the line sets no unit price).
// NOT_FOUND for a product that does not exist, FAILED_PRECONDITION for a
// discontinued one, each naming <document>.lines[i].product_id.
absl::Status CompleteLines(const std::map<int64_t, v1::Product>& products,
                           absl::string_view document, Lines& lines);

struct DocumentTotals {
  int64_t amount_fen = 0;
  int64_t tax_fen = 0;
};

// Prices a document's lines from their own terms (unit price, quantity,
// discount, VAT rate) under its order discount (order_pricing.h): line
// amounts and taxes in place, the totals returned. INVALID_ARGUMENT naming
// <document>.… for terms out of bounds.
absl::StatusOr<DocumentTotals> PriceLines(absl::string_view document, int32_t order_discount_bp,
                                          Lines& lines);

// The two above for an order: completed, then priced, totals set.
absl::Status CompleteOrderLines(const std::map<int64_t, v1::Product>& products, v1::Order& order);
// PriceLines for an order, its totals set.
absl::Status PriceOrderLines(v1::Order& order);

// At most this many lines in an order or a quote.
inline constexpr int kMaxLines = 200;

// The lines as a caller writes them: product, unit price, quantity,
// discount (every other field is the server's).
void CopyLineTerms(const Lines& from, Lines& to);

// Adds to `v` what is wrong with a document's lines as a caller writes them
// (1..kMaxLines; product, unit price, quantity, discount) and its order
// discount, naming fields under `document` ("order", "quote").
void CheckLineTerms(FieldViolations& v, absl::string_view document, const Lines& lines,
                    int32_t order_discount_bp);

// What the order's lines still hold or need, per product: quantity minus
// what was delivered.
ProductQuantities Undelivered(const v1::Order& order);

}  // namespace crm::sales
