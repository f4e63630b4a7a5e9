// CustomerHandlers.
#include "services/customer/customer_handlers.h"

#include <optional>
#include <string>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "common/base/dates.h"
#include "common/base/status_util.h"
#include "common/db/record_helpers.h"
#include "common/rpc/paging.h"
#include "common/text/text_checks.h"
#include "services/customer/customer_validation.h"
#include "services/customer/reference_handlers.h"

namespace crm::customer {

absl::Status CheckCustomerId(int64_t id, const char* field) {
  return id > 0 ? absl::OkStatus() : InvalidField(field, "must be a positive customer id");
}

void PresentCustomer(const GradeThresholds& thresholds, v1::Customer& customer) {
  customer.set_suggested_grade(SuggestGrade(customer, thresholds));
}

absl::Status ValidateListRequest(const v1::ListCustomersRequest& r) {
  FieldViolations v;
  if (r.page_size() < 0) v.Add("page_size", "must not be negative");
  if (!v1::CustomerStatus_IsValid(r.status())) v.Add("status", "is not a customer status");
  if (!v1::CustomerGrade_IsValid(r.grade())) v.Add("grade", "is not a customer grade");
  if (!v1::CustomerImportance_IsValid(r.importance())) {
    v.Add("importance", "is not a customer importance");
  }
  if (!v1::ListCustomersRequest::View_IsValid(r.view())) v.Add("view", "is not a view");
  if (!v1::ListCustomersRequest::Order_IsValid(r.order_by())) v.Add("order_by", "is not an order");
  for (auto [name, value] :
       {std::pair<const char*, const std::string*>{"region_code", &r.region_code()},
        {"type_code", &r.type_code()},
        {"industry_code", &r.industry_code()},
        {"level_code", &r.level_code()},
        {"stage_code", &r.stage_code()},
        {"source_code", &r.source_code()}}) {
    if (!value->empty() && !IsReferenceCode(*value)) v.Add(name, "is not a valid code");
  }
  for (auto [name, value] : {std::pair<const char*, const std::string*>{"city", &r.city()},
                             {"code", &r.code()},
                             {"name", &r.name()},
                             {"tax_id", &r.tax_id()}}) {
    if (value->size() > 800) v.Add(name, "is too long");
  }
  for (auto [name, value] :
       {std::pair<const char*, const std::string*>{"joined_from", &r.joined_from()},
        {"joined_to", &r.joined_to()}}) {
    if (!value->empty() && !ParseIsoDate(*value).ok()) v.Add(name, "must be a date YYYY-MM-DD");
  }
  if (r.owner_id() < 0) v.Add("owner_id", "must not be negative");
  return v.ToStatus();
}

absl::Status CustomerHandlers::CreateCustomer(const CallContext& call,
                                              const v1::CreateCustomerRequest& request,
                                              v1::Customer* response) {
  CRM_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  if (!request.has_customer()) return InvalidField("customer", "is required");
  const GradeThresholds thresholds = grades_.Current();
  v1::Customer customer = request.customer();
  PrepareForCreate(customer,
                   CreateDefaults{thresholds, FormatIsoDate(absl::ToCivilDay(call.Now(), zone_))});
  CRM_RETURN_IF_ERROR(ValidateCustomer(customer, "customer"));
  CRM_ASSIGN_OR_RETURN(*response,
                       repository_.Create(call, customer, request.request_id(), request.to_pool()));
  PresentCustomer(thresholds, *response);
  return absl::OkStatus();
}

absl::Status CustomerHandlers::GetCustomer(const CallContext& call,
                                           const v1::GetCustomerRequest& request,
                                           v1::Customer* response) {
  CRM_RETURN_IF_ERROR(CheckCustomerId(request.id(), "id"));
  CRM_ASSIGN_OR_RETURN(*response, repository_.Get(call, request.id()));
  PresentCustomer(grades_.Current(), *response);
  return absl::OkStatus();
}

absl::Status CustomerHandlers::LookupCustomer(const CallContext& call,
                                              const v1::LookupCustomerRequest& request,
                                              v1::Customer* response) {
  switch (request.key_case()) {
    case v1::LookupCustomerRequest::kCode:
      if (request.code().empty() || request.code().size() > 24) {
        return InvalidField("code", "must be a customer code such as 'i010110'");
      }
      break;
    case v1::LookupCustomerRequest::kTaxId:
      if (request.tax_id().empty() || request.tax_id().size() > 32) {
        return InvalidField("tax_id", "must be a tax ID");
      }
      break;
    default:
      return InvalidField("key", "give a code or a tax_id");
  }
  CRM_ASSIGN_OR_RETURN(*response,
                       repository_.Lookup(call, request.code(), NormalizeTaxId(request.tax_id())));
  PresentCustomer(grades_.Current(), *response);
  return absl::OkStatus();
}

absl::Status CustomerHandlers::UpdateCustomer(const CallContext& call,
                                              const v1::UpdateCustomerRequest& request,
                                              v1::Customer* response) {
  const v1::Customer& patch = request.customer();
  CRM_RETURN_IF_ERROR(CheckCustomerId(patch.id(), "customer.id"));
  CRM_RETURN_IF_ERROR(RequireEtag(patch.etag(), "customer.etag"));
  // Check the mask before touching the database, so a bad one costs nothing.
  v1::Customer scratch;
  CRM_RETURN_IF_ERROR(ApplyUpdateMask(request.update_mask(), patch, scratch));
  auto change = [&](v1::Customer& stored) -> absl::Status {
    CRM_RETURN_IF_ERROR(ApplyUpdateMask(request.update_mask(), patch, stored));
    return ValidateCustomer(stored, "customer");
  };
  CRM_ASSIGN_OR_RETURN(*response, repository_.Update(call, patch.id(), patch.etag(), change));
  PresentCustomer(grades_.Current(), *response);
  return absl::OkStatus();
}

absl::Status CustomerHandlers::DeleteCustomer(const CallContext& call,
                                              const v1::DeleteCustomerRequest& request,
                                              google::protobuf::Empty*) {
  CRM_RETURN_IF_ERROR(CheckCustomerId(request.id(), "id"));
  return repository_.Delete(call, request.id(), request.etag());
}

absl::Status CustomerHandlers::ListCustomers(const CallContext& call,
                                             const v1::ListCustomersRequest& request,
                                             v1::ListCustomersResponse* response) {
  CRM_RETURN_IF_ERROR(ValidateListRequest(request));
  CRM_ASSIGN_OR_RETURN(PageRequest page, PageRequest::ForRequest(request, "customers"));
  CRM_ASSIGN_OR_RETURN(auto after, (page.After<std::string, int64_t>()));  // sort value, id
  std::optional<ListPosition> position;
  if (after) position = ListPosition{std::get<0>(*after), std::get<1>(*after)};
  CRM_ASSIGN_OR_RETURN(CustomerPage listed, repository_.List(call, request, page.size(), position));
  const GradeThresholds thresholds = grades_.Current();
  for (v1::Customer& c : listed.customers) {
    PresentCustomer(thresholds, c);
    *response->add_customers() = std::move(c);
  }
  response->set_total_size(listed.total_size);
  if (listed.has_more) {
    const v1::Customer& last = response->customers(response->customers_size() - 1);
    response->set_next_page_token(page.NextToken(
        listed.has_more, {OrderValue(last, request.order_by()), absl::StrCat(last.id())}));
  }
  return absl::OkStatus();
}

}  // namespace crm::customer
