// Method registration: one line per method, and the start-up check that
// every method of the service's proto is wired exactly once.
#include "common/rpc/service_methods.h"

#include <gtest/gtest.h>

#include "common/auth/identity.h"
#include "crm/reporting/v1/reporting_service.grpc.pb.h"

namespace crm {
namespace {

// The reporting service's methods, each with a handler that does nothing.
using Reporting = reporting::v1::ReportingService;
namespace rv1 = reporting::v1;

#define CRM_NOOP_HANDLER(Method, Request, Response) \
  absl::Status Method(const CallContext&, const Request&, Response*) { return absl::OkStatus(); }

class Handlers {
 public:
  CRM_NOOP_HANDLER(GetFeedStatus, rv1::GetFeedStatusRequest, rv1::GetFeedStatusResponse)
  CRM_NOOP_HANDLER(RebuildReadModel, rv1::RebuildReadModelRequest, rv1::RebuildReadModelResponse)
  CRM_NOOP_HANDLER(GetCustomerComposition, rv1::GetCustomerCompositionRequest,
                   rv1::CustomerComposition)
  CRM_NOOP_HANDLER(GetSalesReport, rv1::GetSalesReportRequest, rv1::SalesReport)
  CRM_NOOP_HANDLER(GetAbcAnalysis, rv1::GetAbcAnalysisRequest, rv1::AbcAnalysis)
  CRM_NOOP_HANDLER(GetProductSales, rv1::GetProductSalesRequest, rv1::ProductSales)
  CRM_NOOP_HANDLER(GetSalesFunnel, rv1::GetSalesFunnelRequest, rv1::SalesFunnel)
  CRM_NOOP_HANDLER(GetServiceReport, rv1::GetServiceReportRequest, rv1::ServiceReport)
  CRM_NOOP_HANDLER(GetSatisfactionReport, rv1::GetSatisfactionReportRequest,
                   rv1::SatisfactionReport)
  CRM_NOOP_HANDLER(GetDashboard, rv1::GetDashboardRequest, rv1::Dashboard)
  CRM_NOOP_HANDLER(ListMyReminders, rv1::ListMyRemindersRequest, rv1::ListMyRemindersResponse)
  CRM_NOOP_HANDLER(GetChurnList, rv1::GetChurnListRequest, rv1::ChurnList)
  CRM_NOOP_HANDLER(GetSalesPersonEvaluation, rv1::GetSalesPersonEvaluationRequest,
                   rv1::SalesPersonEvaluation)
  CRM_NOOP_HANDLER(GetReceivablesReport, rv1::GetReceivablesReportRequest, rv1::ReceivablesReport)
  CRM_NOOP_HANDLER(GetCollectionsReport, rv1::GetCollectionsReportRequest, rv1::CollectionsReport)
  CRM_NOOP_HANDLER(GetCampaignReturn, rv1::GetCampaignReturnRequest, rv1::CampaignReturn)
  CRM_NOOP_HANDLER(GetGradeChanges, rv1::GetGradeChangesRequest, rv1::GradeChanges)
  CRM_NOOP_HANDLER(GetCustomerContribution, rv1::GetCustomerContributionRequest,
                   rv1::CustomerContribution)
  CRM_NOOP_HANDLER(GetSeasonalIndex, rv1::GetSeasonalIndexRequest, rv1::SeasonalIndex)
  CRM_NOOP_HANDLER(SetSalesTargets, rv1::SetSalesTargetsRequest, rv1::SetSalesTargetsResponse)
  CRM_NOOP_HANDLER(GetTargetAttainment, rv1::GetTargetAttainmentRequest, rv1::TargetAttainment)
  absl::StatusOr<std::unique_ptr<ServerStreamHandler<rv1::ExportChunk>>> ExportReport(
      const CallContext&, const rv1::ExportReportRequest&) {
    return absl::UnimplementedError("not in this test");
  }
  CRM_NOOP_HANDLER(ListChanges, common::v1::ListChangesRequest, common::v1::ListChangesResponse)
  CRM_NOOP_HANDLER(ListAuditEvents, common::v1::ListAuditEventsRequest,
                   common::v1::ListAuditEventsResponse)
};
#undef CRM_NOOP_HANDLER

class ReportingService : public Reporting::AsyncService {};

// Wires every method but the change log's two (which each test wires itself).
void WireReports(ServiceMethods<ReportingService>& m, Handlers* handlers) {
  CRM_METHOD(m, GetFeedStatus, handlers);
  CRM_METHOD(m, RebuildReadModel, handlers);
  CRM_METHOD(m, GetCustomerComposition, handlers);
  CRM_METHOD(m, GetSalesReport, handlers);
  CRM_METHOD(m, GetAbcAnalysis, handlers);
  CRM_METHOD(m, GetProductSales, handlers);
  CRM_METHOD(m, GetSalesFunnel, handlers);
  CRM_METHOD(m, GetServiceReport, handlers);
  CRM_METHOD(m, GetSatisfactionReport, handlers);
  CRM_METHOD(m, GetDashboard, handlers);
  CRM_METHOD(m, ListMyReminders, handlers);
  CRM_METHOD(m, GetChurnList, handlers);
  CRM_METHOD(m, GetSalesPersonEvaluation, handlers);
  CRM_METHOD(m, GetReceivablesReport, handlers);
  CRM_METHOD(m, GetCollectionsReport, handlers);
  CRM_METHOD(m, GetCampaignReturn, handlers);
  CRM_METHOD(m, GetGradeChanges, handlers);
  CRM_METHOD(m, GetCustomerContribution, handlers);
  CRM_METHOD(m, GetSeasonalIndex, handlers);
  CRM_METHOD(m, SetSalesTargets, handlers);
  CRM_METHOD(m, GetTargetAttainment, handlers);
  CRM_METHOD(m, ExportReport, handlers);
}

TEST(ServiceMethodsTest, EveryMethodWiredOnceIsComplete) {
  IdentityKey key;
  AsyncMethods methods(key);
  ReportingService service;
  Handlers handlers;
  ServiceMethods<ReportingService> m(methods, &service, Reporting::service_full_name());
  WireReports(m, &handlers);
  CRM_METHOD(m, ListChanges, &handlers);
  CRM_METHOD(m, ListAuditEvents, &handlers);
  EXPECT_TRUE(methods.CheckComplete().ok()) << methods.CheckComplete();
}

TEST(ServiceMethodsTest, AMethodLeftUnwiredIsNamed) {
  IdentityKey key;
  AsyncMethods methods(key);
  ReportingService service;
  Handlers handlers;
  ServiceMethods<ReportingService> m(methods, &service, Reporting::service_full_name());
  WireReports(m, &handlers);
  CRM_METHOD(m, ListChanges, &handlers);
  const absl::Status status = methods.CheckComplete();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(
      status.message().find("crm.reporting.v1.ReportingService has no handler for ListAuditEvents"),
      absl::string_view::npos)
      << status;
}

TEST(ServiceMethodsTest, AMethodWiredTwiceIsNamed) {
  IdentityKey key;
  AsyncMethods methods(key);
  ReportingService service;
  Handlers handlers;
  ServiceMethods<ReportingService> m(methods, &service, Reporting::service_full_name());
  WireReports(m, &handlers);
  CRM_METHOD(m, ListChanges, &handlers);
  CRM_METHOD(m, ListChanges, &handlers);
  CRM_METHOD(m, ListAuditEvents, &handlers);
  const absl::Status status = methods.CheckComplete();
  EXPECT_NE(status.message().find("ListChanges is registered 2 times"), absl::string_view::npos)
      << status;
}

TEST(ServiceMethodsTest, TheWrongServiceNameIsCaught) {
  IdentityKey key;
  AsyncMethods methods(key);
  ReportingService service;
  Handlers handlers;
  ServiceMethods<ReportingService> m(methods, &service, "crm.reporting.v1.NoSuchService");
  WireReports(m, &handlers);
  CRM_METHOD(m, ListChanges, &handlers);
  CRM_METHOD(m, ListAuditEvents, &handlers);
  EXPECT_EQ(methods.CheckComplete().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace crm
