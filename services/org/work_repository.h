// SQL for daily work logs (R27) and weekly plans with their tasks (R28) (crm_org).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/rpc/call_context.h"
#include "crm/org/v1/work.pb.h"
#include "services/org/structure_repository.h"

namespace crm {
class Database;
}  // namespace crm

namespace crm::org {

struct WorkLogQuery {
  int64_t employee_id = 0;
  std::string department_path;  // "": any; else this department's subtree
  std::string start_date;       // inclusive, "" for no bound
  std::string end_date;         // inclusive, "" for no bound
  int page_size = 50;
  // Keyset position: the last row served (newest day first, then id); "" for the first page.
  std::string after_date;
  int64_t after_id = 0;
};

struct WorkLogPage {
  std::vector<v1::WorkLog> logs;
  bool has_more = false;
  int64_t total_size = 0;
};

struct WeeklyPlanQuery {
  int64_t employee_id = 0;
  std::string week_start;  // "": any week
  v1::WeeklyPlanStatus status = v1::WEEKLY_PLAN_STATUS_UNSPECIFIED;
  int page_size = 50;
  // Keyset position: the last row served (newest week first, then id); "" for the first page.
  std::string after_week;
  int64_t after_id = 0;
};

struct WeeklyPlanPage {
  std::vector<v1::WeeklyPlan> plans;
  bool has_more = false;
  int64_t total_size = 0;
};

// Every read obeys the caller's visibility scope (common/db/visibility.h) over the
// owner's employee id and the department path stored with the row.
class WorkRepository {
 public:
  explicit WorkRepository(Database& db) : db_(db) {}

  // The author's log for `day` (the company's today): created on the first
  // write, its content replaced afterwards. A given etag must match the
  // existing log (ABORTED otherwise, also when there is no log yet that day).
  absl::StatusOr<v1::WorkLog> WriteLog(const CallContext& call, const EmployeePlacement& author,
                                       const std::string& day, const std::string& content,
                                       const std::string& etag);
  absl::StatusOr<WorkLogPage> ListLogs(const CallContext& call, const WorkLogQuery& query);

  // Creates the author's DRAFT plan for the week or replaces its tasks while it
  // is DRAFT or RETURNED (FAILED_PRECONDITION otherwise).
  absl::StatusOr<v1::WeeklyPlan> SavePlan(const CallContext& call, const EmployeePlacement& author,
                                          const std::string& week_start,
                                          const std::vector<v1::PlanTask>& tasks,
                                          const std::string& etag);
  // The caller's own DRAFT or RETURNED plan becomes SUBMITTED.
  absl::StatusOr<v1::WeeklyPlan> SubmitPlan(const CallContext& call, int64_t id,
                                            const std::string& etag);
  // A SUBMITTED plan in the caller's scope, not their own, becomes APPROVED or RETURNED.
  absl::StatusOr<v1::WeeklyPlan> ReviewPlan(const CallContext& call, int64_t id, bool approve,
                                            const std::string& comment, const std::string& etag);
  absl::StatusOr<v1::WeeklyPlan> GetPlan(const CallContext& call, int64_t id);
  absl::StatusOr<WeeklyPlanPage> ListPlans(const CallContext& call, const WeeklyPlanQuery& query);

 private:
  Database& db_;
};

}  // namespace crm::org
