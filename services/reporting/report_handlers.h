// Handlers of the reporting methods: request checks, then the repository.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "common/feed/feed_progress.h"
#include "common/rpc/call_context.h"
#include "crm/reporting/v1/reports.pb.h"
#include "services/reporting/report_repository.h"

namespace crm::reporting {

// An ABC request's period and cut-offs, checked; each fault added to
// `violations` (nothing returned then).
struct AbcQuery {
  DaySpan period;
  AbcCutoffs cutoffs;
};
std::optional<AbcQuery> CheckAbcRequest(const v1::GetAbcAnalysisRequest& request,
                                        FieldViolations& violations);

class ReportHandlers {
 public:
  // `progress`: this process's consumer of each feed, by feed name (for the
  // lag; a feed without one reports only what the database holds).
  ReportHandlers(ReportRepository& reports, std::map<std::string, const FeedProgress*> progress)
      : reports_(reports), progress_(std::move(progress)) {}

  absl::Status GetFeedStatus(const CallContext& call, const v1::GetFeedStatusRequest& request,
                             v1::GetFeedStatusResponse* response);
  absl::Status RebuildReadModel(const CallContext& call, const v1::RebuildReadModelRequest& request,
                                v1::RebuildReadModelResponse* response);
  absl::Status GetCustomerComposition(const CallContext& call,
                                      const v1::GetCustomerCompositionRequest& request,
                                      v1::CustomerComposition* response);
  absl::Status GetSalesReport(const CallContext& call, const v1::GetSalesReportRequest& request,
                              v1::SalesReport* response);
  absl::Status GetAbcAnalysis(const CallContext& call, const v1::GetAbcAnalysisRequest& request,
                              v1::AbcAnalysis* response);
  absl::Status GetSalesFunnel(const CallContext& call, const v1::GetSalesFunnelRequest& request,
                              v1::SalesFunnel* response);
  absl::Status GetServiceReport(const CallContext& call, const v1::GetServiceReportRequest& request,
                                v1::ServiceReport* response);
  absl::Status GetSatisfactionReport(const CallContext& call,
                                     const v1::GetSatisfactionReportRequest& request,
                                     v1::SatisfactionReport* response);
  absl::Status GetChurnList(const CallContext& call, const v1::GetChurnListRequest& request,
                            v1::ChurnList* response);
  absl::Status GetSalesPersonEvaluation(const CallContext& call,
                                        const v1::GetSalesPersonEvaluationRequest& request,
                                        v1::SalesPersonEvaluation* response);
  absl::Status GetDashboard(const CallContext& call, const v1::GetDashboardRequest& request,
                            v1::Dashboard* response);
  absl::Status GetReceivablesReport(const CallContext& call,
                                    const v1::GetReceivablesReportRequest& request,
                                    v1::ReceivablesReport* response);
  absl::Status GetCollectionsReport(const CallContext& call,
                                    const v1::GetCollectionsReportRequest& request,
                                    v1::CollectionsReport* response);
  absl::Status GetCampaignReturn(const CallContext& call,
                                 const v1::GetCampaignReturnRequest& request,
                                 v1::CampaignReturn* response);
  absl::Status GetGradeChanges(const CallContext& call, const v1::GetGradeChangesRequest& request,
                               v1::GradeChanges* response);
  absl::Status GetCustomerContribution(const CallContext& call,
                                       const v1::GetCustomerContributionRequest& request,
                                       v1::CustomerContribution* response);
  // In planning_handlers.cc.
  absl::Status GetSeasonalIndex(const CallContext& call, const v1::GetSeasonalIndexRequest& request,
                                v1::SeasonalIndex* response);
  absl::Status SetSalesTargets(const CallContext& call, const v1::SetSalesTargetsRequest& request,
                               v1::SetSalesTargetsResponse* response);
  absl::Status GetTargetAttainment(const CallContext& call,
                                   const v1::GetTargetAttainmentRequest& request,
                                   v1::TargetAttainment* response);
  absl::Status GetProductSales(const CallContext& call, const v1::GetProductSalesRequest& request,
                               v1::ProductSales* response);

  ReportRepository& reports() { return reports_; }

 private:
  ReportRepository& reports_;
  const std::map<std::string, const FeedProgress*> progress_;
};

}  // namespace crm::reporting
