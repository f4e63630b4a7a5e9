// Work logs (R27) and weekly plans (R28): validation and mapping around WorkRepository.
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/rpc/call_context.h"
#include "crm/org/v1/work.pb.h"

namespace crm::org {

class StructureRepository;
class WorkRepository;
struct EmployeePlacement;

class WorkHandlers {
 public:
  // `zone` decides which day "today" is for a work log.
  WorkHandlers(WorkRepository& repository, StructureRepository& structure, absl::TimeZone zone)
      : repository_(repository), structure_(structure), zone_(zone) {}

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

  WorkRepository& repository_;
  StructureRepository& structure_;
  const absl::TimeZone zone_;
};

}  // namespace crm::org
