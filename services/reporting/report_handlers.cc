// ReportHandlers.
#include "services/reporting/report_handlers.h"

#include "common/base/logging.h"
#include "common/base/status_util.h"

namespace crm::reporting {

absl::Status ReportHandlers::GetFeedStatus(const CallContext& call, const v1::GetFeedStatusRequest&,
                                           v1::GetFeedStatusResponse* response) {
  CRM_ASSIGN_OR_RETURN(*response, reports_.FeedPositions(call));
  for (v1::FeedStatus& feed : *response->mutable_feeds()) {
    auto consumer = progress_.find(feed.feed());
    if (consumer == progress_.end()) continue;
    feed.set_lag_seconds(consumer->second->lag_seconds());
    feed.set_failed_polls(consumer->second->errors());
  }
  return absl::OkStatus();
}

absl::Status ReportHandlers::RebuildReadModel(const CallContext& call,
                                              const v1::RebuildReadModelRequest&,
                                              v1::RebuildReadModelResponse*) {
  CRM_RETURN_IF_ERROR(reports_.Rebuild(call));
  log::Info("the read model was emptied for a rebuild from sequence 0", {{"by", call.actor}});
  return absl::OkStatus();
}

absl::Status ReportHandlers::GetCustomerComposition(
    const CallContext& call, const v1::GetCustomerCompositionRequest& request,
    v1::CustomerComposition* response) {
  CRM_ASSIGN_OR_RETURN(*response, reports_.CustomerComposition(call, request.dimension()));
  return absl::OkStatus();
}

absl::Status ReportHandlers::GetSalesReport(const CallContext& call,
                                            const v1::GetSalesReportRequest& request,
                                            v1::SalesReport* response) {
  CRM_ASSIGN_OR_RETURN(const DaySpan period, CheckPeriod(request.period(), "period"));
  CRM_ASSIGN_OR_RETURN(*response,
                       reports_.Sales(call, period, request.bucket(), request.grouping()));
  return absl::OkStatus();
}

absl::Status ReportHandlers::GetAbcAnalysis(const CallContext& call,
                                            const v1::GetAbcAnalysisRequest& request,
                                            v1::AbcAnalysis* response) {
  FieldViolations violations;
  const absl::StatusOr<DaySpan> period = CheckPeriod(request.period(), "period");
  if (!period.ok()) {
    for (const auto& [field, description] : FieldViolationsOf(period.status())) {
      violations.Add(field, description);
    }
  }
  AbcCutoffs cutoffs;
  if (request.a_percent() != 0) cutoffs.a_percent = request.a_percent();
  if (request.b_percent() != 0) cutoffs.b_percent = request.b_percent();
  if (cutoffs.a_percent < 1 || cutoffs.a_percent > 99) {
    violations.Add("a_percent", "must be 1 to 99");
  } else if (cutoffs.b_percent < 1 || cutoffs.a_percent + cutoffs.b_percent > 100) {
    violations.Add("b_percent", "must be at least 1, and a_percent + b_percent at most 100");
  }
  absl::StatusOr<PageRequest> page =
      PageRequest::ForRequest(request, "abc", PageLimits{100, 1000}, &violations);
  if (!violations.empty()) return violations.ToStatus();
  if (!page.ok()) return page.status();
  CRM_ASSIGN_OR_RETURN(*response, reports_.Abc(call, *period, cutoffs, *page));
  return absl::OkStatus();
}

absl::Status ReportHandlers::GetSalesFunnel(const CallContext& call,
                                            const v1::GetSalesFunnelRequest& request,
                                            v1::SalesFunnel* response) {
  CRM_ASSIGN_OR_RETURN(const DaySpan period, CheckPeriod(request.period(), "period"));
  CRM_ASSIGN_OR_RETURN(*response, reports_.Funnel(call, period));
  return absl::OkStatus();
}

absl::Status ReportHandlers::GetServiceReport(const CallContext& call,
                                              const v1::GetServiceReportRequest& request,
                                              v1::ServiceReport* response) {
  CRM_ASSIGN_OR_RETURN(const DaySpan period, CheckPeriod(request.period(), "period"));
  CRM_ASSIGN_OR_RETURN(*response, reports_.Service(call, period));
  return absl::OkStatus();
}

absl::Status ReportHandlers::GetSatisfactionReport(const CallContext& call,
                                                   const v1::GetSatisfactionReportRequest& request,
                                                   v1::SatisfactionReport* response) {
  CRM_ASSIGN_OR_RETURN(const DaySpan period, CheckPeriod(request.period(), "period"));
  CRM_ASSIGN_OR_RETURN(*response,
                       reports_.Satisfaction(call, period, request.bucket(), request.grouping()));
  return absl::OkStatus();
}

absl::Status ReportHandlers::GetChurnList(const CallContext& call,
                                          const v1::GetChurnListRequest& request,
                                          v1::ChurnList* response) {
  FieldViolations violations;
  const int quiet_days = request.quiet_days() == 0 ? 90 : request.quiet_days();
  if (quiet_days < 1 || quiet_days > 3650) violations.Add("quiet_days", "must be 1 to 3650");
  absl::StatusOr<PageRequest> page =
      PageRequest::ForRequest(request, "churn", PageLimits{100, 1000}, &violations);
  if (!violations.empty()) return violations.ToStatus();
  if (!page.ok()) return page.status();
  CRM_ASSIGN_OR_RETURN(*response, reports_.Churn(call, quiet_days, *page));
  return absl::OkStatus();
}

absl::Status ReportHandlers::GetSalesPersonEvaluation(
    const CallContext& call, const v1::GetSalesPersonEvaluationRequest& request,
    v1::SalesPersonEvaluation* response) {
  CRM_ASSIGN_OR_RETURN(const DaySpan period, CheckPeriod(request.period(), "period"));
  CRM_ASSIGN_OR_RETURN(*response, reports_.Evaluation(call, period));
  return absl::OkStatus();
}

absl::Status ReportHandlers::GetDashboard(const CallContext& call,
                                          const v1::GetDashboardRequest& request,
                                          v1::Dashboard* response) {
  CRM_ASSIGN_OR_RETURN(const DaySpan period, CheckPeriod(request.period(), "period"));
  CRM_ASSIGN_OR_RETURN(*response, reports_.Dashboard(call, period));
  return absl::OkStatus();
}

absl::Status ReportHandlers::GetProductSales(const CallContext& call,
                                             const v1::GetProductSalesRequest& request,
                                             v1::ProductSales* response) {
  CRM_ASSIGN_OR_RETURN(const DaySpan period, CheckPeriod(request.period(), "period"));
  CRM_ASSIGN_OR_RETURN(*response, reports_.ProductSales(call, period));
  return absl::OkStatus();
}

}  // namespace crm::reporting
