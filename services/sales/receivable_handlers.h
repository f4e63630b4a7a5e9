// Handlers of the receivable methods (回款): field rules, the company's
// calendar (today, this week), paging, and the repository.
#pragma once

#include "common/rpc/call_context.h"
#include "crm/sales/v1/receivable.pb.h"
#include "services/sales/receivable_repository.h"

namespace crm::sales {

class ReceivableHandlers {
 public:
  explicit ReceivableHandlers(ReceivableRepository& receivables) : receivables_(receivables) {}

  absl::Status SetPaymentPlan(const CallContext& call, const v1::SetPaymentPlanRequest& request,
                              v1::PaymentPlan* response);
  absl::Status GetPaymentPlan(const CallContext& call, const v1::GetPaymentPlanRequest& request,
                              v1::PaymentPlan* response);
  absl::Status RecordReceipt(const CallContext& call, const v1::RecordReceiptRequest& request,
                             v1::Receipt* response);
  absl::Status RecordRefund(const CallContext& call, const v1::RecordRefundRequest& request,
                            v1::Receipt* response);
  absl::Status VoidReceipt(const CallContext& call, const v1::VoidReceiptRequest& request,
                           v1::Receipt* response);
  absl::Status ListReceipts(const CallContext& call, const v1::ListReceiptsRequest& request,
                            v1::ListReceiptsResponse* response);
  absl::Status CreateInvoice(const CallContext& call, const v1::CreateInvoiceRequest& request,
                             v1::Invoice* response);
  absl::Status ListInvoices(const CallContext& call, const v1::ListInvoicesRequest& request,
                            v1::ListInvoicesResponse* response);
  absl::Status ListReceivables(const CallContext& call, const v1::ListReceivablesRequest& request,
                               v1::ListReceivablesResponse* response);
  absl::Status ListOverdueInstalments(const CallContext& call,
                                      const v1::ListOverdueInstalmentsRequest& request,
                                      v1::ListOverdueInstalmentsResponse* response);
  absl::Status ListInstalmentsDueThisWeek(const CallContext& call,
                                          const v1::ListInstalmentsDueThisWeekRequest& request,
                                          v1::ListInstalmentsDueThisWeekResponse* response);

 private:
  ReceivableRepository& receivables_;
};

}  // namespace crm::sales
