// PoolHandlers.
#include "services/customer/pool_handlers.h"

#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"
#include "common/db/visibility.h"
#include "services/customer/customer_handlers.h"

namespace crm::customer {
namespace {

constexpr int kMaxSharesPerCall = 50;

}  // namespace

absl::StatusOr<Owner> PoolHandlers::Recipient(const CallContext& call, int64_t employee_id) {
  if (employee_id <= 0) return InvalidField("employee_id", "must be a positive employee id");
  absl::StatusOr<org::v1::Employee> employee = org_.GetEmployee(call, employee_id);
  if (employee.status().code() == absl::StatusCode::kNotFound ||
      (employee.ok() && employee->status() != org::v1::EMPLOYEE_STATUS_ACTIVE)) {
    return InvalidField("employee_id", absl::StrCat("there is no active employee ", employee_id));
  }
  if (!employee.ok()) return employee.status();
  // A department head hands customers out within their own subtree only.
  const VisibilityScope scope = WriteScopeOf(call.caller);
  if (!InScope(scope, employee->id(), employee->department_path())) {
    return absl::PermissionDeniedError(absl::StrCat(
        "employee ", employee_id, " is outside the departments you may assign customers to"));
  }
  return Owner{employee->id(), employee->department_id(), employee->department_path()};
}

absl::Status PoolHandlers::Give(const CallContext& call, int64_t id, const std::string& etag,
                                int64_t employee_id, bool from_pool, v1::Customer* response) {
  CRM_RETURN_IF_ERROR(CheckCustomerId(id, "id"));
  CRM_ASSIGN_OR_RETURN(const Owner owner, Recipient(call, employee_id));
  CRM_ASSIGN_OR_RETURN(*response, pool_.Give(call, id, etag, owner, from_pool));
  PresentCustomer(grades_.Current(), *response);
  return absl::OkStatus();
}

absl::Status PoolHandlers::CheckColleagues(const CallContext& call,
                                           const google::protobuf::RepeatedField<int64_t>& ids) {
  if (ids.empty()) return InvalidField("employee_ids", "name at least one colleague");
  if (ids.size() > kMaxSharesPerCall) {
    return InvalidField("employee_ids", absl::StrCat("at most ", kMaxSharesPerCall, " at a time"));
  }
  for (int64_t id : ids) {
    if (id <= 0) return InvalidField("employee_ids", "must be positive employee ids");
    absl::StatusOr<org::v1::Employee> employee = org_.GetEmployee(call, id);
    if (employee.status().code() == absl::StatusCode::kNotFound ||
        (employee.ok() && employee->status() != org::v1::EMPLOYEE_STATUS_ACTIVE)) {
      return InvalidField("employee_ids", absl::StrCat("there is no active employee ", id));
    }
    if (!employee.ok()) return employee.status();
  }
  return absl::OkStatus();
}

absl::Status PoolHandlers::ClaimCustomer(const CallContext& call,
                                         const v1::ClaimCustomerRequest& request,
                                         v1::Customer* response) {
  CRM_RETURN_IF_ERROR(CheckCustomerId(request.id(), "id"));
  CRM_ASSIGN_OR_RETURN(*response, pool_.Claim(call, request.id()));
  PresentCustomer(grades_.Current(), *response);
  return absl::OkStatus();
}

absl::Status PoolHandlers::ReleaseCustomer(const CallContext& call,
                                           const v1::ReleaseCustomerRequest& request,
                                           v1::Customer* response) {
  CRM_RETURN_IF_ERROR(CheckCustomerId(request.id(), "id"));
  CRM_ASSIGN_OR_RETURN(*response, pool_.Release(call, request.id(), request.etag()));
  PresentCustomer(grades_.Current(), *response);
  return absl::OkStatus();
}

absl::Status PoolHandlers::AssignCustomer(const CallContext& call,
                                          const v1::AssignCustomerRequest& request,
                                          v1::Customer* response) {
  return Give(call, request.id(), request.etag(), request.employee_id(), /*from_pool=*/true,
              response);
}

absl::Status PoolHandlers::TransferCustomer(const CallContext& call,
                                            const v1::TransferCustomerRequest& request,
                                            v1::Customer* response) {
  return Give(call, request.id(), request.etag(), request.employee_id(), /*from_pool=*/false,
              response);
}

absl::Status PoolHandlers::ShareCustomer(const CallContext& call,
                                         const v1::ShareCustomerRequest& request,
                                         v1::Customer* response) {
  CRM_RETURN_IF_ERROR(CheckCustomerId(request.id(), "id"));
  CRM_RETURN_IF_ERROR(CheckColleagues(call, request.employee_ids()));
  CRM_ASSIGN_OR_RETURN(*response,
                       pool_.Share(call, request.id(),
                                   {request.employee_ids().begin(), request.employee_ids().end()}));
  PresentCustomer(grades_.Current(), *response);
  return absl::OkStatus();
}

absl::Status PoolHandlers::UnshareCustomer(const CallContext& call,
                                           const v1::UnshareCustomerRequest& request,
                                           v1::Customer* response) {
  CRM_RETURN_IF_ERROR(CheckCustomerId(request.id(), "id"));
  if (request.employee_ids().empty()) {
    return InvalidField("employee_ids", "name at least one colleague");
  }
  CRM_ASSIGN_OR_RETURN(
      *response, pool_.Unshare(call, request.id(),
                               {request.employee_ids().begin(), request.employee_ids().end()}));
  PresentCustomer(grades_.Current(), *response);
  return absl::OkStatus();
}

absl::Status PoolHandlers::RestoreCustomer(const CallContext& call,
                                           const v1::RestoreCustomerRequest& request,
                                           v1::Customer* response) {
  CRM_RETURN_IF_ERROR(CheckCustomerId(request.id(), "id"));
  CRM_ASSIGN_OR_RETURN(*response, pool_.Restore(call, request.id()));
  PresentCustomer(grades_.Current(), *response);
  return absl::OkStatus();
}

absl::Status PoolHandlers::PurgeCustomer(const CallContext& call,
                                         const v1::PurgeCustomerRequest& request,
                                         google::protobuf::Empty*) {
  CRM_RETURN_IF_ERROR(CheckCustomerId(request.id(), "id"));
  return pool_.Purge(call, request.id());
}

}  // namespace crm::customer
