// Handlers of the opportunity methods (R12): validation, the customer check,
// stage moves, closing, the stale list and the weighted forecast.
#pragma once

#include "common/clients/customer_check.h"
#include "common/rpc/call_context.h"
#include "crm/sales/v1/opportunity.pb.h"
#include "services/sales/campaign_repository.h"
#include "services/sales/opportunity_repository.h"

namespace crm::sales {

class OpportunityHandlers {
 public:
  // `stale_after_days`: how long without a follow-up makes an open
  // opportunity stale when the request does not say.
  OpportunityHandlers(OpportunityRepository& opportunities, CampaignRepository& campaigns,
                      CustomerCheck check_customer, int stale_after_days)
      : opportunities_(opportunities),
        campaigns_(campaigns),
        check_customer_(std::move(check_customer)),
        stale_after_days_(stale_after_days) {}

  absl::Status ListPipelineStages(const CallContext& call,
                                  const v1::ListPipelineStagesRequest& request,
                                  v1::ListPipelineStagesResponse* response);
  absl::Status SetPipelineStage(const CallContext& call, const v1::SetPipelineStageRequest& request,
                                v1::PipelineStage* response);
  absl::Status CreateOpportunity(const CallContext& call,
                                 const v1::CreateOpportunityRequest& request,
                                 v1::Opportunity* response);
  absl::Status GetOpportunity(const CallContext& call, const v1::GetOpportunityRequest& request,
                              v1::Opportunity* response);
  absl::Status UpdateOpportunity(const CallContext& call,
                                 const v1::UpdateOpportunityRequest& request,
                                 v1::Opportunity* response);
  absl::Status CloseOpportunity(const CallContext& call, const v1::CloseOpportunityRequest& request,
                                v1::Opportunity* response);
  absl::Status ListOpportunities(const CallContext& call,
                                 const v1::ListOpportunitiesRequest& request,
                                 v1::ListOpportunitiesResponse* response);
  absl::Status ListOpportunityHistory(const CallContext& call,
                                      const v1::ListOpportunityHistoryRequest& request,
                                      v1::ListOpportunityHistoryResponse* response);
  absl::Status ListStaleOpportunities(const CallContext& call,
                                      const v1::ListStaleOpportunitiesRequest& request,
                                      v1::ListStaleOpportunitiesResponse* response);
  absl::Status GetForecast(const CallContext& call, const v1::GetForecastRequest& request,
                           v1::GetForecastResponse* response);

 private:
  OpportunityRepository& opportunities_;
  CampaignRepository& campaigns_;
  CustomerCheck check_customer_;
  int stale_after_days_;
};

}  // namespace crm::sales
