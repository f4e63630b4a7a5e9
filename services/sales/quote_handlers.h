// Handlers of the quote methods (R16): validation, the customer check, the
// status steps and the conversion into an order.
#pragma once

#include "common/clients/customer_check.h"
#include "common/rpc/call_context.h"
#include "crm/sales/v1/quote.pb.h"
#include "services/sales/quote_repository.h"

namespace crm::sales {

class QuoteHandlers {
 public:
  QuoteHandlers(QuoteRepository& quotes, CustomerCheck check_customer)
      : quotes_(quotes), check_customer_(std::move(check_customer)) {}

  absl::Status CreateQuote(const CallContext& call, const v1::CreateQuoteRequest& request,
                           v1::Quote* response);
  absl::Status GetQuote(const CallContext& call, const v1::GetQuoteRequest& request,
                        v1::Quote* response);
  absl::Status UpdateQuote(const CallContext& call, const v1::UpdateQuoteRequest& request,
                           v1::Quote* response);
  absl::Status ListQuotes(const CallContext& call, const v1::ListQuotesRequest& request,
                          v1::ListQuotesResponse* response);
  absl::Status SendQuote(const CallContext& call, const v1::SendQuoteRequest& request,
                         v1::Quote* response);
  absl::Status RejectQuote(const CallContext& call, const v1::RejectQuoteRequest& request,
                           v1::Quote* response);
  absl::Status ConvertQuoteToOrder(const CallContext& call,
                                   const v1::ConvertQuoteToOrderRequest& request,
                                   v1::Order* response);

 private:
  QuoteRepository& quotes_;
  CustomerCheck check_customer_;
};

}  // namespace crm::sales
