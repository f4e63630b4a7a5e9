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

std::optional<AbcQuery> CheckAbcRequest(const v1::GetAbcAnalysisRequest& request,
                                        FieldViolations& violations) {
  const std::optional<DaySpan> period = CheckPeriod(request.period(), "period", violations);
  AbcCutoffs cutoffs;
  if (request.a_percent() != 0) cutoffs.a_percent = request.a_percent();
  if (request.b_percent() != 0) cutoffs.b_percent = request.b_percent();
  if (cutoffs.a_percent < 1 || cutoffs.a_percent > 99) {
    violations.Add("a_percent", "must be 1 to 99");
    return std::nullopt;
  }
  if (cutoffs.b_percent < 1 || cutoffs.a_percent + cutoffs.b_percent > 100) {
    violations.Add("b_percent", "must be at least 1, and a_percent + b_percent at most 100");
    return std::nullopt;
  }
  if (!period) return std::nullopt;
  return AbcQuery{*period, cutoffs};
}

absl::Status ReportHandlers::GetAbcAnalysis(const CallContext& call,
                                            const v1::GetAbcAnalysisRequest& request,
                                            v1::AbcAnalysis* response) {
  FieldViolations violations;
  const std::optional<AbcQuery> query = CheckAbcRequest(request, violations);
  absl::StatusOr<PageRequest> page =
      PageRequest::ForRequest(request, "abc", PageLimits{100, 1000}, &violations);
  if (!violations.empty()) return violations.ToStatus();
  if (!page.ok()) return page.status();
  CRM_ASSIGN_OR_RETURN(*response, reports_.Abc(call, query->period, query->cutoffs, *page));
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
  const int sales_days = request.sales_days() == 0 ? 365 : request.sales_days();
  if (sales_days < 1 || sales_days > 3650) violations.Add("sales_days", "must be 1 to 3650");
  std::optional<int64_t> min_sales;
  if (request.has_min_sales()) {
    min_sales = request.min_sales().minor_units();
    if (*min_sales < 0) violations.Add("min_sales.minor_units", "must not be below 0");
  }
  absl::StatusOr<PageRequest> page =
      PageRequest::ForRequest(request, "churn", PageLimits{100, 1000}, &violations);
  if (!violations.empty()) return violations.ToStatus();
  if (!page.ok()) return page.status();
  CRM_ASSIGN_OR_RETURN(*response, reports_.Churn(call, quiet_days, min_sales, sales_days, *page));
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

absl::Status ReportHandlers::GetReceivablesReport(const CallContext& call,
                                                  const v1::GetReceivablesReportRequest& request,
                                                  v1::ReceivablesReport* response) {
  CRM_ASSIGN_OR_RETURN(const PageRequest page,
                       PageRequest::ForRequest(request, "receivables", PageLimits{100, 1000}));
  CRM_ASSIGN_OR_RETURN(*response, reports_.Receivables(call, request.grouping(), page));
  return absl::OkStatus();
}

absl::Status ReportHandlers::GetCollectionsReport(const CallContext& call,
                                                  const v1::GetCollectionsReportRequest& request,
                                                  v1::CollectionsReport* response) {
  CRM_ASSIGN_OR_RETURN(const DaySpan period, CheckPeriod(request.period(), "period"));
  CRM_ASSIGN_OR_RETURN(*response, reports_.Collections(call, period, request.bucket()));
  return absl::OkStatus();
}

absl::Status ReportHandlers::GetCampaignReturn(const CallContext& call,
                                               const v1::GetCampaignReturnRequest& request,
                                               v1::CampaignReturn* response) {
  FieldViolations violations;
  std::optional<DaySpan> running;
  if (request.has_period()) running = CheckPeriod(request.period(), "period", violations);
  absl::StatusOr<PageRequest> page =
      PageRequest::ForRequest(request, "campaign_return", PageLimits{100, 1000}, &violations);
  if (!violations.empty()) return violations.ToStatus();
  if (!page.ok()) return page.status();
  CRM_ASSIGN_OR_RETURN(*response, reports_.CampaignReturn(call, running, *page));
  return absl::OkStatus();
}

namespace {

// A period and a page, each checked, every bad field named at once.
template <typename Request>
absl::StatusOr<std::pair<DaySpan, PageRequest>> PeriodAndPage(const Request& request,
                                                              absl::string_view list) {
  FieldViolations violations;
  const std::optional<DaySpan> period = CheckPeriod(request.period(), "period", violations);
  absl::StatusOr<PageRequest> page =
      PageRequest::ForRequest(request, list, PageLimits{100, 1000}, &violations);
  if (!violations.empty()) return violations.ToStatus();
  if (!page.ok()) return page.status();
  return std::make_pair(*period, *page);
}

}  // namespace

absl::Status ReportHandlers::GetGradeChanges(const CallContext& call,
                                             const v1::GetGradeChangesRequest& request,
                                             v1::GradeChanges* response) {
  CRM_ASSIGN_OR_RETURN(const auto checked, PeriodAndPage(request, "grade_changes"));
  CRM_ASSIGN_OR_RETURN(*response, reports_.GradeChanges(call, checked.first, checked.second));
  return absl::OkStatus();
}

absl::Status ReportHandlers::GetCustomerContribution(
    const CallContext& call, const v1::GetCustomerContributionRequest& request,
    v1::CustomerContribution* response) {
  CRM_ASSIGN_OR_RETURN(const auto checked, PeriodAndPage(request, "contribution"));
  CRM_ASSIGN_OR_RETURN(*response, reports_.Contribution(call, checked.first, checked.second));
  return absl::OkStatus();
}

}  // namespace crm::reporting
