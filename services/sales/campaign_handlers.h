// Handlers of the campaign methods (R15): validation, the target customers'
// check, and the repository.
#pragma once

#include "common/clients/customer_check.h"
#include "common/rpc/call_context.h"
#include "crm/sales/v1/campaign.pb.h"
#include "services/sales/campaign_repository.h"

namespace crm::sales {

class CampaignHandlers {
 public:
  CampaignHandlers(CampaignRepository& campaigns, CustomerCheck check_customer)
      : campaigns_(campaigns), check_customer_(std::move(check_customer)) {}

  absl::Status CreateCampaign(const CallContext& call, const v1::CreateCampaignRequest& request,
                              v1::Campaign* response);
  absl::Status GetCampaign(const CallContext& call, const v1::GetCampaignRequest& request,
                           v1::Campaign* response);
  absl::Status UpdateCampaign(const CallContext& call, const v1::UpdateCampaignRequest& request,
                              v1::Campaign* response);
  absl::Status ListCampaigns(const CallContext& call, const v1::ListCampaignsRequest& request,
                             v1::ListCampaignsResponse* response);
  absl::Status GetCampaignResults(const CallContext& call,
                                  const v1::GetCampaignResultsRequest& request,
                                  v1::CampaignResults* response);

 private:
  // Checks the targets in `campaign` that are not in `known` (one call per
  // customer to the customer service, with the caller's identity).
  absl::Status CheckNewTargets(const CallContext& call, const v1::Campaign& campaign,
                               const v1::Campaign* known);

  CampaignRepository& campaigns_;
  CustomerCheck check_customer_;
};

}  // namespace crm::sales
