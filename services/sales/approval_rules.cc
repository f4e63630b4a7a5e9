// Approval facts, rule matching and rule checks.
#include "services/sales/approval_rules.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/auth/permissions.h"
#include "common/base/status_util.h"
#include "common/text/text_checks.h"
#include "services/sales/money.h"
#include "services/sales/order_pricing.h"

namespace crm::sales {
namespace {

constexpr int kMaxSteps = 5;

bool SameStep(const v1::ApprovalStep& a, const v1::ApprovalStep& b) {
  return a.approver() == b.approver() && a.role() == b.role() && a.mode() == b.mode();
}

}  // namespace

std::string ApprovalFacts::Key() const {
  return absl::StrCat("amount=", amount_fen, ";discount_bp=", discount_bp,
                      ";products=", absl::StrJoin(product_ids, ","));
}

ApprovalFacts OrderFacts(const v1::Order& order) {
  return LineFacts(order.lines(), order.total_amount().minor_units());
}

ApprovalFacts AmountFacts(int64_t amount_fen) {
  ApprovalFacts facts;
  facts.amount_fen = amount_fen;
  return facts;
}

ApprovalFacts LineFacts(const google::protobuf::RepeatedPtrField<v1::OrderLine>& lines,
                        int64_t total_fen) {
  ApprovalFacts facts;
  facts.amount_fen = total_fen;
  // What the lines would come to at their unit prices, undiscounted.
  int64_t gross_fen = 0;
  for (const v1::OrderLine& line : lines) {
    gross_fen += DivideRoundingHalfUp(
        static_cast<__int128>(line.unit_price().minor_units()) * line.quantity_milli(), kMilli);
    facts.product_ids.push_back(line.product_id());
  }
  if (gross_fen > facts.amount_fen) {
    facts.discount_bp = static_cast<int32_t>(DivideRoundingHalfUp(
        static_cast<__int128>(gross_fen - facts.amount_fen) * kBasisPoints, gross_fen));
  }
  std::sort(facts.product_ids.begin(), facts.product_ids.end());
  facts.product_ids.erase(std::unique(facts.product_ids.begin(), facts.product_ids.end()),
                          facts.product_ids.end());
  return facts;
}

bool RuleApplies(const v1::ApprovalRule& rule, const ApprovalFacts& facts) {
  if (!rule.active()) return false;
  if (rule.has_amount_over() && facts.amount_fen > rule.amount_over().minor_units()) return true;
  if (rule.discount_over_bp() > 0 && facts.discount_bp > rule.discount_over_bp()) return true;
  return rule.product_id() > 0 &&
         std::binary_search(facts.product_ids.begin(), facts.product_ids.end(), rule.product_id());
}

RequiredApproval RequiredFor(const std::vector<v1::ApprovalRule>& rules,
                             const ApprovalFacts& facts) {
  RequiredApproval required;
  for (const v1::ApprovalRule& rule : rules) {
    if (!RuleApplies(rule, facts)) continue;
    required.rule_ids.push_back(rule.id());
    for (const v1::ApprovalStep& step : rule.steps()) {
      const bool repeated =
          std::any_of(required.steps.begin(), required.steps.end(),
                      [&](const v1::ApprovalStep& earlier) { return SameStep(earlier, step); });
      if (!repeated) required.steps.push_back(step);
    }
  }
  return required;
}

absl::Status ValidateApprovalRule(const v1::ApprovalRule& rule) {
  FieldViolations v;
  if (rule.id() < 0) v.Add("rule.id", "must be a rule id, or 0 for a new rule");
  if (rule.document_type() == v1::APPROVAL_DOCUMENT_TYPE_UNSPECIFIED ||
      !v1::ApprovalDocumentType_IsValid(rule.document_type())) {
    v.Add("rule.document_type", "must be an order, a quote, a contract or a receipt void");
  }
  CheckText(v, "rule.name", rule.name(), 100, Presence::kRequired);
  if (rule.has_amount_over())
    CheckPrice(v, "rule.amount_over", rule.amount_over(), kMaxOrderTotalFen);
  if (rule.discount_over_bp() < 0 || rule.discount_over_bp() >= kBasisPoints) {
    v.Add("rule.discount_over_bp", "must be 1 to 9999, or 0 for no discount condition");
  }
  if (rule.product_id() < 0) v.Add("rule.product_id", "must be a product id, or 0 for none");
  if (rule.product_id() > 0 && rule.document_type() != v1::APPROVAL_DOCUMENT_ORDER &&
      rule.document_type() != v1::APPROVAL_DOCUMENT_QUOTE) {
    v.Add("rule.product_id", "is for orders and quotes: contracts and receipts sell no products");
  }
  if (!rule.has_amount_over() && rule.discount_over_bp() == 0 && rule.product_id() == 0) {
    v.Add("rule", "needs a condition: amount_over, discount_over_bp or product_id");
  }
  if (rule.steps_size() < 1 || rule.steps_size() > kMaxSteps) {
    v.Add("rule.steps", absl::StrCat("must hold 1 to ", kMaxSteps, " steps"));
  }
  for (int i = 0; i < rule.steps_size(); ++i) {
    const v1::ApprovalStep& step = rule.steps(i);
    const std::string at = absl::StrCat("rule.steps[", i, "].");
    if (step.approver() == v1::APPROVER_KIND_UNSPECIFIED ||
        !v1::ApproverKind_IsValid(step.approver())) {
      v.Add(at + "approver", "must be DEPARTMENT_HEAD, HEAD_ABOVE or NAMED_ROLE");
    }
    if (step.mode() == v1::APPROVAL_MODE_UNSPECIFIED || !v1::ApprovalMode_IsValid(step.mode())) {
      v.Add(at + "mode", "must be ANY_ONE or ALL");
    }
    if (step.approver() == v1::NAMED_ROLE) {
      absl::StatusOr<Role> role = ParseRole(step.role());
      if (!role.ok() || (RolesWithPermission("sales.approve") & Bit(*role)) == 0) {
        v.Add(at + "role",
              "must be a role that may approve: administrator, management, "
              "department_head or sales");
      }
    } else if (!step.role().empty()) {
      v.Add(at + "role", "is only for NAMED_ROLE steps");
    }
  }
  return v.ToStatus();
}

}  // namespace crm::sales
