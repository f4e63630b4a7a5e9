// Handlers of the pool, ownership, sharing and recycle-bin methods (R7).
#pragma once

#include "common/clients/org_client.h"
#include "common/rpc/call_context.h"
#include "crm/customer/v1/customer_requests.pb.h"
#include "google/protobuf/empty.pb.h"
#include "services/customer/grade_policy.h"
#include "services/customer/pool_repository.h"

namespace crm::customer {

class PoolHandlers {
 public:
  PoolHandlers(PoolRepository& pool, const OrgClient& org, const GradePolicy& grades)
      : pool_(pool), org_(org), grades_(grades) {}

  absl::Status ClaimCustomer(const CallContext& call, const v1::ClaimCustomerRequest& request,
                             v1::Customer* response);
  absl::Status ReleaseCustomer(const CallContext& call, const v1::ReleaseCustomerRequest& request,
                               v1::Customer* response);
  absl::Status AssignCustomer(const CallContext& call, const v1::AssignCustomerRequest& request,
                              v1::Customer* response);
  absl::Status TransferCustomer(const CallContext& call, const v1::TransferCustomerRequest& request,
                                v1::Customer* response);
  absl::Status ShareCustomer(const CallContext& call, const v1::ShareCustomerRequest& request,
                             v1::Customer* response);
  absl::Status UnshareCustomer(const CallContext& call, const v1::UnshareCustomerRequest& request,
                               v1::Customer* response);
  absl::Status RestoreCustomer(const CallContext& call, const v1::RestoreCustomerRequest& request,
                               v1::Customer* response);
  absl::Status PurgeCustomer(const CallContext& call, const v1::PurgeCustomerRequest& request,
                             google::protobuf::Empty* response);

 private:
  // The owner fields of an active employee the caller may give customers to.
  absl::StatusOr<Owner> Recipient(const CallContext& call, int64_t employee_id);
  absl::Status Give(const CallContext& call, int64_t id, const std::string& etag,
                    int64_t employee_id, bool from_pool, v1::Customer* response);
  absl::Status CheckColleagues(const CallContext& call,
                               const google::protobuf::RepeatedField<int64_t>& ids);

  PoolRepository& pool_;
  const OrgClient& org_;
  const GradePolicy& grades_;
};

}  // namespace crm::customer
