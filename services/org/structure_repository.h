// SQL for departments, positions and employees (crm_org).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/rpc/call_context.h"
#include "crm/org/v1/structure.pb.h"

namespace crm {
class Database;
class MySqlConnection;
}  // namespace crm

namespace crm::org {

// Where an employee sits, for identities and ownership.
struct EmployeePlacement {
  int64_t employee_id = 0;
  std::string name;
  int64_t department_id = 0;
  std::string department_path;
  bool active = false;
};

struct EmployeeQuery {
  int64_t department_id = 0;
  bool include_subdepartments = false;
  std::string name_contains;
  int64_t position_id = 0;
  bool include_left = false;
  int page_size = 50;
  int64_t after_id = 0;
};

struct EmployeePage {
  std::vector<v1::Employee> employees;
  bool has_more = false;
  int64_t total_size = 0;
};

class StructureRepository {
 public:
  explicit StructureRepository(Database& db) : db_(db) {}

  absl::StatusOr<v1::Department> CreateDepartment(const CallContext& call,
                                                  const v1::Department& department,
                                                  const std::string& request_id);
  absl::StatusOr<v1::Department> RenameDepartment(const CallContext& call, int64_t id,
                                                  const std::string& etag, const std::string& name);
  // Moves the department and its subtree; refuses a move into its own subtree.
  absl::StatusOr<v1::Department> MoveDepartment(const CallContext& call, int64_t id,
                                                int64_t new_parent_id, const std::string& etag);
  absl::StatusOr<v1::Department> CloseDepartment(const CallContext& call, int64_t id,
                                                 const std::string& etag);
  absl::StatusOr<v1::Department> GetDepartment(const CallContext& call, int64_t id);
  absl::StatusOr<std::vector<v1::Department>> ListDepartments(const CallContext& call,
                                                              bool include_closed);

  absl::StatusOr<v1::Position> CreatePosition(const CallContext& call, const v1::Position& position,
                                              const std::string& request_id);
  absl::StatusOr<v1::Position> UpdatePosition(
      const CallContext& call, int64_t id, const std::string& etag,
      const std::function<absl::Status(v1::Position&)>& change);
  absl::Status DeletePosition(const CallContext& call, int64_t id, const std::string& etag);
  absl::StatusOr<std::vector<v1::Position>> ListPositions(const CallContext& call);

  absl::StatusOr<v1::Employee> CreateEmployee(const CallContext& call, const v1::Employee& employee,
                                              const std::string& request_id);
  absl::StatusOr<v1::Employee> UpdateEmployee(
      const CallContext& call, int64_t id, const std::string& etag,
      const std::function<absl::Status(v1::Employee&)>& change);
  // Marks the employee as left and disables their user account, if any.
  absl::StatusOr<v1::Employee> LeaveEmployee(const CallContext& call, int64_t id,
                                             const std::string& leave_date,
                                             const std::string& etag);
  absl::StatusOr<v1::Employee> GetEmployee(const CallContext& call, int64_t id);
  absl::StatusOr<EmployeePage> ListEmployees(const CallContext& call, const EmployeeQuery& query);

  // NOT_FOUND when there is no such employee.
  absl::StatusOr<EmployeePlacement> Placement(const CallContext& call, int64_t employee_id);

 private:
  Database& db_;
};

}  // namespace crm::org
