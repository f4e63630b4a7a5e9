// StructureHandlers.
#include "services/org/structure_handlers.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/base/dates.h"
#include "common/base/status_util.h"
#include "common/db/record_helpers.h"
#include "common/rpc/paging.h"
#include "common/rpc/update_mask.h"
#include "common/text/text_checks.h"
#include "services/org/department_repository.h"
#include "services/org/employee_repository.h"
#include "services/org/position_repository.h"

namespace crm::org {
namespace {

using v1::Department;
using v1::Employee;
using v1::Position;

// Only the name: MoveDepartment changes the parent, CloseDepartment closes.
const MaskFields<Department>& DepartmentFields() {
  static const auto* fields = new MaskFields<Department>{
      {"name", TextField(&Department::name, &Department::mutable_name)},
  };
  return *fields;
}

const MaskFields<Position>& PositionFields() {
  static const auto* fields = new MaskFields<Position>{
      {"name", TextField(&Position::name, &Position::mutable_name)},
      // Multi-line text keeps its layout.
      {"description", VerbatimTextField(&Position::description, &Position::mutable_description)},
  };
  return *fields;
}

// Status and leave date change through LeaveEmployee only.
const MaskFields<Employee>& EmployeeFields() {
  static const auto* fields = new MaskFields<Employee>{
      {"name", TextField(&Employee::name, &Employee::mutable_name)},
      {"department_id", ScalarField(&Employee::department_id, &Employee::set_department_id)},
      {"position_id", ScalarField(&Employee::position_id, &Employee::set_position_id)},
      {"phone", TextField(&Employee::phone, &Employee::mutable_phone)},
      {"email", TextField(&Employee::email, &Employee::mutable_email)},
      {"hire_date", VerbatimTextField(&Employee::hire_date, &Employee::mutable_hire_date)},
  };
  return *fields;
}

absl::Status CheckId(int64_t id, const char* field) {
  return id > 0 ? absl::OkStatus() : InvalidField(field, "must be a positive id");
}

void CheckDate(FieldViolations& v, const std::string& field, const std::string& date) {
  if (!date.empty() && !ParseIsoDate(date).ok()) v.Add(field, "must be a date as YYYY-MM-DD");
}

absl::Status ValidateDepartmentName(const Department& d) {
  FieldViolations v;
  CheckText(v, "department.name", d.name(), 100, Presence::kRequired);
  return v.ToStatus();
}

void CheckPosition(FieldViolations& v, const Position& p) {
  CheckText(v, "position.name", p.name(), 100, Presence::kRequired);
  CheckText(v, "position.description", p.description(), 500, Presence::kOptional, true);
}

// Employee fields a caller sets, checked as a whole record.
absl::Status ValidateEmployee(Employee& e) {
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

// Refuses a bad mask before the database is touched.
template <typename Message>
absl::Status CheckMask(const google::protobuf::FieldMask& mask, const MaskFields<Message>& fields,
                       const Message& patch) {
  Message scratch;
  return ApplyMask(mask, fields, patch, scratch);
}

}  // namespace

absl::Status StructureHandlers::CreateDepartment(const CallContext& call,
                                                 const v1::CreateDepartmentRequest& request,
                                                 Department* response) {
  Department d = request.department();
  d.set_name(TrimText(d.name()));
  FieldViolations v;
  CheckText(v, "department.name", d.name(), 100, Presence::kRequired);
  if (d.parent_id() < 0) v.Add("department.parent_id", "must not be negative");
  CheckRequestId(v, request.request_id());
  CRM_RETURN_IF_ERROR(v.ToStatus());
  CRM_ASSIGN_OR_RETURN(*response, departments_.Create(call, d, request.request_id()));
  return absl::OkStatus();
}

absl::Status StructureHandlers::UpdateDepartment(const CallContext& call,
                                                 const v1::UpdateDepartmentRequest& request,
                                                 Department* response) {
  const Department& patch = request.department();
  CRM_RETURN_IF_ERROR(CheckId(patch.id(), "department.id"));
  CRM_RETURN_IF_ERROR(RequireEtag(patch.etag(), "department.etag"));
  CRM_RETURN_IF_ERROR(CheckMask(request.update_mask(), DepartmentFields(), patch));
  auto change = [&](Department& stored) -> absl::Status {
    CRM_RETURN_IF_ERROR(ApplyMask(request.update_mask(), DepartmentFields(), patch, stored));
    return ValidateDepartmentName(stored);
  };
  CRM_ASSIGN_OR_RETURN(*response, departments_.Update(call, patch.id(), patch.etag(), change));
  return absl::OkStatus();
}

absl::Status StructureHandlers::MoveDepartment(const CallContext& call,
                                               const v1::MoveDepartmentRequest& request,
                                               Department* response) {
  CRM_RETURN_IF_ERROR(CheckId(request.id(), "id"));
  if (request.new_parent_id() < 0) return InvalidField("new_parent_id", "must not be negative");
  if (request.new_parent_id() == request.id()) {
    return InvalidField("new_parent_id", "cannot move a department under itself");
  }
  CRM_ASSIGN_OR_RETURN(
      *response, departments_.Move(call, request.id(), request.new_parent_id(), request.etag()));
  return absl::OkStatus();
}

absl::Status StructureHandlers::CloseDepartment(const CallContext& call,
                                                const v1::CloseDepartmentRequest& request,
                                                Department* response) {
  CRM_RETURN_IF_ERROR(CheckId(request.id(), "id"));
  CRM_ASSIGN_OR_RETURN(*response, departments_.Close(call, request.id(), request.etag()));
  return absl::OkStatus();
}

absl::Status StructureHandlers::GetDepartment(const CallContext& call,
                                              const v1::GetDepartmentRequest& request,
                                              Department* response) {
  CRM_RETURN_IF_ERROR(CheckId(request.id(), "id"));
  CRM_ASSIGN_OR_RETURN(*response, departments_.Get(call, request.id()));
  return absl::OkStatus();
}

absl::Status StructureHandlers::ListDepartments(const CallContext& call,
                                                const v1::ListDepartmentsRequest& request,
                                                v1::ListDepartmentsResponse* response) {
  CRM_ASSIGN_OR_RETURN(std::vector<Department> departments,
                       departments_.List(call, request.include_closed()));
  for (Department& d : departments) *response->add_departments() = std::move(d);
  return absl::OkStatus();
}

absl::Status StructureHandlers::CreatePosition(const CallContext& call,
                                               const v1::CreatePositionRequest& request,
                                               Position* response) {
  Position p;  // id, times and etag are output only
  for (const auto& [path, field] : PositionFields()) field.copy(request.position(), p);
  FieldViolations v;
  CheckPosition(v, p);
  CheckRequestId(v, request.request_id());
  CRM_RETURN_IF_ERROR(v.ToStatus());
  CRM_ASSIGN_OR_RETURN(*response, positions_.Create(call, p, request.request_id()));
  return absl::OkStatus();
}

absl::Status StructureHandlers::UpdatePosition(const CallContext& call,
                                               const v1::UpdatePositionRequest& request,
                                               Position* response) {
  const Position& patch = request.position();
  CRM_RETURN_IF_ERROR(CheckId(patch.id(), "position.id"));
  CRM_RETURN_IF_ERROR(RequireEtag(patch.etag(), "position.etag"));
  CRM_RETURN_IF_ERROR(CheckMask(request.update_mask(), PositionFields(), patch));
  auto change = [&](Position& stored) -> absl::Status {
    CRM_RETURN_IF_ERROR(ApplyMask(request.update_mask(), PositionFields(), patch, stored));
    FieldViolations v;
    CheckPosition(v, stored);
    return v.ToStatus();
  };
  CRM_ASSIGN_OR_RETURN(*response, positions_.Update(call, patch.id(), patch.etag(), change));
  return absl::OkStatus();
}

absl::Status StructureHandlers::DeletePosition(const CallContext& call,
                                               const v1::DeletePositionRequest& request,
                                               google::protobuf::Empty*) {
  CRM_RETURN_IF_ERROR(CheckId(request.id(), "id"));
  return positions_.Delete(call, request.id(), request.etag());
}

absl::Status StructureHandlers::ListPositions(const CallContext& call,
                                              const v1::ListPositionsRequest&,
                                              v1::ListPositionsResponse* response) {
  CRM_ASSIGN_OR_RETURN(std::vector<Position> positions, positions_.List(call));
  for (Position& p : positions) *response->add_positions() = std::move(p);
  return absl::OkStatus();
}

absl::Status StructureHandlers::CreateEmployee(const CallContext& call,
                                               const v1::CreateEmployeeRequest& request,
                                               Employee* response) {
  Employee e = request.employee();
  CRM_RETURN_IF_ERROR(ValidateEmployee(e));
  if (request.request_id().size() > 64) return InvalidField("request_id", "is too long");
  CRM_ASSIGN_OR_RETURN(*response, employees_.Create(call, e, request.request_id()));
  return absl::OkStatus();
}

absl::Status StructureHandlers::UpdateEmployee(const CallContext& call,
                                               const v1::UpdateEmployeeRequest& request,
                                               Employee* response) {
  const Employee& patch = request.employee();
  CRM_RETURN_IF_ERROR(CheckId(patch.id(), "employee.id"));
  CRM_RETURN_IF_ERROR(RequireEtag(patch.etag(), "employee.etag"));
  CRM_RETURN_IF_ERROR(CheckMask(request.update_mask(), EmployeeFields(), patch));
  auto change = [&](Employee& stored) -> absl::Status {
    CRM_RETURN_IF_ERROR(ApplyMask(request.update_mask(), EmployeeFields(), patch, stored));
    return ValidateEmployee(stored);
  };
  CRM_ASSIGN_OR_RETURN(*response, employees_.Update(call, patch.id(), patch.etag(), change));
  return absl::OkStatus();
}

absl::Status StructureHandlers::LeaveEmployee(const CallContext& call,
                                              const v1::LeaveEmployeeRequest& request,
                                              Employee* response) {
  CRM_RETURN_IF_ERROR(CheckId(request.id(), "id"));
  std::string date = request.leave_date();
  if (date.empty()) {
    date = FormatIsoDate(absl::ToCivilDay(call.Now(), zone_));  // today, the company's
  } else if (!ParseIsoDate(date).ok()) {
    return InvalidField("leave_date", "must be a date as YYYY-MM-DD");
  }
  CRM_ASSIGN_OR_RETURN(*response, employees_.Leave(call, request.id(), date, request.etag()));
  return absl::OkStatus();
}

absl::Status StructureHandlers::GetEmployee(const CallContext& call,
                                            const v1::GetEmployeeRequest& request,
                                            Employee* response) {
  CRM_RETURN_IF_ERROR(CheckId(request.id(), "id"));
  CRM_ASSIGN_OR_RETURN(*response, employees_.Get(call, request.id()));
  return absl::OkStatus();
}

absl::Status StructureHandlers::ListEmployees(const CallContext& call,
                                              const v1::ListEmployeesRequest& request,
                                              v1::ListEmployeesResponse* response) {
  FieldViolations v;
  if (request.department_id() < 0) v.Add("department_id", "must not be negative");
  if (request.position_id() < 0) v.Add("position_id", "must not be negative");
  CheckText(v, "name_contains", request.name_contains(), 100, Presence::kOptional);
  EmployeeFilter filter;
  filter.department_id = request.department_id();
  filter.include_subdepartments = request.include_subdepartments();
  filter.name_contains = TrimText(request.name_contains());
  filter.position_id = request.position_id();
  filter.include_left = request.include_left();
  CRM_ASSIGN_OR_RETURN(
      PageRequest page,
      PageRequest::Parse(request,
                         {"employees", absl::StrCat(filter.department_id),
                          filter.include_subdepartments ? "1" : "0", filter.name_contains,
                          absl::StrCat(filter.position_id), filter.include_left ? "1" : "0"},
                         {}, &v));
  CRM_RETURN_IF_ERROR(v.ToStatus());
  CRM_ASSIGN_OR_RETURN(auto after, page.After<int64_t>());
  std::optional<int64_t> after_id;
  if (after) after_id = std::get<0>(*after);
  CRM_ASSIGN_OR_RETURN(EmployeePage listed, employees_.List(call, filter, page.size(), after_id));
  for (Employee& e : listed.rows) *response->add_employees() = std::move(e);
  response->set_total_size(listed.total_size);
  if (listed.has_more) {
    const Employee& last = response->employees(response->employees_size() - 1);
    response->set_next_page_token(page.NextToken(listed.has_more, {absl::StrCat(last.id())}));
  }
  return absl::OkStatus();
}

absl::Status StructureHandlers::ListApprovers(const CallContext& call,
                                              const v1::ListApproversRequest& request,
                                              v1::ListApproversResponse* response) {
  FieldViolations v;
  ApproverQuery query;
  query.role = TrimText(request.role());
  if (query.role.empty()) {
    CRM_RETURN_IF_ERROR(CheckId(request.department_id(), "department_id"));
  } else if (!ParseRole(query.role).ok()) {
    v.Add("role", absl::StrCat("unknown role '", query.role, "'"));
  }
  if (request.levels_up() < 0 || request.levels_up() > 20) v.Add("levels_up", "must be 0 to 20");
  if (request.exclude_employee_id() < 0) v.Add("exclude_employee_id", "must not be negative");
  CRM_RETURN_IF_ERROR(v.ToStatus());
  query.department_id = request.department_id();
  query.levels_up = request.levels_up();
  query.exclude_employee_id = request.exclude_employee_id();
  CRM_ASSIGN_OR_RETURN(std::vector<Employee> approvers, employees_.Approvers(call, query));
  for (Employee& e : approvers) *response->add_approvers() = std::move(e);
  return absl::OkStatus();
}

}  // namespace crm::org
