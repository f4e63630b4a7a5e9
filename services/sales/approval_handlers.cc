// ApprovalHandlers, and the approval checks order steps make.
#include "services/sales/approval_handlers.h"

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/base/status_util.h"
#include "common/db/record_helpers.h"
#include "common/rpc/paging.h"
#include "common/text/text_checks.h"
#include "services/sales/approval_rules.h"

namespace crm::sales {
namespace {

constexpr int kMaxCommentChars = 500;
constexpr PageLimits kInboxPages{50, 200};

absl::Status CheckDocument(FieldViolations& v, v1::ApprovalDocumentType type, int64_t id) {
  if (type == v1::APPROVAL_DOCUMENT_TYPE_UNSPECIFIED || !v1::ApprovalDocumentType_IsValid(type)) {
    v.Add("document_type", "must be an order, a quote, a contract or a receipt void");
  }
  if (id <= 0) v.Add("document_id", "must be a positive document id");
  return v.ToStatus();
}

std::string StepName(const v1::ApprovalStep& step) {
  return step.approver() == v1::NAMED_ROLE ? absl::StrCat("role ", step.role())
                                           : v1::ApproverKind_Name(step.approver());
}

}  // namespace

absl::Status ApprovalHandlers::SetApprovalRule(const CallContext& call,
                                               const v1::SetApprovalRuleRequest& request,
                                               v1::ApprovalRule* response) {
  v1::ApprovalRule rule = request.rule();
  if (rule.id() != 0) CRM_RETURN_IF_ERROR(RequireEtag(rule.etag(), "rule.etag"));
  rule.set_name(TrimText(rule.name()));
  rule.clear_update_time();
  CRM_RETURN_IF_ERROR(ValidateApprovalRule(rule));
  CRM_ASSIGN_OR_RETURN(*response, approvals_.SetRule(call, rule));
  return absl::OkStatus();
}

absl::Status ApprovalHandlers::ListApprovalRules(const CallContext& call,
                                                 const v1::ListApprovalRulesRequest& request,
                                                 v1::ListApprovalRulesResponse* response) {
  if (!v1::ApprovalDocumentType_IsValid(request.document_type())) {
    return InvalidField("document_type", "is not a document type");
  }
  CRM_ASSIGN_OR_RETURN(std::vector<v1::ApprovalRule> rules,
                       approvals_.ListRules(call, request.document_type()));
  for (v1::ApprovalRule& r : rules) *response->add_rules() = std::move(r);
  return absl::OkStatus();
}

absl::Status ApprovalHandlers::SubmitForApproval(const CallContext& call,
                                                 const v1::SubmitForApprovalRequest& request,
                                                 v1::Approval* response) {
  FieldViolations v;
  const std::string comment = TrimText(request.comment());
  CheckText(v, "comment", comment, kMaxCommentChars, Presence::kOptional, /*multiline=*/true);
  CRM_RETURN_IF_ERROR(CheckDocument(v, request.document_type(), request.document_id()));
  CRM_ASSIGN_OR_RETURN(const ApprovalDocument doc,
                       approvals_.Peek(call, request.document_type(), request.document_id()));
  CRM_ASSIGN_OR_RETURN(std::vector<v1::ApprovalRule> rules,
                       approvals_.ListRules(call, request.document_type()));
  ApprovalPlan plan;
  plan.facts = doc.facts;
  plan.required = RequiredFor(rules, plan.facts);
  plan.comment = comment;
  const std::string resource = absl::StrCat(DocumentNoun(doc.type), "/", doc.id);
  if (plan.required.rule_ids.empty()) {
    return WithErrorInfo(absl::FailedPreconditionError(absl::StrCat(
                             doc.number, " needs no approval: no active rule applies")),
                         "APPROVAL_NOT_NEEDED", {}, resource);
  }
  for (size_t s = 0; s < plan.required.steps.size(); ++s) {
    const v1::ApprovalStep& step = plan.required.steps[s];
    absl::StatusOr<std::vector<ResolvedApprover>> found =
        find_approvers_(step, doc.owner_department_id, doc.owner_id);
    if (absl::IsNotFound(found.status()) || (found.ok() && found->empty())) {
      return WithErrorInfo(absl::FailedPreconditionError(
                               absl::StrCat("step ", s + 1, " (", StepName(step), ") of ",
                                            doc.number, "'s approval finds no one to approve")),
                           "NO_APPROVER", {{"step", absl::StrCat(s + 1)}}, resource);
    }
    if (!found.ok()) return found.status();
    plan.approvers.push_back(*std::move(found));
  }
  CRM_ASSIGN_OR_RETURN(*response, approvals_.Submit(call, request.document_type(), doc.id, plan));
  return absl::OkStatus();
}

absl::Status ApprovalHandlers::DecideApproval(const CallContext& call,
                                              const v1::DecideApprovalRequest& request,
                                              v1::Approval* response) {
  FieldViolations v;
  if (request.approval_id() <= 0) v.Add("approval_id", "must be a positive approval id");
  const std::string comment = TrimText(request.comment());
  CheckText(v, "comment", comment, kMaxCommentChars,
            request.approve() ? Presence::kOptional : Presence::kRequired, /*multiline=*/true);
  CRM_RETURN_IF_ERROR(v.ToStatus());
  if (call.caller.employee_id == 0) {
    return absl::PermissionDeniedError("only employees approve: this account is not one");
  }
  CRM_ASSIGN_OR_RETURN(*response,
                       approvals_.Decide(call, request.approval_id(), request.approve(), comment));
  return absl::OkStatus();
}

absl::Status ApprovalHandlers::ListMyApprovals(const CallContext& call,
                                               const v1::ListMyApprovalsRequest& request,
                                               v1::ListMyApprovalsResponse* response) {
  CRM_ASSIGN_OR_RETURN(PageRequest page,
                       PageRequest::ForRequest(request, "my_approvals", kInboxPages));
  CRM_ASSIGN_OR_RETURN(auto after, (page.After<int64_t>()));
  CRM_ASSIGN_OR_RETURN(
      Page<v1::Approval> listed,
      approvals_.Inbox(call, page.size(),
                       after ? std::optional<int64_t>(std::get<0>(*after)) : std::nullopt));
  for (v1::Approval& a : listed.rows) *response->add_approvals() = std::move(a);
  if (listed.has_more) {
    const v1::Approval& last = response->approvals(response->approvals_size() - 1);
    response->set_next_page_token(page.NextToken(true, {absl::StrCat(last.id())}));
  }
  return absl::OkStatus();
}

absl::Status ApprovalHandlers::GetApproval(const CallContext& call,
                                           const v1::GetApprovalRequest& request,
                                           v1::Approval* response) {
  if (request.id() <= 0) return InvalidField("id", "must be a positive approval id");
  CRM_ASSIGN_OR_RETURN(*response, approvals_.Get(call, request.id()));
  return absl::OkStatus();
}

absl::Status ApprovalHandlers::ListApprovals(const CallContext& call,
                                             const v1::ListApprovalsRequest& request,
                                             v1::ListApprovalsResponse* response) {
  FieldViolations v;
  CRM_RETURN_IF_ERROR(CheckDocument(v, request.document_type(), request.document_id()));
  // Only for those who see the document.
  CRM_RETURN_IF_ERROR(
      approvals_.Peek(call, request.document_type(), request.document_id()).status());
  CRM_ASSIGN_OR_RETURN(
      std::vector<v1::Approval> approvals,
      approvals_.ListForDocument(call, request.document_type(), request.document_id()));
  for (v1::Approval& a : approvals) *response->add_approvals() = std::move(a);
  return absl::OkStatus();
}

void WithdrawIfChanged(MySqlConnection& c, const v1::Order& before, v1::Order& after,
                       absl::Time now) {
  const bool live = before.approval_status() == v1::APPROVAL_PENDING ||
                    before.approval_status() == v1::APPROVAL_APPROVED;
  if (!live || OrderFacts(before).Key() == OrderFacts(after).Key()) return;
  WithdrawApproval(c, before.approval_id(), now);
  after.set_approval_status(v1::APPROVAL_WITHDRAWN);
}

}  // namespace crm::sales
