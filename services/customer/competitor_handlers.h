// Handlers of the competitor methods (R6): validation, update masks, page
// tokens, and the repository.
#pragma once

#include "common/rpc/call_context.h"
#include "crm/customer/v1/competitor.pb.h"
#include "services/customer/competitor_repository.h"

namespace crm::customer {

class CompetitorHandlers {
 public:
  explicit CompetitorHandlers(CompetitorRepository& repository) : repository_(repository) {}

  absl::Status CreateCompetitor(const CallContext& call, const v1::CreateCompetitorRequest& request,
                                v1::Competitor* response);
  absl::Status GetCompetitor(const CallContext& call, const v1::GetCompetitorRequest& request,
                             v1::Competitor* response);
  absl::Status UpdateCompetitor(const CallContext& call, const v1::UpdateCompetitorRequest& request,
                                v1::Competitor* response);
  absl::Status ListCompetitors(const CallContext& call, const v1::ListCompetitorsRequest& request,
                               v1::ListCompetitorsResponse* response);

 private:
  CompetitorRepository& repository_;
};

}  // namespace crm::customer
