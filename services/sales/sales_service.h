// crm.sales.v1.SalesService: wires each method to its handler.
#pragma once

#include "absl/time/time.h"
#include "common/feed/change_feed.h"
#include "common/rpc/async_methods.h"
#include "crm/sales/v1/sales_service.grpc.pb.h"
#include "services/sales/approval_handlers.h"
#include "services/sales/approval_repository.h"
#include "services/sales/campaign_handlers.h"
#include "services/sales/campaign_repository.h"
#include "services/sales/contact_record_handlers.h"
#include "services/sales/contact_record_repository.h"
#include "services/sales/contract_handlers.h"
#include "services/sales/contract_repository.h"
#include "services/sales/opportunity_handlers.h"
#include "services/sales/opportunity_repository.h"
#include "services/sales/order_handlers.h"
#include "services/sales/order_repository.h"
#include "services/sales/product_handlers.h"
#include "services/sales/product_repository.h"
#include "services/sales/quote_handlers.h"
#include "services/sales/quote_repository.h"
#include "services/sales/receivable_handlers.h"
#include "services/sales/receivable_repository.h"
#include "services/sales/stock_repository.h"

namespace crm {
class Database;
}

namespace crm::sales {

// What the service needs besides the database.
struct SalesServiceDeps {
  CustomerCheck check_customer;     // customers and contacts, as the caller sees them
  absl::TimeZone zone;              // the company's days (document numbers and dates)
  int stale_opportunity_days = 30;  // no follow-up this long: stale
  // Who approves what (the org service); unset: every submission finds no
  // one to ask (UNAVAILABLE).
  FindApprovers find_approvers = [](const v1::ApprovalStep&, int64_t,
                                    int64_t) -> absl::StatusOr<std::vector<ResolvedApprover>> {
    return absl::UnavailableError("no org service to name approvers");
  };
};

class SalesServiceImpl : public v1::SalesService::AsyncService {
 public:
  // Registers every method's handler in `methods`.
  SalesServiceImpl(Database& db, AsyncMethods& methods, SalesServiceDeps deps);

 private:
  ProductRepository products_;
  StockRepository stock_;
  OrderRepository orders_;
  OpportunityRepository opportunities_;
  ContactRecordRepository contact_records_;
  CampaignRepository campaigns_;
  QuoteRepository quotes_;
  ContractRepository contracts_;
  ReceivableRepository receivables_;
  ApprovalRepository approvals_;
  ProductHandlers product_handlers_;
  OrderHandlers order_handlers_;
  OpportunityHandlers opportunity_handlers_;
  ContactRecordHandlers contact_record_handlers_;
  CampaignHandlers campaign_handlers_;
  QuoteHandlers quote_handlers_;
  ContractHandlers contract_handlers_;
  ReceivableHandlers receivable_handlers_;
  ApprovalHandlers approval_handlers_;
  ChangeLogHandlers change_log_;
};

}  // namespace crm::sales
