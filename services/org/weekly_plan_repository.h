// SQL for weekly plans with their tasks (R28) (crm_org.weekly_plans,
// weekly_plan_tasks): one per employee per week, with the department path
// the author had when writing (visibility).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/db/keyset_page.h"
#include "common/rpc/call_context.h"
#include "crm/org/v1/work.pb.h"
#include "services/org/employee_repository.h"

namespace crm {
class Database;
}  // namespace crm

namespace crm::org {

// Which plans a list holds (every filter optional).
struct WeeklyPlanFilter {
  int64_t employee_id = 0;
  std::string week_start;  // "": any week
  v1::WeeklyPlanStatus status = v1::WEEKLY_PLAN_STATUS_UNSPECIFIED;
};

// Where a list page starts: after this plan in (newest week first, then id) order.
struct WeeklyPlanPosition {
  std::string week_start;
  int64_t id = 0;
};

using WeeklyPlanPage = Page<v1::WeeklyPlan>;

// Every read obeys the caller's visibility scope (common/db/visibility.h)
// over the author's employee id and the department path stored with the
// row; plans outside it are NOT_FOUND.
class WeeklyPlanRepository {
 public:
  explicit WeeklyPlanRepository(Database& db) : db_(db) {}

  // Creates the author's DRAFT plan for the week (a retry with the same
  // request id returns it) or replaces its tasks while it is DRAFT or
  // RETURNED (FAILED_PRECONDITION otherwise).
  absl::StatusOr<v1::WeeklyPlan> Save(const CallContext& call, const EmployeePlacement& author,
                                      const std::string& week_start,
                                      const std::vector<v1::PlanTask>& tasks,
                                      const std::string& etag, const std::string& request_id);
  // The caller's own DRAFT or RETURNED plan becomes SUBMITTED.
  absl::StatusOr<v1::WeeklyPlan> Submit(const CallContext& call, int64_t id,
                                        const std::string& etag);
  // A SUBMITTED plan in the caller's scope, not their own, becomes APPROVED or RETURNED.
  absl::StatusOr<v1::WeeklyPlan> Review(const CallContext& call, int64_t id, bool approve,
                                        const std::string& comment, const std::string& etag);
  absl::StatusOr<v1::WeeklyPlan> Get(const CallContext& call, int64_t id);
  absl::StatusOr<WeeklyPlanPage> List(const CallContext& call, const WeeklyPlanFilter& filter,
                                      int page_size,
                                      const std::optional<WeeklyPlanPosition>& after);

 private:
  Database& db_;
};

}  // namespace crm::org
