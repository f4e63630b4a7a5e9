// Work logs (R27) and weekly plans (R28): validation and mapping around their
// repositories.
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/rpc/call_context.h"
#include "crm/org/v1/work.pb.h"

namespace crm::org {

class DepartmentRepository;
class EmployeeRepository;
class WeeklyPlanRepository;
class WorkLogRepository;
struct EmployeePlacement;

// The tables work logs and weekly plans read and write.
struct WorkRepositories {
  WorkLogRepository& work_logs;
  WeeklyPlanRepository& weekly_plans;
  EmployeeRepository& employees;      // where the author sits
  DepartmentRepository& departments;  // a listed department's subtree
};

class WorkHandlers {
 public:
  // `zone` decides which day "today" (by the call's clock) is for a work log.
  WorkHandlers(WorkRepositories repositories, absl::TimeZone zone)
      : work_logs_(repositories.work_logs),
        weekly_plans_(repositories.weekly_plans),
        employees_(repositories.employees),
        departments_(repositories.departments),
        zone_(zone) {}

  absl::Status WriteWorkLog(const CallContext& call, const v1::WriteWorkLogRequest& request,
                            v1::WorkLog* response);
  absl::Status ListWorkLogs(const CallContext& call, const v1::ListWorkLogsRequest& request,
                            v1::ListWorkLogsResponse* response);

  absl::Status SaveWeeklyPlan(const CallContext& call, const v1::SaveWeeklyPlanRequest& request,
                              v1::WeeklyPlan* response);
  absl::Status SubmitWeeklyPlan(const CallContext& call, const v1::SubmitWeeklyPlanRequest& request,
                                v1::WeeklyPlan* response);
  absl::Status ReviewWeeklyPlan(const CallContext& call, const v1::ReviewWeeklyPlanRequest& request,
                                v1::WeeklyPlan* response);
  absl::Status GetWeeklyPlan(const CallContext& call, const v1::GetWeeklyPlanRequest& request,
                             v1::WeeklyPlan* response);
  absl::Status ListWeeklyPlans(const CallContext& call, const v1::ListWeeklyPlansRequest& request,
                               v1::ListWeeklyPlansResponse* response);

 private:
  // Where the calling employee sits now; FAILED_PRECONDITION for a caller who
  // is not (or no longer) an employee.
  absl::StatusOr<EmployeePlacement> Author(const CallContext& call);

  WorkLogRepository& work_logs_;
  WeeklyPlanRepository& weekly_plans_;
  EmployeeRepository& employees_;
  DepartmentRepository& departments_;
  const absl::TimeZone zone_;
};

}  // namespace crm::org
