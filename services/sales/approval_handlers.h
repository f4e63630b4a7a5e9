// Handlers of the approval methods (approval.proto): validation, the rules
// that apply, the approvers the org service names, and the repository.
#pragma once

#include <functional>
#include <vector>

#include "absl/status/statusor.h"
#include "common/rpc/call_context.h"
#include "crm/sales/v1/approval.pb.h"
#include "services/sales/approval_repository.h"
#include "services/sales/order_repository.h"

namespace crm::sales {

// Who approves `step` for a document owned by `owner_employee_id` in
// `department_id` (the owner never counts). The org service in production.
using FindApprovers = std::function<absl::StatusOr<std::vector<ResolvedApprover>>(
    const v1::ApprovalStep& step, int64_t department_id, int64_t owner_employee_id)>;

class ApprovalHandlers {
 public:
  ApprovalHandlers(ApprovalRepository& approvals, FindApprovers find)
      : approvals_(approvals), find_approvers_(std::move(find)) {}

  absl::Status SetApprovalRule(const CallContext& call, const v1::SetApprovalRuleRequest& request,
                               v1::ApprovalRule* response);
  absl::Status ListApprovalRules(const CallContext& call,
                                 const v1::ListApprovalRulesRequest& request,
                                 v1::ListApprovalRulesResponse* response);
  absl::Status SubmitForApproval(const CallContext& call,
                                 const v1::SubmitForApprovalRequest& request,
                                 v1::Approval* response);
  absl::Status DecideApproval(const CallContext& call, const v1::DecideApprovalRequest& request,
                              v1::Approval* response);
  absl::Status ListMyApprovals(const CallContext& call, const v1::ListMyApprovalsRequest& request,
                               v1::ListMyApprovalsResponse* response);
  absl::Status GetApproval(const CallContext& call, const v1::GetApprovalRequest& request,
                           v1::Approval* response);
  absl::Status ListApprovals(const CallContext& call, const v1::ListApprovalsRequest& request,
                             v1::ListApprovalsResponse* response);

 private:
  ApprovalRepository& approvals_;
  FindApprovers find_approvers_;
};

// Inside an order edit's transaction: when the edit changed what the rules
// read, the order's pending or granted approval is withdrawn.
void WithdrawIfChanged(MySqlConnection& connection, const v1::Order& before, v1::Order& after,
                       absl::Time now);

}  // namespace crm::sales
