// Handlers of the requirement library methods (R19, requirement.proto).
#pragma once

#include "absl/time/time.h"
#include "common/clients/customer_check.h"
#include "common/rpc/call_context.h"
#include "crm/feedback/v1/requirement.pb.h"
#include "services/feedback/requirement_repository.h"

namespace crm::feedback {

class RequirementHandlers {
 public:
  RequirementHandlers(RequirementRepository& requirements, CustomerCheck check_customer,
                      absl::TimeZone zone)
      : requirements_(requirements), check_customer_(std::move(check_customer)), zone_(zone) {}

  absl::Status CreateRequirement(const CallContext& call,
                                 const v1::CreateRequirementRequest& request,
                                 v1::Requirement* response);
  absl::Status GetRequirement(const CallContext& call, const v1::GetRequirementRequest& request,
                              v1::Requirement* response);
  absl::Status UpdateRequirement(const CallContext& call,
                                 const v1::UpdateRequirementRequest& request,
                                 v1::Requirement* response);
  absl::Status ListRequirements(const CallContext& call, const v1::ListRequirementsRequest& request,
                                v1::ListRequirementsResponse* response);
  absl::Status LinkRequirementRequest(const CallContext& call,
                                      const v1::LinkRequirementRequestRequest& request,
                                      v1::RequirementRequest* response);
  absl::Status ListRequirementRequests(const CallContext& call,
                                       const v1::ListRequirementRequestsRequest& request,
                                       v1::ListRequirementRequestsResponse* response);
  absl::Status ListRequirementsForReview(const CallContext& call,
                                         const v1::ListRequirementsForReviewRequest& request,
                                         v1::ListRequirementsForReviewResponse* response);

 private:
  RequirementRepository& requirements_;
  CustomerCheck check_customer_;
  absl::TimeZone zone_;
};

}  // namespace crm::feedback
