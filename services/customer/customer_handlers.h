// Handlers of the customer record methods (R1, R2): validation, defaults,
// the repository, and the suggested grade on every customer returned.
#pragma once

#include "absl/time/time.h"
#include "common/rpc/call_context.h"
#include "crm/customer/v1/customer_requests.pb.h"
#include "google/protobuf/empty.pb.h"
#include "services/customer/customer_repository.h"
#include "services/customer/grade_policy.h"

namespace crm::customer {

class CustomerHandlers {
 public:
  CustomerHandlers(CustomerRepository& repository, const GradePolicy& grades, absl::TimeZone zone)
      : repository_(repository), grades_(grades), zone_(zone) {}

  absl::Status CreateCustomer(const CallContext& call, const v1::CreateCustomerRequest& request,
                              v1::Customer* response);
  absl::Status GetCustomer(const CallContext& call, const v1::GetCustomerRequest& request,
                           v1::Customer* response);
  absl::Status LookupCustomer(const CallContext& call, const v1::LookupCustomerRequest& request,
                              v1::Customer* response);
  absl::Status UpdateCustomer(const CallContext& call, const v1::UpdateCustomerRequest& request,
                              v1::Customer* response);
  absl::Status DeleteCustomer(const CallContext& call, const v1::DeleteCustomerRequest& request,
                              google::protobuf::Empty* response);
  absl::Status ListCustomers(const CallContext& call, const v1::ListCustomersRequest& request,
                             v1::ListCustomersResponse* response);

 private:
  CustomerRepository& repository_;
  const GradePolicy& grades_;
  absl::TimeZone zone_;
};

// Fills the output-only fields computed on the way out (the suggested grade).
void PresentCustomer(const GradeThresholds& thresholds, v1::Customer& customer);

// Checks a list request's filters (INVALID_ARGUMENT naming the field).
absl::Status ValidateListRequest(const v1::ListCustomersRequest& request);

absl::Status CheckCustomerId(int64_t id, const char* field);

}  // namespace crm::customer
