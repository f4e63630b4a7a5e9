// SQL for approvals (approval.proto): rules, approvals and their tasks.
// Every transaction that touches an order's approval locks the order first,
// then the approval, so a decision and an edit of the same order queue
// rather than deadlock; each ends by appending the changes it made.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/keyset_page.h"
#include "common/rpc/call_context.h"
#include "crm/sales/v1/approval.pb.h"
#include "crm/sales/v1/order.pb.h"
#include "services/sales/approval_documents.h"
#include "services/sales/approval_rules.h"

namespace crm {
class Database;
class MySqlConnection;
}  // namespace crm

namespace crm::sales {

// One approver of one step, found by the org service before submitting.
struct ResolvedApprover {
  int64_t employee_id = 0;
  std::string name;
};

// What a submission will create: the steps (from RequiredFor) and each
// step's approvers, and the facts they were worked out for.
struct ApprovalPlan {
  ApprovalFacts facts;
  RequiredApproval required;
  std::vector<std::vector<ResolvedApprover>> approvers;  // one list per step
  std::string comment;
};

class ApprovalRepository {
 public:
  explicit ApprovalRepository(Database& db) : db_(db) {}

  // Rules of `type` (unspecified: all), by id.
  absl::StatusOr<std::vector<v1::ApprovalRule>> ListRules(const CallContext& call,
                                                          v1::ApprovalDocumentType type);
  // Creates (id 0) or replaces a rule (validated); a stale etag is ABORTED.
  absl::StatusOr<v1::ApprovalRule> SetRule(const CallContext& call, const v1::ApprovalRule& rule);

  // The document as the caller sees it; NOT_FOUND.
  absl::StatusOr<ApprovalDocument> Peek(const CallContext& call, v1::ApprovalDocumentType type,
                                        int64_t id);
  // Submits document `id` (one the caller may change) under `plan`. It must
  // still be a draft showing plan.facts (else ABORTED: it changed while its
  // approvers were looked up), and not already pending or approved for them;
  // a live approval of other facts is withdrawn.
  absl::StatusOr<v1::Approval> Submit(const CallContext& call, v1::ApprovalDocumentType type,
                                      int64_t id, const ApprovalPlan& plan);
  // The caller's decision on their task of the current step.
  absl::StatusOr<v1::Approval> Decide(const CallContext& call, int64_t approval_id, bool approve,
                                      const std::string& comment);

  // NOT_FOUND unless the caller sees its document or is one of its approvers.
  absl::StatusOr<v1::Approval> Get(const CallContext& call, int64_t id);
  // A document's approvals, newest first (at most 100); the caller's sight
  // of the document is checked by the handler.
  absl::StatusOr<std::vector<v1::Approval>> ListForDocument(const CallContext& call,
                                                            v1::ApprovalDocumentType type,
                                                            int64_t document_id);
  // Approvals waiting for the caller now, oldest first.
  absl::StatusOr<Page<v1::Approval>> Inbox(const CallContext& call, int page_size,
                                           std::optional<int64_t> after_id);

 private:
  Database& db_;
};

// Inside a document's transaction (the document locked): the active rules
// of its type.
std::vector<v1::ApprovalRule> ActiveRules(MySqlConnection& connection,
                                          v1::ApprovalDocumentType type);
// The facts key approval `id` was submitted for; "" when there is none.
std::string SubmittedFactsKey(MySqlConnection& connection, int64_t id);
// The document's latest approval that is pending or granted: its id,
// status and facts key; id 0 when there is none.
struct LiveApproval {
  int64_t id = 0;
  v1::ApprovalStatus status = v1::APPROVAL_STATUS_UNSPECIFIED;
  std::string facts_key;
};
LiveApproval LatestLiveApproval(MySqlConnection& connection, v1::ApprovalDocumentType type,
                                int64_t document_id);
// Withdraws the document's live approval when it was for other facts than
// `facts_key` (an edit changed what the rules read).
void WithdrawStaleApproval(MySqlConnection& connection, v1::ApprovalDocumentType type,
                           int64_t document_id, const std::string& facts_key, absl::Time now);
// Withdraws approval `id` if it is pending or approved (an edit changed what
// the rules read, or the order was cancelled): its waiting tasks are no
// longer needed.
void WithdrawApproval(MySqlConnection& connection, int64_t id, absl::Time now);

// Inside the transaction of the step an approval allows (ConfirmOrder,
// SendQuote, SignContract, VoidReceipt): FAILED_PRECONDITION
// (APPROVAL_REQUIRED) unless no active rule of `type` applies to what the
// document shows (`facts`) or an approval of exactly that was granted.
// `number`: what the message calls it.
absl::Status CheckApproved(MySqlConnection& connection, v1::ApprovalDocumentType type,
                           int64_t document_id, const std::string& number,
                           const ApprovalFacts& facts);
absl::Status CheckOrderApproved(MySqlConnection& connection, const v1::Order& order);

}  // namespace crm::sales
