// SQL for daily work logs (R27) (crm_org.work_logs): one per employee per
// day, with the department path the author had when writing (visibility).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/db/keyset_page.h"
#include "common/rpc/call_context.h"
#include "crm/org/v1/work.pb.h"
#include "services/org/employee_repository.h"

namespace crm {
class Database;
}  // namespace crm

namespace crm::org {

// Which logs a list holds (every filter optional).
struct WorkLogFilter {
  int64_t employee_id = 0;
  std::string department_path;  // "": any; else this department's subtree
  std::string start_date;       // inclusive, "" for no bound
  std::string end_date;         // inclusive, "" for no bound
};

// Where a list page starts: after this log in (newest day first, then id) order.
struct WorkLogPosition {
  std::string log_date;
  int64_t id = 0;
};

using WorkLogPage = Page<v1::WorkLog>;

// Every read obeys the caller's visibility scope (common/db/visibility.h)
// over the author's employee id and the department path stored with the row.
class WorkLogRepository {
 public:
  explicit WorkLogRepository(Database& db) : db_(db) {}

  // The author's log for `day` (the company's today): created on the first
  // write (a retry with the same request id returns it), its content replaced
  // afterwards. A given etag must match the existing log (ABORTED otherwise,
  // also when there is no log yet that day).
  absl::StatusOr<v1::WorkLog> Write(const CallContext& call, const EmployeePlacement& author,
                                    const std::string& day, const std::string& content,
                                    const std::string& etag, const std::string& request_id);
  absl::StatusOr<WorkLogPage> List(const CallContext& call, const WorkLogFilter& filter,
                                   int page_size, const std::optional<WorkLogPosition>& after);

 private:
  Database& db_;
};

}  // namespace crm::org
