// StructureHandlers.
#include "services/org/structure_handlers.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/base/dates.h"
#include "common/base/status_util.h"
#include "common/rpc/page_token.h"
#include "common/text/text_checks.h"
#include "services/org/structure_repository.h"

namespace crm::org {
namespace {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;

absl::Status CheckId(int64_t id, const char* field) {
  return id > 0 ? absl::OkStatus() : InvalidField(field, "must be a positive id");
}

void CheckDate(FieldViolations& v, const std::string& field, const std::string& date) {
  if (!date.empty() && !ParseIsoDate(date).ok()) v.Add(field, "must be a date as YYYY-MM-DD");
}

// Employee fields a caller sets, checked as a whole record.
absl::Status ValidateEmployee(v1::Employee& e) {
  e.set_name(TrimText(e.name()));
  e.set_phone(TrimText(e.phone()));
  e.set_email(TrimText(e.email()));
  FieldViolations v;
  CheckText(v, "employee.name", e.name(), 100, Presence::kRequired);
  if (e.department_id() <= 0) v.Add("employee.department_id", "is required");
  if (e.position_id() < 0) v.Add("employee.position_id", "must not be negative");
  CheckText(v, "employee.phone", e.phone(), 32, Presence::kOptional);
  if (!e.phone().empty() && !LooksLikePhone(e.phone())) {
    v.Add("employee.phone", "must be a phone number");
  }
  CheckText(v, "employee.email", e.email(), 254, Presence::kOptional);
  if (!e.email().empty() && !LooksLikeEmail(e.email())) {
    v.Add("employee.email", "must be an e-mail address");
  }
  CheckDate(v, "employee.hire_date", e.hire_date());
  return v.ToStatus();
}

}  // namespace

absl::Status StructureHandlers::CreateDepartment(const CallContext& call,
                                                 const v1::CreateDepartmentRequest& request,
                                                 v1::Department* response) {
  v1::Department d = request.department();
  d.set_name(TrimText(d.name()));
  FieldViolations v;
  CheckText(v, "department.name", d.name(), 100, Presence::kRequired);
  if (d.parent_id() < 0) v.Add("department.parent_id", "must not be negative");
  CheckText(v, "request_id", request.request_id(), 64, Presence::kOptional);
  CRM_RETURN_IF_ERROR(v.ToStatus());
  CRM_ASSIGN_OR_RETURN(*response, repository_.CreateDepartment(call, d, request.request_id()));
  return absl::OkStatus();
}

absl::Status StructureHandlers::UpdateDepartment(const CallContext& call,
                                                 const v1::UpdateDepartmentRequest& request,
                                                 v1::Department* response) {
  const v1::Department& patch = request.department();
  CRM_RETURN_IF_ERROR(CheckId(patch.id(), "department.id"));
  FieldViolations v;
  bool rename = false;
  for (const std::string& path : request.update_mask().paths()) {
    if (path == "name") {
      rename = true;
    } else {
      v.Add("update_mask", absl::StrCat("field '", path,
                                        "' cannot be updated (use MoveDepartment to change the "
                                        "parent, CloseDepartment to close)"));
    }
  }
  if (request.update_mask().paths().empty()) rename = true;  // the only mutable field
  const std::string name = TrimText(patch.name());
  if (rename) CheckText(v, "department.name", name, 100, Presence::kRequired);
  CRM_RETURN_IF_ERROR(v.ToStatus());
  CRM_ASSIGN_OR_RETURN(*response,
                       repository_.RenameDepartment(call, patch.id(), patch.etag(), name));
  return absl::OkStatus();
}

absl::Status StructureHandlers::MoveDepartment(const CallContext& call,
                                               const v1::MoveDepartmentRequest& request,
                                               v1::Department* response) {
  CRM_RETURN_IF_ERROR(CheckId(request.id(), "id"));
  if (request.new_parent_id() < 0) return InvalidField("new_parent_id", "must not be negative");
  if (request.new_parent_id() == request.id()) {
    return InvalidField("new_parent_id", "cannot move a department under itself");
  }
  CRM_ASSIGN_OR_RETURN(*response, repository_.MoveDepartment(
                                      call, request.id(), request.new_parent_id(), request.etag()));
  return absl::OkStatus();
}

absl::Status StructureHandlers::CloseDepartment(const CallContext& call,
                                                const v1::CloseDepartmentRequest& request,
                                                v1::Department* response) {
  CRM_RETURN_IF_ERROR(CheckId(request.id(), "id"));
  CRM_ASSIGN_OR_RETURN(*response, repository_.CloseDepartment(call, request.id(), request.etag()));
  return absl::OkStatus();
}

absl::Status StructureHandlers::GetDepartment(const CallContext& call,
                                              const v1::GetDepartmentRequest& request,
                                              v1::Department* response) {
  CRM_RETURN_IF_ERROR(CheckId(request.id(), "id"));
  CRM_ASSIGN_OR_RETURN(*response, repository_.GetDepartment(call, request.id()));
  return absl::OkStatus();
}

absl::Status StructureHandlers::ListDepartments(const CallContext& call,
                                                const v1::ListDepartmentsRequest& request,
                                                v1::ListDepartmentsResponse* response) {
  CRM_ASSIGN_OR_RETURN(std::vector<v1::Department> departments,
                       repository_.ListDepartments(call, request.include_closed()));
  for (v1::Department& d : departments) *response->add_departments() = std::move(d);
  return absl::OkStatus();
}

absl::Status StructureHandlers::CreatePosition(const CallContext& call,
                                               const v1::CreatePositionRequest& request,
                                               v1::Position* response) {
  v1::Position p = request.position();
  p.set_name(TrimText(p.name()));
  FieldViolations v;
  CheckText(v, "position.name", p.name(), 100, Presence::kRequired);
  CheckText(v, "position.description", p.description(), 500, Presence::kOptional, true);
  CheckText(v, "request_id", request.request_id(), 64, Presence::kOptional);
  CRM_RETURN_IF_ERROR(v.ToStatus());
  CRM_ASSIGN_OR_RETURN(*response, repository_.CreatePosition(call, p, request.request_id()));
  return absl::OkStatus();
}

absl::Status StructureHandlers::UpdatePosition(const CallContext& call,
                                               const v1::UpdatePositionRequest& request,
                                               v1::Position* response) {
  const v1::Position& patch = request.position();
  CRM_RETURN_IF_ERROR(CheckId(patch.id(), "position.id"));
  bool name = false, description = false;
  FieldViolations v;
  for (const std::string& path : request.update_mask().paths()) {
    if (path == "name") {
      name = true;
    } else if (path == "description") {
      description = true;
    } else {
      v.Add("update_mask", absl::StrCat("field '", path, "' cannot be updated"));
    }
  }
  if (request.update_mask().paths().empty()) {
    name = !patch.name().empty();
    description = !patch.description().empty();
  }
  if (name) CheckText(v, "position.name", TrimText(patch.name()), 100, Presence::kRequired);
  if (description) {
    CheckText(v, "position.description", patch.description(), 500, Presence::kOptional, true);
  }
  CRM_RETURN_IF_ERROR(v.ToStatus());
  CRM_ASSIGN_OR_RETURN(
      *response, repository_.UpdatePosition(call, patch.id(), patch.etag(), [&](v1::Position& p) {
        if (name) p.set_name(TrimText(patch.name()));
        if (description) p.set_description(patch.description());
        return absl::OkStatus();
      }));
  return absl::OkStatus();
}

absl::Status StructureHandlers::DeletePosition(const CallContext& call,
                                               const v1::DeletePositionRequest& request,
                                               google::protobuf::Empty*) {
  CRM_RETURN_IF_ERROR(CheckId(request.id(), "id"));
  return repository_.DeletePosition(call, request.id(), request.etag());
}

absl::Status StructureHandlers::ListPositions(const CallContext& call,
                                              const v1::ListPositionsRequest&,
                                              v1::ListPositionsResponse* response) {
  CRM_ASSIGN_OR_RETURN(std::vector<v1::Position> positions, repository_.ListPositions(call));
  for (v1::Position& p : positions) *response->add_positions() = std::move(p);
  return absl::OkStatus();
}

absl::Status StructureHandlers::CreateEmployee(const CallContext& call,
                                               const v1::CreateEmployeeRequest& request,
                                               v1::Employee* response) {
  v1::Employee e = request.employee();
  CRM_RETURN_IF_ERROR(ValidateEmployee(e));
  if (request.request_id().size() > 64) return InvalidField("request_id", "is too long");
  CRM_ASSIGN_OR_RETURN(*response, repository_.CreateEmployee(call, e, request.request_id()));
  return absl::OkStatus();
}

absl::Status StructureHandlers::UpdateEmployee(const CallContext& call,
                                               const v1::UpdateEmployeeRequest& request,
                                               v1::Employee* response) {
  const v1::Employee& patch = request.employee();
  CRM_RETURN_IF_ERROR(CheckId(patch.id(), "employee.id"));
  static const char* const kMutable[] = {"name",  "department_id", "position_id",
                                         "phone", "email",         "hire_date"};
  std::vector<std::string> paths(request.update_mask().paths().begin(),
                                 request.update_mask().paths().end());
  FieldViolations v;
  for (const std::string& path : paths) {
    if (std::find(std::begin(kMutable), std::end(kMutable), path) == std::end(kMutable)) {
      v.Add("update_mask", absl::StrCat("field '", path, "' cannot be updated"));
    }
  }
  if (paths.empty()) v.Add("update_mask", "names no field");
  CRM_RETURN_IF_ERROR(v.ToStatus());
  auto change = [&](v1::Employee& e) -> absl::Status {
    for (const std::string& path : paths) {
      if (path == "name") e.set_name(patch.name());
      if (path == "department_id") e.set_department_id(patch.department_id());
      if (path == "position_id") e.set_position_id(patch.position_id());
      if (path == "phone") e.set_phone(patch.phone());
      if (path == "email") e.set_email(patch.email());
      if (path == "hire_date") e.set_hire_date(patch.hire_date());
    }
    return ValidateEmployee(e);
  };
  CRM_ASSIGN_OR_RETURN(*response,
                       repository_.UpdateEmployee(call, patch.id(), patch.etag(), change));
  return absl::OkStatus();
}

absl::Status StructureHandlers::LeaveEmployee(const CallContext& call,
                                              const v1::LeaveEmployeeRequest& request,
                                              v1::Employee* response) {
  CRM_RETURN_IF_ERROR(CheckId(request.id(), "id"));
  std::string date = request.leave_date();
  if (date.empty()) {
    date = FormatIsoDate(Today(zone_));
  } else if (!ParseIsoDate(date).ok()) {
    return InvalidField("leave_date", "must be a date as YYYY-MM-DD");
  }
  CRM_ASSIGN_OR_RETURN(*response,
                       repository_.LeaveEmployee(call, request.id(), date, request.etag()));
  return absl::OkStatus();
}

absl::Status StructureHandlers::GetEmployee(const CallContext& call,
                                            const v1::GetEmployeeRequest& request,
                                            v1::Employee* response) {
  CRM_RETURN_IF_ERROR(CheckId(request.id(), "id"));
  CRM_ASSIGN_OR_RETURN(*response, repository_.GetEmployee(call, request.id()));
  return absl::OkStatus();
}

absl::Status StructureHandlers::ListEmployees(const CallContext& call,
                                              const v1::ListEmployeesRequest& request,
                                              v1::ListEmployeesResponse* response) {
  FieldViolations v;
  if (request.page_size() < 0) v.Add("page_size", "must not be negative");
  if (request.department_id() < 0) v.Add("department_id", "must not be negative");
  if (request.position_id() < 0) v.Add("position_id", "must not be negative");
  CheckText(v, "name_contains", request.name_contains(), 100, Presence::kOptional);
  CRM_RETURN_IF_ERROR(v.ToStatus());
  EmployeeQuery query;
  query.department_id = request.department_id();
  query.include_subdepartments = request.include_subdepartments();
  query.name_contains = TrimText(request.name_contains());
  query.position_id = request.position_id();
  query.include_left = request.include_left();
  query.page_size =
      request.page_size() == 0 ? kDefaultPageSize : std::min(request.page_size(), kMaxPageSize);
  const uint64_t fingerprint = FilterFingerprint(
      {"employees", absl::StrCat(query.department_id), query.include_subdepartments ? "1" : "0",
       query.name_contains, absl::StrCat(query.position_id), query.include_left ? "1" : "0"});
  CRM_ASSIGN_OR_RETURN(std::vector<std::string> position,
                       DecodePageToken(request.page_token(), fingerprint));
  if (!position.empty() && !absl::SimpleAtoi(position[0], &query.after_id)) {
    return InvalidField("page_token", "is malformed");
  }
  CRM_ASSIGN_OR_RETURN(EmployeePage page, repository_.ListEmployees(call, query));
  for (v1::Employee& e : page.employees) *response->add_employees() = std::move(e);
  response->set_total_size(page.total_size);
  if (page.has_more) {
    response->set_next_page_token(EncodePageToken(
        {absl::StrCat(response->employees(response->employees_size() - 1).id())}, fingerprint));
  }
  return absl::OkStatus();
}

}  // namespace crm::org
