// Departments, positions and employees (R23-R25): validation and mapping
// around their repositories.
#pragma once

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/rpc/call_context.h"
#include "crm/org/v1/structure.pb.h"
#include "google/protobuf/empty.pb.h"

namespace crm::org {

class DepartmentRepository;
class EmployeeRepository;
class PositionRepository;

class StructureHandlers {
 public:
  // `zone`: the company's, whose today a leave date defaults to.
  StructureHandlers(DepartmentRepository& departments, PositionRepository& positions,
                    EmployeeRepository& employees, absl::TimeZone zone)
      : departments_(departments), positions_(positions), employees_(employees), zone_(zone) {}

  absl::Status CreateDepartment(const CallContext& call, const v1::CreateDepartmentRequest& request,
                                v1::Department* response);
  absl::Status UpdateDepartment(const CallContext& call, const v1::UpdateDepartmentRequest& request,
                                v1::Department* response);
  absl::Status MoveDepartment(const CallContext& call, const v1::MoveDepartmentRequest& request,
                              v1::Department* response);
  absl::Status CloseDepartment(const CallContext& call, const v1::CloseDepartmentRequest& request,
                               v1::Department* response);
  absl::Status GetDepartment(const CallContext& call, const v1::GetDepartmentRequest& request,
                             v1::Department* response);
  absl::Status ListDepartments(const CallContext& call, const v1::ListDepartmentsRequest& request,
                               v1::ListDepartmentsResponse* response);

  absl::Status CreatePosition(const CallContext& call, const v1::CreatePositionRequest& request,
                              v1::Position* response);
  absl::Status UpdatePosition(const CallContext& call, const v1::UpdatePositionRequest& request,
                              v1::Position* response);
  absl::Status DeletePosition(const CallContext& call, const v1::DeletePositionRequest& request,
                              google::protobuf::Empty* response);
  absl::Status ListPositions(const CallContext& call, const v1::ListPositionsRequest& request,
                             v1::ListPositionsResponse* response);

  absl::Status CreateEmployee(const CallContext& call, const v1::CreateEmployeeRequest& request,
                              v1::Employee* response);
  absl::Status UpdateEmployee(const CallContext& call, const v1::UpdateEmployeeRequest& request,
                              v1::Employee* response);
  absl::Status LeaveEmployee(const CallContext& call, const v1::LeaveEmployeeRequest& request,
                             v1::Employee* response);
  absl::Status GetEmployee(const CallContext& call, const v1::GetEmployeeRequest& request,
                           v1::Employee* response);
  absl::Status ListEmployees(const CallContext& call, const v1::ListEmployeesRequest& request,
                             v1::ListEmployeesResponse* response);
  absl::Status ListApprovers(const CallContext& call, const v1::ListApproversRequest& request,
                             v1::ListApproversResponse* response);

 private:
  DepartmentRepository& departments_;
  PositionRepository& positions_;
  EmployeeRepository& employees_;
  const absl::TimeZone zone_;
};

}  // namespace crm::org
