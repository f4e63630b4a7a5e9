// SQL for departments (crm_org.departments): a tree kept as materialised
// paths ("/1/4/9/"), which work logs and weekly plans copy for visibility.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
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

// The department with `id`, locked when `for_update`; null when there is none
// (closed ones included). For repositories that check a department they
// refer to. Throws sql::SQLException.
std::unique_ptr<v1::Department> LoadDepartment(MySqlConnection& connection, int64_t id,
                                               bool for_update);

// Every write appends its change row in the same transaction.
class DepartmentRepository {
 public:
  explicit DepartmentRepository(Database& db) : db_(db) {}

  // Creates `department` (name and parent_id) under an open parent; a second
  // open department of that name under the same parent is ALREADY_EXISTS.
  absl::StatusOr<v1::Department> Create(const CallContext& call, const v1::Department& department,
                                        const std::string& request_id);
  // Locks the department, checks `etag`, lets `change` edit its name (an
  // error aborts) and writes it back when it changed.
  absl::StatusOr<v1::Department> Update(const CallContext& call, int64_t id,
                                        const std::string& etag,
                                        const std::function<absl::Status(v1::Department&)>& change);
  // Moves the department and its subtree; refuses a move into its own subtree.
  absl::StatusOr<v1::Department> Move(const CallContext& call, int64_t id, int64_t new_parent_id,
                                      const std::string& etag);
  absl::StatusOr<v1::Department> Close(const CallContext& call, int64_t id,
                                       const std::string& etag);
  absl::StatusOr<v1::Department> Get(const CallContext& call, int64_t id);
  // Every department (open ones only unless `include_closed`), in path order.
  absl::StatusOr<std::vector<v1::Department>> List(const CallContext& call, bool include_closed);

 private:
  Database& db_;
};

}  // namespace crm::org
