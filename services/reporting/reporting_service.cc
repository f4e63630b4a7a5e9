// ReportingServiceImpl: method registration.
#include "services/reporting/reporting_service.h"

#include "common/rpc/service_methods.h"

namespace crm::reporting {

ReportingServiceImpl::ReportingServiceImpl(Database& db, AsyncMethods& methods, Deps deps)
    : reports_(db, deps.zone),
      report_handlers_(reports_, std::move(deps.progress)),
      exports_(report_handlers_, reports_),
      reminders_(reports_, std::move(deps.sales), std::move(deps.customers), deps.zone),
      change_log_(db) {
  ServiceMethods<ReportingServiceImpl> m(methods, this, v1::ReportingService::service_full_name());
  ReportHandlers* r = &report_handlers_;
  // The read model.
  CRM_METHOD(m, GetFeedStatus, r);
  CRM_METHOD(m, RebuildReadModel, r);
  // Reports (R33, R34, R36, R38).
  CRM_METHOD(m, GetCustomerComposition, r);
  CRM_METHOD(m, GetSalesReport, r);
  CRM_METHOD(m, GetAbcAnalysis, r);
  CRM_METHOD(m, GetProductSales, r);
  CRM_METHOD(m, GetSalesFunnel, r);
  // Service and the dashboard (R37, R40, R41).
  CRM_METHOD(m, GetServiceReport, r);
  CRM_METHOD(m, GetSatisfactionReport, r);
  CRM_METHOD(m, GetDashboard, r);
  // People (R37, R39).
  CRM_METHOD(m, GetChurnList, r);
  CRM_METHOD(m, GetSalesPersonEvaluation, r);
  // Receivables and campaigns.
  CRM_METHOD(m, GetReceivablesReport, r);
  CRM_METHOD(m, GetCollectionsReport, r);
  CRM_METHOD(m, GetCampaignReturn, r);
  // Customers (R37, R39) and planning (R35).
  CRM_METHOD(m, GetGradeChanges, r);
  CRM_METHOD(m, GetCustomerContribution, r);
  CRM_METHOD(m, GetSeasonalIndex, r);
  CRM_METHOD(m, SetSalesTargets, r);
  CRM_METHOD(m, GetTargetAttainment, r);
  // One reminder feed per person (R43).
  CRM_METHOD(m, ListMyReminders, &reminders_);
  // Exports (R32).
  CRM_METHOD(m, ExportReport, &exports_);
  AddChangeLogMethods(m, &change_log_);
}

}  // namespace crm::reporting
