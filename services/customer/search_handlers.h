// Handler of SearchCustomers (R2): checks, page tokens, presentation.
#pragma once

#include "common/rpc/call_context.h"
#include "crm/customer/v1/search.pb.h"
#include "services/customer/grade_policy.h"
#include "services/customer/search_repository.h"

namespace crm::customer {

class SearchHandlers {
 public:
  SearchHandlers(SearchRepository& repository, const GradePolicy& grades)
      : repository_(repository), grades_(grades) {}

  absl::Status SearchCustomers(const CallContext& call, const v1::SearchCustomersRequest& request,
                               v1::SearchCustomersResponse* response);

 private:
  SearchRepository& repository_;
  const GradePolicy& grades_;
};

}  // namespace crm::customer
