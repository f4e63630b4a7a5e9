// SalesServiceImpl: method registration.
#include "services/sales/sales_service.h"

#include "common/rpc/service_methods.h"

namespace crm::sales {

SalesServiceImpl::SalesServiceImpl(Database& db, AsyncMethods& methods, SalesServiceDeps deps)
    : products_(db),
      stock_(db),
      orders_(db, deps.zone),
      opportunities_(db, deps.zone),
      contact_records_(db),
      campaigns_(db),
      quotes_(db, orders_, deps.zone),
      contracts_(db, deps.zone),
      receivables_(db, deps.zone),
      approvals_(db),
      product_handlers_(products_, stock_),
      order_handlers_(orders_, campaigns_, deps.check_customer),
      opportunity_handlers_(opportunities_, campaigns_, deps.check_customer,
                            deps.stale_opportunity_days),
      contact_record_handlers_(contact_records_, deps.check_customer, deps.zone),
      campaign_handlers_(campaigns_, deps.check_customer),
      quote_handlers_(quotes_, deps.check_customer),
      contract_handlers_(contracts_, deps.check_customer),
      receivable_handlers_(receivables_),
      approval_handlers_(approvals_, std::move(deps.find_approvers)),
      change_log_(db) {
  ServiceMethods<SalesServiceImpl> m(methods, this, v1::SalesService::service_full_name());
  // Products and stock (R11).
  ProductHandlers* p = &product_handlers_;
  CRM_METHOD(m, CreateProduct, p);
  CRM_METHOD(m, GetProduct, p);
  CRM_METHOD(m, UpdateProduct, p);
  CRM_METHOD(m, ListProducts, p);
  CRM_METHOD(m, RecordStockMovement, p);
  CRM_METHOD(m, ListStockMovements, p);
  CRM_METHOD(m, GetInventory, p);
  CRM_METHOD(m, ListLowStock, p);
  // The pipeline and opportunities (R12).
  OpportunityHandlers* op = &opportunity_handlers_;
  CRM_METHOD(m, ListPipelineStages, op);
  CRM_METHOD(m, SetPipelineStage, op);
  CRM_METHOD(m, CreateOpportunity, op);
  CRM_METHOD(m, GetOpportunity, op);
  CRM_METHOD(m, UpdateOpportunity, op);
  CRM_METHOD(m, CloseOpportunity, op);
  CRM_METHOD(m, ListOpportunities, op);
  CRM_METHOD(m, ListOpportunityHistory, op);
  CRM_METHOD(m, ListStaleOpportunities, op);
  CRM_METHOD(m, GetForecast, op);
  // Contact records (R13) and reminders (R43).
  ContactRecordHandlers* cr = &contact_record_handlers_;
  CRM_METHOD(m, CreateContactRecord, cr);
  CRM_METHOD(m, GetContactRecord, cr);
  CRM_METHOD(m, UpdateContactRecord, cr);
  CRM_METHOD(m, ListContactRecords, cr);
  CRM_METHOD(m, ListMyReminders, cr);
  // Orders (R14).
  OrderHandlers* o = &order_handlers_;
  CRM_METHOD(m, CreateOrder, o);
  CRM_METHOD(m, GetOrder, o);
  CRM_METHOD(m, UpdateOrder, o);
  CRM_METHOD(m, ListOrders, o);
  CRM_METHOD(m, ConfirmOrder, o);
  CRM_METHOD(m, DeliverOrder, o);
  CRM_METHOD(m, CancelOrder, o);
  // Quotes and contracts (R16).
  QuoteHandlers* q = &quote_handlers_;
  CRM_METHOD(m, CreateQuote, q);
  CRM_METHOD(m, GetQuote, q);
  CRM_METHOD(m, UpdateQuote, q);
  CRM_METHOD(m, ListQuotes, q);
  CRM_METHOD(m, SendQuote, q);
  CRM_METHOD(m, RejectQuote, q);
  CRM_METHOD(m, ConvertQuoteToOrder, q);
  ContractHandlers* k = &contract_handlers_;
  CRM_METHOD(m, CreateContract, k);
  CRM_METHOD(m, GetContract, k);
  CRM_METHOD(m, UpdateContract, k);
  CRM_METHOD(m, ListContracts, k);
  CRM_METHOD(m, SignContract, k);
  CRM_METHOD(m, CloseContract, k);
  // Receivables (回款) of contracts.
  ReceivableHandlers* r = &receivable_handlers_;
  CRM_METHOD(m, SetPaymentPlan, r);
  CRM_METHOD(m, GetPaymentPlan, r);
  CRM_METHOD(m, RecordReceipt, r);
  CRM_METHOD(m, RecordRefund, r);
  CRM_METHOD(m, VoidReceipt, r);
  CRM_METHOD(m, ListReceipts, r);
  CRM_METHOD(m, CreateInvoice, r);
  CRM_METHOD(m, ListInvoices, r);
  CRM_METHOD(m, ListReceivables, r);
  CRM_METHOD(m, ListOverdueInstalments, r);
  CRM_METHOD(m, ListInstalmentsDueThisWeek, r);
  // Campaigns (R15).
  CampaignHandlers* ca = &campaign_handlers_;
  CRM_METHOD(m, CreateCampaign, ca);
  CRM_METHOD(m, GetCampaign, ca);
  CRM_METHOD(m, UpdateCampaign, ca);
  CRM_METHOD(m, ListCampaigns, ca);
  CRM_METHOD(m, GetCampaignResults, ca);
  // Approvals (审批).
  ApprovalHandlers* a = &approval_handlers_;
  CRM_METHOD(m, SetApprovalRule, a);
  CRM_METHOD(m, ListApprovalRules, a);
  CRM_METHOD(m, SubmitForApproval, a);
  CRM_METHOD(m, DecideApproval, a);
  CRM_METHOD(m, ListMyApprovals, a);
  CRM_METHOD(m, GetApproval, a);
  CRM_METHOD(m, ListApprovals, a);
  AddChangeLogMethods(m, &change_log_);
}

}  // namespace crm::sales
