// SQL for employees (crm_org.employees), each placed in a department and
// optionally holding a position.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/db/keyset_page.h"
#include "common/rpc/call_context.h"
#include "crm/org/v1/structure.pb.h"

namespace crm {
class Database;
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

// Which employees a list holds (every filter optional).
struct EmployeeFilter {
  int64_t department_id = 0;
  bool include_subdepartments = false;
  std::string name_contains;
  int64_t position_id = 0;
  bool include_left = false;
};

using EmployeePage = Page<v1::Employee>;

// Who approves a sales document: see crm.org.v1.ListApproversRequest.
struct ApproverQuery {
  int64_t department_id = 0;
  int levels_up = 0;
  std::string role;  // empty: the department heads
  int64_t exclude_employee_id = 0;
};

// Every write appends its change row in the same transaction.
class EmployeeRepository {
 public:
  explicit EmployeeRepository(Database& db) : db_(db) {}

  // The department must be open and the position (when given) exist.
  absl::StatusOr<v1::Employee> Create(const CallContext& call, const v1::Employee& employee,
                                      const std::string& request_id);
  // Locks the employee, checks `etag`, lets `change` edit it (an error
  // aborts), re-checks a changed placement and writes it back when it changed.
  absl::StatusOr<v1::Employee> Update(const CallContext& call, int64_t id, const std::string& etag,
                                      const std::function<absl::Status(v1::Employee&)>& change);
  // Marks the employee as left and disables their user account, if any.
  absl::StatusOr<v1::Employee> Leave(const CallContext& call, int64_t id,
                                     const std::string& leave_date, const std::string& etag);
  absl::StatusOr<v1::Employee> Get(const CallContext& call, int64_t id);
  // By id, after `after_id` (nullopt: the first page).
  absl::StatusOr<EmployeePage> List(const CallContext& call, const EmployeeFilter& filter,
                                    int page_size, std::optional<int64_t> after_id);

  // At most 50, by id; NOT_FOUND when the department does not exist.
  absl::StatusOr<std::vector<v1::Employee>> Approvers(const CallContext& call,
                                                      const ApproverQuery& query);

  // NOT_FOUND when there is no such employee.
  absl::StatusOr<EmployeePlacement> Placement(const CallContext& call, int64_t employee_id);

 private:
  Database& db_;
};

}  // namespace crm::org
