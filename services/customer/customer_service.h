// crm.customer.v1.CustomerService handlers: proto in, validation, repository, proto out.
#pragma once

#include "common/async_methods.h"
#include "crm/customer/v1/customer_service.grpc.pb.h"
#include "services/customer/customer_repository.h"

namespace crm {
class Database;
}

namespace crm::customer {

class CustomerServiceImpl : public v1::CustomerService::AsyncService {
 public:
  // Registers every method's handler in `methods`.
  CustomerServiceImpl(Database& db, AsyncMethods& methods);

  absl::Status CreateCustomer(const CallContext& call, const v1::CreateCustomerRequest& request,
                              v1::Customer* response);
  absl::Status GetCustomer(const CallContext& call, const v1::GetCustomerRequest& request,
                           v1::Customer* response);
  absl::Status UpdateCustomer(const CallContext& call, const v1::UpdateCustomerRequest& request,
                              v1::Customer* response);
  absl::Status DeleteCustomer(const CallContext& call, const v1::DeleteCustomerRequest& request,
                              google::protobuf::Empty* response);
  absl::Status ListCustomers(const CallContext& call, const v1::ListCustomersRequest& request,
                             v1::ListCustomersResponse* response);

 private:
  CustomerRepository repository_;
};

}  // namespace crm::customer
