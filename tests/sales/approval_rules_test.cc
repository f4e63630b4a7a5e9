// The approval rules without a database: what an order shows the rules (its
// overall discount counts line and order discounts together), which rules
// apply, the steps they make, and the checks on a rule.
#include "services/sales/approval_rules.h"

#include <gtest/gtest.h>

namespace crm::sales {
namespace {

constexpr int64_t kYuan = 100;

v1::Order OrderOf(int64_t total_fen, std::vector<std::pair<int64_t, int64_t>> lines) {
  v1::Order order;
  order.mutable_total_amount()->set_minor_units(total_fen);
  for (const auto& [product, unit_price_fen] : lines) {
    v1::OrderLine& line = *order.add_lines();
    line.set_product_id(product);
    line.mutable_unit_price()->set_minor_units(unit_price_fen);
    line.set_quantity_milli(2000);  // two units
  }
  return order;
}

v1::ApprovalStep Step(v1::ApproverKind kind, v1::ApprovalMode mode, std::string role = "") {
  v1::ApprovalStep step;
  step.set_approver(kind);
  step.set_mode(mode);
  step.set_role(std::move(role));
  return step;
}

// The two defaults of the migration.
std::vector<v1::ApprovalRule> DefaultRules() {
  v1::ApprovalRule head;
  head.set_id(1);
  head.set_active(true);
  head.mutable_amount_over()->set_minor_units(100000 * kYuan);
  head.set_discount_over_bp(1000);
  *head.add_steps() = Step(v1::DEPARTMENT_HEAD, v1::ANY_ONE);
  v1::ApprovalRule above;
  above.set_id(2);
  above.set_active(true);
  above.mutable_amount_over()->set_minor_units(500000 * kYuan);
  *above.add_steps() = Step(v1::HEAD_ABOVE, v1::ANY_ONE);
  return {head, above};
}

TEST(OrderFactsTest, TheDiscountIsWhatTheTotalLeavesOfTheUndiscountedLines) {
  // Two units each of 100 元 and 50 元: 300 元 undiscounted; 267 元 after
  // discounts is 11% off.
  const ApprovalFacts facts = OrderFacts(OrderOf(267 * kYuan, {{7, 100 * kYuan}, {3, 50 * kYuan}}));
  EXPECT_EQ(facts.amount_fen, 267 * kYuan);
  EXPECT_EQ(facts.discount_bp, 1100);
  EXPECT_EQ(facts.product_ids, (std::vector<int64_t>{3, 7}));
}

TEST(OrderFactsTest, TheKeyChangesWithAmountDiscountAndProducts) {
  const v1::Order base = OrderOf(300 * kYuan, {{7, 100 * kYuan}, {3, 50 * kYuan}});
  const std::string key = OrderFacts(base).Key();
  EXPECT_EQ(OrderFacts(base).Key(), key);
  EXPECT_NE(OrderFacts(OrderOf(299 * kYuan, {{7, 100 * kYuan}, {3, 50 * kYuan}})).Key(), key);
  EXPECT_NE(OrderFacts(OrderOf(300 * kYuan, {{7, 100 * kYuan}, {4, 50 * kYuan}})).Key(), key);
}

TEST(RequiredForTest, TheDefaultsAskTheHeadOverOneHundredThousandAndTheHeadAboveOverFiveHundred) {
  const std::vector<v1::ApprovalRule> rules = DefaultRules();
  EXPECT_TRUE(RequiredFor(rules, {100000 * kYuan, 1000, {}}).rule_ids.empty());  // at, not over
  const RequiredApproval over_discount = RequiredFor(rules, {1000 * kYuan, 1001, {}});
  EXPECT_EQ(over_discount.rule_ids, (std::vector<int64_t>{1}));
  const RequiredApproval large = RequiredFor(rules, {500000 * kYuan + 1, 0, {}});
  EXPECT_EQ(large.rule_ids, (std::vector<int64_t>{1, 2}));
  ASSERT_EQ(large.steps.size(), 2u);
  EXPECT_EQ(large.steps[0].approver(), v1::DEPARTMENT_HEAD);
  EXPECT_EQ(large.steps[1].approver(), v1::HEAD_ABOVE);
}

TEST(RequiredForTest, AStepTwoRulesShareIsTakenOnceAndInactiveRulesApplyToNothing) {
  std::vector<v1::ApprovalRule> rules = DefaultRules();
  v1::ApprovalRule product;
  product.set_id(3);
  product.set_active(true);
  product.set_product_id(42);
  *product.add_steps() = Step(v1::DEPARTMENT_HEAD, v1::ANY_ONE);
  *product.add_steps() = Step(v1::NAMED_ROLE, v1::ALL, "management");
  rules.push_back(product);
  const RequiredApproval required = RequiredFor(rules, {200000 * kYuan, 0, {5, 42}});
  EXPECT_EQ(required.rule_ids, (std::vector<int64_t>{1, 3}));
  ASSERT_EQ(required.steps.size(), 2u);
  EXPECT_EQ(required.steps[1].role(), "management");
  rules[2].set_active(false);
  EXPECT_EQ(RequiredFor(rules, {1 * kYuan, 0, {42}}).rule_ids.size(), 0u);
}

TEST(ValidateApprovalRuleTest, NamesEveryBadField) {
  v1::ApprovalRule rule;
  rule.set_document_type(v1::APPROVAL_DOCUMENT_ORDER);
  rule.set_name("大额订单");
  rule.set_discount_over_bp(1000);
  *rule.add_steps() = Step(v1::DEPARTMENT_HEAD, v1::ALL);
  EXPECT_TRUE(ValidateApprovalRule(rule).ok());

  v1::ApprovalRule bad = rule;
  bad.set_discount_over_bp(0);  // no condition left
  *bad.add_steps() = Step(v1::NAMED_ROLE, v1::ANY_ONE, "read_only");
  *bad.add_steps() = Step(v1::HEAD_ABOVE, v1::APPROVAL_MODE_UNSPECIFIED, "management");
  v1::ApprovalRule contract = rule;
  contract.set_document_type(v1::APPROVAL_DOCUMENT_CONTRACT);
  contract.set_product_id(42);
  EXPECT_NE(ValidateApprovalRule(contract).message().find("rule.product_id"), std::string::npos);
  const absl::Status status = ValidateApprovalRule(bad);
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  for (const char* field :
       {"needs a condition", "rule.steps[1].role", "rule.steps[2].mode", "rule.steps[2].role"}) {
    EXPECT_NE(status.message().find(field), std::string::npos) << field << " in " << status;
  }
}

}  // namespace
}  // namespace crm::sales
