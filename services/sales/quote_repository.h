// SQL for quotes (R16) and their lines, under row-level visibility like
// orders; a quote is accepted by becoming an order in one transaction.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/keyset_page.h"
#include "common/db/visibility.h"
#include "common/rpc/call_context.h"
#include "crm/sales/v1/product.pb.h"
#include "crm/sales/v1/quote.pb.h"
#include "services/sales/order_repository.h"

namespace crm::sales {

// Lets a quote step edit the quote (loaded and locked) in its transaction.
using QuoteEdit = std::function<absl::Status(MySqlConnection&, v1::Quote&)>;

class QuoteRepository {
 public:
  // `zone`: the company's, for the day in a quote number and "today".
  QuoteRepository(Database& db, OrderRepository& orders, absl::TimeZone zone)
      : db_(db), orders_(orders), zone_(zone) {}

  // Creates a draft from `quote` (validated): lines completed from the
  // products and priced, dates defaulted, the caller the owner, the number
  // the next of the day. A retry with the same request id returns the first.
  absl::StatusOr<v1::Quote> Create(const CallContext& call, const v1::Quote& quote,
                                   const std::string& request_id);
  absl::StatusOr<v1::Quote> Get(const CallContext& call, int64_t id);
  // Locks the quote, checks `etag`, lets `edit` change it, writes it back
  // (its lines too when `new_lines`).
  absl::StatusOr<v1::Quote> Update(const CallContext& call, int64_t id, const std::string& etag,
                                   const QuoteEdit& edit, bool new_lines);
  absl::StatusOr<Page<v1::Quote>> List(const CallContext& call, int64_t customer_id,
                                       v1::QuoteStatus status, int page_size,
                                       std::optional<int64_t> before_id);
  // Makes a DRAFT order of quote `id` (DRAFT or SENT, still valid) with its
  // lines as quoted and marks the quote ACCEPTED with the order's id, in one
  // transaction. A retry with the same request id returns the same order.
  absl::StatusOr<v1::Order> ConvertToOrder(const CallContext& call, int64_t id,
                                           const std::string& request_id,
                                           const std::string& delivery_date);

  absl::TimeZone zone() const { return zone_; }

 private:
  Database& db_;
  OrderRepository& orders_;
  absl::TimeZone zone_;
};

// The quote with its lines if in `scope`, locked when `for_update`; null
// otherwise (for approvals, inside their transaction).
std::unique_ptr<v1::Quote> LoadQuoteRow(MySqlConnection& connection, const VisibilityScope& scope,
                                        int64_t id, bool for_update);

// Prices the quote by the order rule (order_lines.h) from its lines' own
// terms; with `products`, first completes the lines from them.
absl::Status PriceQuote(v1::Quote& quote, const std::map<int64_t, v1::Product>* products);

}  // namespace crm::sales
