// The approval rules as pure functions (approval.proto states them for API
// users): what a document shows the rules, which rules apply, which steps
// that makes, and whether a rule is well formed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "crm/sales/v1/approval.pb.h"
#include "crm/sales/v1/order.pb.h"

namespace crm::sales {

// What the rules read from a document.
struct ApprovalFacts {
  int64_t amount_fen = 0;
  int32_t discount_bp = 0;           // overall, see approval.proto
  std::vector<int64_t> product_ids;  // sorted, each once

  // One text for all three, to tell whether a document still shows what
  // was approved.
  std::string Key() const;
};

ApprovalFacts OrderFacts(const v1::Order& order);
// Quotes are priced as orders are: the same facts of their lines.
ApprovalFacts LineFacts(const google::protobuf::RepeatedPtrField<v1::OrderLine>& lines,
                        int64_t total_fen);
// Contracts and receipts show an amount only.
ApprovalFacts AmountFacts(int64_t amount_fen);

bool RuleApplies(const v1::ApprovalRule& rule, const ApprovalFacts& facts);

// The approval a document needs under `rules` (by id): the ids of the active
// rules that apply, and their steps in rule order, a step equal to an
// earlier one dropped. No rule ids: none needed.
struct RequiredApproval {
  std::vector<int64_t> rule_ids;
  std::vector<v1::ApprovalStep> steps;
};
RequiredApproval RequiredFor(const std::vector<v1::ApprovalRule>& rules,
                             const ApprovalFacts& facts);

// INVALID_ARGUMENT naming each bad field (rule.name, rule.steps[1].role, …).
absl::Status ValidateApprovalRule(const v1::ApprovalRule& rule);

}  // namespace crm::sales
