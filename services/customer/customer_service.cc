// CustomerServiceImpl.
#include "services/customer/customer_service.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/change_feed.h"
#include "common/page_token.h"
#include "common/status_util.h"
#include "services/customer/customer_validation.h"

namespace crm::customer {
namespace {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;

absl::Status CheckId(int64_t id, const char* field) {
  return id > 0 ? absl::OkStatus() : InvalidField(field, "must be a positive customer id");
}

}  // namespace

CustomerServiceImpl::CustomerServiceImpl(Database& db, AsyncMethods& methods) : repository_(db) {
  using Self = CustomerServiceImpl;
  ServiceMethods registrar = methods.ForService(v1::CustomerService::service_full_name());
  registrar.AddUnary(this, &Self::RequestCreateCustomer, "CreateCustomer", &Self::CreateCustomer);
  registrar.AddUnary(this, &Self::RequestGetCustomer, "GetCustomer", &Self::GetCustomer);
  registrar.AddUnary(this, &Self::RequestUpdateCustomer, "UpdateCustomer", &Self::UpdateCustomer);
  registrar.AddUnary(this, &Self::RequestDeleteCustomer, "DeleteCustomer", &Self::DeleteCustomer);
  registrar.AddUnary(this, &Self::RequestListCustomers, "ListCustomers", &Self::ListCustomers);
  AddChangeLogMethods(registrar, this, db);
}

absl::Status CustomerServiceImpl::CreateCustomer(const CallContext& call,
                                                 const v1::CreateCustomerRequest& request,
                                                 v1::Customer* response) {
  CRM_RETURN_IF_ERROR(ValidateCreateRequestId(request.request_id()));
  if (!request.has_customer()) return InvalidField("customer", "is required");
  v1::Customer customer = request.customer();
  PrepareForCreate(customer);
  CRM_RETURN_IF_ERROR(ValidateCustomer(customer, "customer"));
  CRM_ASSIGN_OR_RETURN(*response, repository_.Create(call, customer, request.request_id()));
  return absl::OkStatus();
}

absl::Status CustomerServiceImpl::GetCustomer(const CallContext& call,
                                              const v1::GetCustomerRequest& request,
                                              v1::Customer* response) {
  CRM_RETURN_IF_ERROR(CheckId(request.id(), "id"));
  CRM_ASSIGN_OR_RETURN(*response, repository_.Get(call, request.id()));
  return absl::OkStatus();
}

absl::Status CustomerServiceImpl::UpdateCustomer(const CallContext& call,
                                                 const v1::UpdateCustomerRequest& request,
                                                 v1::Customer* response) {
  const v1::Customer& patch = request.customer();
  CRM_RETURN_IF_ERROR(CheckId(patch.id(), "customer.id"));
  // Check the mask before touching the database, so a bad one costs nothing.
  v1::Customer scratch;
  CRM_RETURN_IF_ERROR(ApplyUpdateMask(request.update_mask(), patch, scratch));
  auto change = [&](v1::Customer& stored) -> absl::Status {
    CRM_RETURN_IF_ERROR(ApplyUpdateMask(request.update_mask(), patch, stored));
    return ValidateCustomer(stored, "customer");
  };
  CRM_ASSIGN_OR_RETURN(*response, repository_.Update(call, patch.id(), patch.etag(), change));
  return absl::OkStatus();
}

absl::Status CustomerServiceImpl::DeleteCustomer(const CallContext& call,
                                                 const v1::DeleteCustomerRequest& request,
                                                 google::protobuf::Empty*) {
  CRM_RETURN_IF_ERROR(CheckId(request.id(), "id"));
  return repository_.Delete(call, request.id(), request.etag());
}

absl::Status CustomerServiceImpl::ListCustomers(const CallContext& call,
                                                const v1::ListCustomersRequest& request,
                                                v1::ListCustomersResponse* response) {
  FieldViolations violations;
  if (request.page_size() < 0) violations.Add("page_size", "must not be negative");
  if (!v1::CustomerStatus_IsValid(request.status())) {
    violations.Add("status", "is not a customer status");
  }
  if (request.region_code().size() > 32) violations.Add("region_code", "is too long");
  CRM_RETURN_IF_ERROR(violations.ToStatus());

  CustomerListQuery query;
  query.page_size =
      request.page_size() == 0 ? kDefaultPageSize : std::min(request.page_size(), kMaxPageSize);
  query.status = request.status();
  query.region_code = request.region_code();
  const uint64_t fingerprint =
      FilterFingerprint({"customers-by-id", absl::StrCat(query.status), query.region_code});
  CRM_ASSIGN_OR_RETURN(std::vector<std::string> position,
                       DecodePageToken(request.page_token(), fingerprint));
  if (!position.empty() && !absl::SimpleAtoi(position[0], &query.after_id)) {
    return InvalidField("page_token", "is malformed");
  }
  CRM_ASSIGN_OR_RETURN(CustomerPage page, repository_.List(call, query));
  for (v1::Customer& c : page.customers) *response->add_customers() = std::move(c);
  response->set_total_size(page.total_size);
  if (page.has_more) {
    const v1::Customer& last = response->customers(response->customers_size() - 1);
    response->set_next_page_token(EncodePageToken({absl::StrCat(last.id())}, fingerprint));
  }
  return absl::OkStatus();
}

}  // namespace crm::customer
