// Approvals (审批) of orders end to end, through the gateway, with the
// approvers named by the org service from the organisation the test builds:
// the default rules (over 100,000 元: the department head; over 500,000 元:
// also the head above), any-one (或签) and all (会签) steps, a rejection and a
// resubmission, an edit that withdraws an approval, the inboxes, and every
// decision in the change feed.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "crm/customer/v1/customer_service.grpc.pb.h"
#include "crm/sales/v1/sales_service.grpc.pb.h"
#include "tests/support/clients.h"
#include "tests/support/sales_org.h"
#include "tests/support/session.h"
#include "tests/support/stack.h"

namespace crm {
namespace {

namespace v1 = sales::v1;
using testing::AuthContext;
using testing::Session;

constexpr int64_t kYuan = 100;

class ApprovalsE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    stack_ = new testing::Stack();
    stack_->Start();
    gateway_ = new std::shared_ptr<grpc::Channel>(testing::Connect(stack_->gateway_address()));
    org_ = new testing::SalesOrg(testing::SalesOrg::Build(*gateway_));
    testing::OrgBuilder make(*gateway_, org_->admin);
    // A second head in east (either may approve for it), and two managers.
    head_east2_ = new Session(
        make.User("head.east2", make.Employee("东副主管", org_->east), {"department_head"}));
    boss_one_ =
        new Session(make.User("boss.one", make.Employee("总经理", org_->hq), {"management"}));
    boss_two_ =
        new Session(make.User("boss.two", make.Employee("副总经理", org_->hq), {"management"}));
    customer_ = testing::CreateCustomerAs(*gateway_, org_->sales_a, "华东重工有限公司");
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }

  void SetUp() override { stub_ = v1::SalesService::NewStub(*gateway_); }

  int64_t MustCreateProduct(const std::string& name, int64_t price_fen) {
    v1::CreateProductRequest request;
    request.mutable_product()->set_name(name);
    request.mutable_product()->set_unit("台");
    request.mutable_product()->mutable_list_price()->set_minor_units(price_fen);
    request.mutable_product()->mutable_cost_price()->set_minor_units(price_fen / 2);
    request.mutable_product()->set_vat_rate_percent(13);
    v1::Product product;
    grpc::Status status = stub_->CreateProduct(AuthContext(org_->admin).get(), request, &product);
    EXPECT_TRUE(status.ok()) << status.error_message();
    v1::RecordStockMovementRequest receipt;
    receipt.mutable_movement()->set_product_id(product.id());
    receipt.mutable_movement()->set_kind(v1::RECEIPT);
    receipt.mutable_movement()->set_quantity_milli(1'000'000);
    receipt.mutable_movement()->set_reason("期初入库");
    v1::StockMovement movement;
    status = stub_->RecordStockMovement(AuthContext(org_->admin).get(), receipt, &movement);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return product.id();
  }

  // An order of `units` of `product` by sales.a.
  v1::Order MustCreateOrder(int64_t product, int64_t units) {
    v1::CreateOrderRequest request;
    request.mutable_order()->set_customer_id(customer_);
    v1::OrderLine& line = *request.mutable_order()->add_lines();
    line.set_product_id(product);
    line.set_quantity_milli(units * 1000);
    v1::Order order;
    const grpc::Status status =
        stub_->CreateOrder(AuthContext(org_->sales_a).get(), request, &order);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return order;
  }

  grpc::Status Confirm(int64_t order_id, v1::Order* order) {
    v1::ConfirmOrderRequest request;
    request.set_id(order_id);
    return stub_->ConfirmOrder(AuthContext(org_->sales_a).get(), request, order);
  }

  v1::Order GetOrder(int64_t order_id) {
    v1::GetOrderRequest request;
    request.set_id(order_id);
    v1::Order order;
    const grpc::Status status = stub_->GetOrder(AuthContext(org_->sales_a).get(), request, &order);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return order;
  }

  grpc::Status Submit(int64_t order_id, v1::Approval* approval) {
    v1::SubmitForApprovalRequest request;
    request.set_document_type(v1::APPROVAL_DOCUMENT_ORDER);
    request.set_document_id(order_id);
    request.set_comment("客户要求本月发货");
    return stub_->SubmitForApproval(AuthContext(org_->sales_a).get(), request, approval);
  }

  // The etags an update must name, as the sales person reads them now.
  std::string OrderEtag(int64_t id) {
    v1::GetOrderRequest get;
    get.set_id(id);
    v1::Order order;
    EXPECT_TRUE(stub_->GetOrder(AuthContext(org_->sales_a).get(), get, &order).ok());
    return order.etag();
  }
  std::string ContractEtag(int64_t id) {
    v1::GetContractRequest get;
    get.set_id(id);
    v1::Contract contract;
    EXPECT_TRUE(stub_->GetContract(AuthContext(org_->sales_a).get(), get, &contract).ok());
    return contract.etag();
  }

  v1::Approval MustSubmit(int64_t order_id) {
    v1::Approval approval;
    const grpc::Status status = Submit(order_id, &approval);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return approval;
  }

  grpc::Status Decide(const Session& as, int64_t approval_id, bool approve,
                      const std::string& comment, v1::Approval* approval) {
    v1::DecideApprovalRequest request;
    request.set_approval_id(approval_id);
    request.set_approve(approve);
    request.set_comment(comment);
    return stub_->DecideApproval(AuthContext(as).get(), request, approval);
  }

  v1::Approval MustDecide(const Session& as, int64_t approval_id, bool approve,
                          const std::string& comment = "") {
    v1::Approval approval;
    const grpc::Status status = Decide(as, approval_id, approve, comment, &approval);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return approval;
  }

  // The ids in `as`'s inbox.
  std::vector<int64_t> Inbox(const Session& as) {
    v1::ListMyApprovalsRequest request;
    v1::ListMyApprovalsResponse response;
    const grpc::Status status = stub_->ListMyApprovals(AuthContext(as).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<int64_t> ids;
    for (const v1::Approval& a : response.approvals()) ids.push_back(a.id());
    return ids;
  }

  static bool Holds(const std::vector<int64_t>& ids, int64_t id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
  }

  static v1::ApprovalTaskState TaskState(const v1::Approval& a, int step, int64_t employee) {
    for (const v1::ApprovalTask& t : a.tasks()) {
      if (t.step() == step && t.approver_employee_id() == employee) return t.state();
    }
    return v1::APPROVAL_TASK_STATE_UNSPECIFIED;
  }

  static testing::Stack* stack_;
  static std::shared_ptr<grpc::Channel>* gateway_;
  static testing::SalesOrg* org_;
  static Session *head_east2_, *boss_one_, *boss_two_;
  static int64_t customer_;
  std::unique_ptr<v1::SalesService::Stub> stub_;
};

testing::Stack* ApprovalsE2eTest::stack_ = nullptr;
std::shared_ptr<grpc::Channel>* ApprovalsE2eTest::gateway_ = nullptr;
testing::SalesOrg* ApprovalsE2eTest::org_ = nullptr;
Session* ApprovalsE2eTest::head_east2_ = nullptr;
Session* ApprovalsE2eTest::boss_one_ = nullptr;
Session* ApprovalsE2eTest::boss_two_ = nullptr;
int64_t ApprovalsE2eTest::customer_ = 0;

TEST_F(ApprovalsE2eTest, TheDefaultRulesAreListedAsMigrated) {
  v1::ListApprovalRulesRequest request;
  request.set_document_type(v1::APPROVAL_DOCUMENT_ORDER);
  v1::ListApprovalRulesResponse response;
  const grpc::Status status =
      stub_->ListApprovalRules(AuthContext(org_->sales_a).get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_GE(response.rules_size(), 2);
  const v1::ApprovalRule& head = response.rules(0);
  EXPECT_EQ(head.amount_over().minor_units(), 100000 * kYuan);
  EXPECT_EQ(head.discount_over_bp(), 1000);
  ASSERT_EQ(head.steps_size(), 1);
  EXPECT_EQ(head.steps(0).approver(), v1::DEPARTMENT_HEAD);
  EXPECT_EQ(head.steps(0).mode(), v1::ANY_ONE);
  const v1::ApprovalRule& above = response.rules(1);
  EXPECT_EQ(above.amount_over().minor_units(), 500000 * kYuan);
  ASSERT_EQ(above.steps_size(), 1);
  EXPECT_EQ(above.steps(0).approver(), v1::HEAD_ABOVE);
}

TEST_F(ApprovalsE2eTest, AnOrderOverTheThresholdIsRejectedResubmittedAndApprovedByAnyOneHead) {
  const int64_t product = MustCreateProduct("大型空压机", 10000 * kYuan);
  const v1::Order order = MustCreateOrder(product, 15);  // 150,000 元
  ASSERT_EQ(order.total_amount().minor_units(), 150000 * kYuan);
  v1::Order confirmed;
  grpc::Status status = Confirm(order.id(), &confirmed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(status.error_message(), "needs approval"))
      << status.error_message();

  const v1::Approval first = MustSubmit(order.id());
  EXPECT_EQ(first.status(), v1::APPROVAL_PENDING);
  EXPECT_EQ(first.step_count(), 1);
  ASSERT_EQ(first.tasks_size(), 2);  // both heads of east, either will do
  EXPECT_EQ(GetOrder(order.id()).approval_status(), v1::APPROVAL_PENDING);
  v1::Approval scratch;
  EXPECT_EQ(Submit(order.id(), &scratch).error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  EXPECT_TRUE(Holds(Inbox(org_->head_east), first.id()));
  EXPECT_TRUE(Holds(Inbox(*head_east2_), first.id()));
  EXPECT_FALSE(Holds(Inbox(org_->head_centre), first.id()));
  // Someone who sees the order but is no approver, and someone who is neither.
  EXPECT_EQ(Decide(org_->head_centre, first.id(), true, "", &scratch).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Decide(org_->sales_b, first.id(), true, "", &scratch).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // A rejection needs a reason.
  EXPECT_EQ(Decide(org_->head_east, first.id(), false, " ", &scratch).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  const v1::Approval rejected =
      MustDecide(org_->head_east, first.id(), false, "折扣过大，请重新报价");
  EXPECT_EQ(rejected.status(), v1::APPROVAL_REJECTED);
  EXPECT_EQ(TaskState(rejected, 1, head_east2_->identity.employee_id()), v1::TASK_NOT_NEEDED);
  EXPECT_FALSE(Holds(Inbox(*head_east2_), first.id()));
  const v1::Order back = GetOrder(order.id());
  EXPECT_EQ(back.status(), v1::DRAFT);
  EXPECT_EQ(back.approval_status(), v1::APPROVAL_REJECTED);
  EXPECT_EQ(back.approval_comment(), "折扣过大，请重新报价");
  EXPECT_EQ(Confirm(order.id(), &confirmed).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  // Deciding again after the end is refused, but a retry of the same decision is not.
  EXPECT_EQ(Decide(*head_east2_, first.id(), true, "", &scratch).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(MustDecide(org_->head_east, first.id(), false, "折扣过大，请重新报价").etag(),
            rejected.etag());

  // Fewer units, still over the threshold: submitted again, approved by the other head.
  v1::UpdateOrderRequest edit;
  edit.mutable_order()->set_id(order.id());
  edit.mutable_order()->set_etag(OrderEtag(order.id()));
  v1::OrderLine& line = *edit.mutable_order()->add_lines();
  line.set_product_id(product);
  line.set_quantity_milli(12'000);
  edit.mutable_update_mask()->add_paths("lines");
  v1::Order edited;
  status = stub_->UpdateOrder(AuthContext(org_->sales_a).get(), edit, &edited);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const v1::Approval second = MustSubmit(order.id());
  EXPECT_EQ(second.amount().minor_units(), 120000 * kYuan);
  const v1::Approval approved = MustDecide(*head_east2_, second.id(), true);
  EXPECT_EQ(approved.status(), v1::APPROVAL_APPROVED);
  EXPECT_EQ(TaskState(approved, 1, org_->head_east.identity.employee_id()), v1::TASK_NOT_NEEDED);
  EXPECT_FALSE(Holds(Inbox(org_->head_east), second.id()));
  status = Confirm(order.id(), &confirmed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(confirmed.status(), v1::CONFIRMED);

  v1::ListApprovalsRequest history;
  history.set_document_type(v1::APPROVAL_DOCUMENT_ORDER);
  history.set_document_id(order.id());
  v1::ListApprovalsResponse listed;
  status = stub_->ListApprovals(AuthContext(org_->sales_a).get(), history, &listed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(listed.approvals_size(), 2);
  EXPECT_EQ(listed.approvals(0).status(), v1::APPROVAL_APPROVED);
  EXPECT_EQ(listed.approvals(1).status(), v1::APPROVAL_REJECTED);
  EXPECT_EQ(stub_->ListApprovals(AuthContext(org_->sales_b).get(), history, &listed).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // Both submissions and both decisions are in the change feed.
  int approval_changes = 0;
  common::v1::ListChangesResponse feed;
  common::v1::ListChangesRequest after;
  after.set_page_size(1000);
  status = stub_->ListChanges(AuthContext(org_->admin).get(), after, &feed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  for (const common::v1::Change& change : feed.changes()) {
    if (change.entity_type() != "crm.sales.v1.Approval") continue;
    if (change.entity_id() == first.id() || change.entity_id() == second.id()) ++approval_changes;
  }
  EXPECT_EQ(approval_changes, 4);
}

TEST_F(ApprovalsE2eTest, AnEditOfWhatTheRulesReadWithdrawsTheApproval) {
  const int64_t product = MustCreateProduct("中型空压机", 5000 * kYuan);
  const v1::Order order = MustCreateOrder(product, 30);  // 150,000 元
  const v1::Approval approval = MustSubmit(order.id());
  MustDecide(org_->head_east, approval.id(), true, "同意");
  // Remarks are not what a rule reads: the approval stands.
  v1::UpdateOrderRequest edit;
  edit.mutable_order()->set_id(order.id());
  edit.mutable_order()->set_etag(OrderEtag(order.id()));
  edit.mutable_order()->set_remarks("分两批发货");
  edit.mutable_update_mask()->add_paths("remarks");
  v1::Order edited;
  grpc::Status status = stub_->UpdateOrder(AuthContext(org_->sales_a).get(), edit, &edited);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(edited.approval_status(), v1::APPROVAL_APPROVED);
  // A larger discount is.
  edit.mutable_order()->set_etag(edited.etag());
  edit.mutable_order()->set_order_discount_bp(500);
  edit.mutable_update_mask()->set_paths(0, "order_discount_bp");
  status = stub_->UpdateOrder(AuthContext(org_->sales_a).get(), edit, &edited);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(edited.approval_status(), v1::APPROVAL_WITHDRAWN);
  v1::Order confirmed;
  status = Confirm(order.id(), &confirmed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(status.error_message(), "SubmitForApproval"));
  v1::GetApprovalRequest get;
  get.set_id(approval.id());
  v1::Approval withdrawn;
  status = stub_->GetApproval(AuthContext(org_->sales_a).get(), get, &withdrawn);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(withdrawn.status(), v1::APPROVAL_WITHDRAWN);
  const v1::Approval again = MustSubmit(order.id());
  MustDecide(org_->head_east, again.id(), true);
  status = Confirm(order.id(), &confirmed);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(ApprovalsE2eTest, ACountersignStepWaitsForEveryApproverAfterTheHeadAndTheHeadAbove) {
  const int64_t product = MustCreateProduct("成套生产线", 100000 * kYuan);
  v1::SetApprovalRuleRequest set;
  v1::ApprovalRule& rule = *set.mutable_rule();
  rule.set_document_type(v1::APPROVAL_DOCUMENT_ORDER);
  rule.set_name("成套生产线：总经理会签");
  rule.set_product_id(product);
  rule.set_active(true);
  v1::ApprovalStep& step = *rule.add_steps();
  step.set_approver(v1::NAMED_ROLE);
  step.set_role("management");
  step.set_mode(v1::ALL);
  v1::ApprovalRule stored;
  EXPECT_EQ(stub_->SetApprovalRule(AuthContext(org_->sales_a).get(), set, &stored).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  grpc::Status status = stub_->SetApprovalRule(AuthContext(*boss_one_).get(), set, &stored);
  ASSERT_TRUE(status.ok()) << status.error_message();
  // Replacing a rule names the version replaced, so a change another manager
  // made meanwhile is not overwritten unseen.
  v1::SetApprovalRuleRequest replace = set;
  replace.mutable_rule()->set_id(stored.id());
  replace.mutable_rule()->set_name("未读先改");
  v1::ApprovalRule unchanged;
  status = stub_->SetApprovalRule(AuthContext(*boss_two_).get(), replace, &unchanged);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(status.error_message(), "rule.etag")) << status.error_message();

  const v1::Order order = MustCreateOrder(product, 6);  // 600,000 元: all three rules
  const v1::Approval approval = MustSubmit(order.id());
  ASSERT_EQ(approval.step_count(), 3);
  const int64_t id = approval.id();
  // Step 1: a head of east; the centre's head and the managers wait their turn.
  EXPECT_FALSE(Holds(Inbox(org_->head_centre), id));
  EXPECT_FALSE(Holds(Inbox(*boss_one_), id));
  v1::Approval scratch;
  EXPECT_EQ(Decide(*boss_one_, id, true, "", &scratch).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(MustDecide(org_->head_east, id, true).current_step(), 2);
  // Step 2: the head above.
  EXPECT_TRUE(Holds(Inbox(org_->head_centre), id));
  EXPECT_EQ(MustDecide(org_->head_centre, id, true).current_step(), 3);
  // Step 3: both managers (会签).
  EXPECT_TRUE(Holds(Inbox(*boss_one_), id));
  EXPECT_TRUE(Holds(Inbox(*boss_two_), id));
  const v1::Approval half = MustDecide(*boss_one_, id, true, "同意");
  EXPECT_EQ(half.status(), v1::APPROVAL_PENDING);
  EXPECT_EQ(half.current_step(), 3);
  EXPECT_FALSE(Holds(Inbox(*boss_one_), id));
  EXPECT_TRUE(Holds(Inbox(*boss_two_), id));
  v1::Order confirmed;
  status = Confirm(order.id(), &confirmed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(status.error_message(), "pending")) << status.error_message();
  const v1::Approval done = MustDecide(*boss_two_, id, true, "同意");
  EXPECT_EQ(done.status(), v1::APPROVAL_APPROVED);
  for (const v1::ApprovalTask& task : done.tasks()) {
    if (task.step() == 3) {
      EXPECT_EQ(task.state(), v1::TASK_APPROVED) << task.approver_name();
    }
  }
  status = Confirm(order.id(), &confirmed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(confirmed.status(), v1::CONFIRMED);
}

TEST_F(ApprovalsE2eTest, QuotesContractsAndReceiptVoidsWaitForTheirOwnRules) {
  auto rule = [&](v1::ApprovalDocumentType type, int64_t over_fen, v1::ApproverKind who) {
    v1::SetApprovalRuleRequest set;
    set.mutable_rule()->set_document_type(type);
    set.mutable_rule()->set_name("测试规则");
    set.mutable_rule()->mutable_amount_over()->set_minor_units(over_fen);
    set.mutable_rule()->set_active(true);
    set.mutable_rule()->add_steps()->set_approver(who);
    set.mutable_rule()->mutable_steps(0)->set_mode(v1::ANY_ONE);
    v1::ApprovalRule stored;
    const grpc::Status status = stub_->SetApprovalRule(AuthContext(*boss_one_).get(), set, &stored);
    EXPECT_TRUE(status.ok()) << status.error_message();
  };
  rule(v1::APPROVAL_DOCUMENT_QUOTE, 50000 * kYuan, v1::DEPARTMENT_HEAD);
  rule(v1::APPROVAL_DOCUMENT_CONTRACT, 1000000 * kYuan, v1::HEAD_ABOVE);
  rule(v1::APPROVAL_DOCUMENT_RECEIPT_VOID, 0, v1::DEPARTMENT_HEAD);
  auto submit = [&](v1::ApprovalDocumentType type, int64_t id) {
    v1::SubmitForApprovalRequest request;
    request.set_document_type(type);
    request.set_document_id(id);
    v1::Approval approval;
    const grpc::Status status =
        stub_->SubmitForApproval(AuthContext(org_->sales_a).get(), request, &approval);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return approval;
  };

  // A quote of 60,000 元 is sent only once a head of east approved it.
  const int64_t product = MustCreateProduct("报价用空压机", 10000 * kYuan);
  v1::CreateQuoteRequest create_quote;
  create_quote.mutable_quote()->set_customer_id(customer_);
  v1::OrderLine& line = *create_quote.mutable_quote()->add_lines();
  line.set_product_id(product);
  line.set_quantity_milli(6000);
  v1::Quote quote;
  grpc::Status status = stub_->CreateQuote(AuthContext(org_->sales_a).get(), create_quote, &quote);
  ASSERT_TRUE(status.ok()) << status.error_message();
  v1::SendQuoteRequest send;
  send.set_id(quote.id());
  EXPECT_EQ(stub_->SendQuote(AuthContext(org_->sales_a).get(), send, &quote).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  MustDecide(org_->head_east, submit(v1::APPROVAL_DOCUMENT_QUOTE, quote.id()).id(), true);
  status = stub_->SendQuote(AuthContext(org_->sales_a).get(), send, &quote);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(quote.status(), v1::QUOTE_STATUS_SENT);

  // A contract of 2,000,000 元 needs the head above; an amount changed after
  // the approval needs another.
  v1::CreateContractRequest create_contract;
  v1::Contract& draft = *create_contract.mutable_contract();
  draft.set_customer_id(customer_);
  draft.set_title("生产线总包合同");
  draft.mutable_amount()->set_minor_units(2000000 * kYuan);
  draft.set_start_date("2026-01-01");
  draft.set_end_date("2027-12-31");
  v1::Contract contract;
  status = stub_->CreateContract(AuthContext(org_->sales_a).get(), create_contract, &contract);
  ASSERT_TRUE(status.ok()) << status.error_message();
  v1::SignContractRequest sign;
  sign.set_id(contract.id());
  EXPECT_EQ(stub_->SignContract(AuthContext(org_->sales_a).get(), sign, &contract).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  const v1::Approval first = submit(v1::APPROVAL_DOCUMENT_CONTRACT, contract.id());
  ASSERT_EQ(first.tasks_size(), 1);
  EXPECT_EQ(first.tasks(0).approver_employee_id(), org_->head_centre.identity.employee_id());
  MustDecide(org_->head_centre, first.id(), true);
  v1::UpdateContractRequest edit;
  edit.mutable_contract()->set_id(contract.id());
  edit.mutable_contract()->set_etag(ContractEtag(contract.id()));
  edit.mutable_contract()->mutable_amount()->set_minor_units(1900000 * kYuan);
  edit.mutable_update_mask()->add_paths("amount");
  status = stub_->UpdateContract(AuthContext(org_->sales_a).get(), edit, &contract);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(stub_->SignContract(AuthContext(org_->sales_a).get(), sign, &contract).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  MustDecide(org_->head_centre, submit(v1::APPROVAL_DOCUMENT_CONTRACT, contract.id()).id(), true);
  status = stub_->SignContract(AuthContext(org_->sales_a).get(), sign, &contract);
  ASSERT_TRUE(status.ok()) << status.error_message();

  // Voiding a receipt waits for its approval.
  v1::SetPaymentPlanRequest plan;
  plan.set_contract_id(contract.id());
  v1::Instalment& instalment = *plan.add_instalments();
  instalment.set_due_date("2027-06-30");
  instalment.mutable_amount()->set_minor_units(1900000 * kYuan);
  v1::PaymentPlan set_plan;
  status = stub_->SetPaymentPlan(AuthContext(org_->sales_a).get(), plan, &set_plan);
  ASSERT_TRUE(status.ok()) << status.error_message();
  v1::RecordReceiptRequest receive;
  receive.mutable_receipt()->set_contract_id(contract.id());
  receive.mutable_receipt()->mutable_amount()->set_minor_units(500000 * kYuan);
  receive.mutable_receipt()->set_received_date("2026-03-01");
  receive.mutable_receipt()->set_method(v1::PAYMENT_METHOD_BANK_TRANSFER);
  receive.set_request_id("approval-e2e-receipt");
  v1::Receipt receipt;
  status = stub_->RecordReceipt(AuthContext(org_->sales_a).get(), receive, &receipt);
  ASSERT_TRUE(status.ok()) << status.error_message();
  v1::VoidReceiptRequest void_request;
  void_request.set_receipt_id(receipt.id());
  void_request.set_reason("重复录入");
  v1::Receipt voided;
  EXPECT_EQ(
      stub_->VoidReceipt(AuthContext(org_->sales_a).get(), void_request, &voided).error_code(),
      grpc::StatusCode::FAILED_PRECONDITION);
  MustDecide(org_->head_east, submit(v1::APPROVAL_DOCUMENT_RECEIPT_VOID, receipt.id()).id(), true);
  status = stub_->VoidReceipt(AuthContext(org_->sales_a).get(), void_request, &voided);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(voided.kind(), v1::RECEIPT_KIND_VOID);
}

TEST_F(ApprovalsE2eTest, ARuleWithABadStepIsRefusedNamingIt) {
  v1::SetApprovalRuleRequest set;
  v1::ApprovalRule& rule = *set.mutable_rule();
  rule.set_document_type(v1::APPROVAL_DOCUMENT_ORDER);
  rule.set_name("错误规则");
  rule.mutable_amount_over()->set_minor_units(1);
  v1::ApprovalStep& step = *rule.add_steps();
  step.set_approver(v1::NAMED_ROLE);
  step.set_role("read_only");
  step.set_mode(v1::ALL);
  v1::ApprovalRule stored;
  const grpc::Status status = stub_->SetApprovalRule(AuthContext(org_->admin).get(), set, &stored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(status.error_message(), "rule.steps[0].role"))
      << status.error_message();
}

}  // namespace
}  // namespace crm
