// Order lines as written: each filled from its product and priced.
#pragma once

#include <cstdint>
#include <map>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/base/status_util.h"
#include "crm/sales/v1/order.pb.h"
#include "crm/sales/v1/product.pb.h"
#include "services/sales/stock_repository.h"

namespace crm::sales {

// Copies each line's product onto it (name, model, specification, unit,
// cost price, VAT rate; the list price when the line sets no unit price) and
// prices the order (order_pricing.h): line amounts, taxes and totals.
// NOT_FOUND for a product that does not exist, FAILED_PRECONDITION for a
// discontinued one, each naming the line.
absl::Status CompleteOrderLines(const std::map<int64_t, v1::Product>& products, v1::Order& order);

// Prices the order from its lines' own terms (unit price, quantity,
// discount, VAT rate) and its order discount: line amounts, taxes, totals.
// INVALID_ARGUMENT for terms out of bounds.
absl::Status PriceOrderLines(v1::Order& order);

using Lines = google::protobuf::RepeatedPtrField<v1::OrderLine>;

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
