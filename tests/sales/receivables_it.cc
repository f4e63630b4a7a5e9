// Receivables (回款) against a real MariaDB: plans that must add up, receipts
// matched oldest first, overpayment refused unless a prepayment, refunds and
// voids as rows of their own, invoices within the contract amount, overdue in
// the company's zone, and the aging buckets. After every step the ledger's
// invariants are checked straight from the tables.
#include <array>
#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "services/sales/receivable_handlers.h"
#include "services/sales/receivable_repository.h"
#include "tests/sales/sales_fixture.h"

namespace crm::sales {
namespace {

constexpr int64_t kYuan = 100;  // fen

class ReceivablesTest : public SalesTest {
 protected:
  void SetUp() override {
    SalesTest::SetUp();
    receivables_ = std::make_unique<ReceivableRepository>(*db_, Zone());
    handlers_ = std::make_unique<ReceivableHandlers>(*receivables_);
  }

  void SetClock(int y, int m, int d, int hh, int mm, int ss) {
    clock_.Set(absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss), Zone()));
  }

  // A SIGNED contract of `amount_fen` owned by `owner`.
  int64_t SignedContract(const CallContext& owner, int64_t amount_fen, int64_t customer = 500) {
    v1::CreateContractRequest create;
    create.mutable_contract()->set_customer_id(customer);
    create.mutable_contract()->set_title("设备采购合同");
    create.mutable_contract()->mutable_amount()->set_minor_units(amount_fen);
    create.mutable_contract()->set_start_date("2026-01-01");
    create.mutable_contract()->set_end_date("2026-12-31");
    v1::Contract contract;
    absl::Status status = contract_handlers_->CreateContract(owner, create, &contract);
    EXPECT_TRUE(status.ok()) << status;
    v1::SignContractRequest sign;
    sign.set_id(contract.id());
    status = contract_handlers_->SignContract(owner, sign, &contract);
    EXPECT_TRUE(status.ok()) << status;
    return contract.id();
  }

  absl::StatusOr<v1::PaymentPlan> SetPlan(const CallContext& call, int64_t contract_id,
                                          std::vector<std::pair<std::string, int64_t>> due) {
    v1::SetPaymentPlanRequest request;
    request.set_contract_id(contract_id);
    for (const auto& [day, fen] : due) {
      v1::Instalment& i = *request.add_instalments();
      i.set_due_date(day);
      i.mutable_amount()->set_minor_units(fen);
    }
    v1::PaymentPlan plan;
    CRM_RETURN_IF_ERROR(handlers_->SetPaymentPlan(call, request, &plan));
    return plan;
  }

  absl::StatusOr<v1::PaymentPlan> Plan(const CallContext& call, int64_t contract_id) {
    v1::GetPaymentPlanRequest request;
    request.set_contract_id(contract_id);
    v1::PaymentPlan plan;
    CRM_RETURN_IF_ERROR(handlers_->GetPaymentPlan(call, request, &plan));
    return plan;
  }

  absl::StatusOr<v1::Receipt> Receive(const CallContext& call, int64_t contract_id, int64_t fen,
                                      bool prepayment = false, const std::string& request_id = "",
                                      int64_t instalment_id = 0) {
    v1::RecordReceiptRequest request;
    v1::Receipt& r = *request.mutable_receipt();
    r.set_contract_id(contract_id);
    r.mutable_amount()->set_minor_units(fen);
    r.set_received_date("2026-01-10");
    r.set_method(v1::PAYMENT_METHOD_BANK_TRANSFER);
    r.set_payer("华东电气有限公司");
    r.set_instalment_id(instalment_id);
    request.set_prepayment(prepayment);
    request.set_request_id(request_id);
    v1::Receipt stored;
    CRM_RETURN_IF_ERROR(handlers_->RecordReceipt(call, request, &stored));
    return stored;
  }

  absl::StatusOr<v1::Receipt> Refund(const CallContext& call, int64_t contract_id, int64_t fen) {
    v1::RecordRefundRequest request;
    request.set_contract_id(contract_id);
    request.mutable_amount()->set_minor_units(fen);
    request.set_refund_date("2026-01-10");
    request.set_method(v1::PAYMENT_METHOD_BANK_TRANSFER);
    request.set_reason("多付退回");
    v1::Receipt stored;
    CRM_RETURN_IF_ERROR(handlers_->RecordRefund(call, request, &stored));
    return stored;
  }

  absl::StatusOr<v1::Receipt> Void(const CallContext& call, int64_t receipt_id) {
    v1::VoidReceiptRequest request;
    request.set_receipt_id(receipt_id);
    request.set_reason("录入错误");
    v1::Receipt stored;
    CRM_RETURN_IF_ERROR(handlers_->VoidReceipt(call, request, &stored));
    return stored;
  }

  absl::StatusOr<v1::Invoice> Invoice(const CallContext& call, int64_t contract_id,
                                      const std::string& number, int64_t fen,
                                      const std::string& request_id = "") {
    v1::CreateInvoiceRequest request;
    v1::Invoice& n = *request.mutable_invoice();
    n.set_contract_id(contract_id);
    n.set_number(number);
    n.set_type(v1::INVOICE_TYPE_VAT_SPECIAL);
    n.mutable_amount()->set_minor_units(fen);
    n.mutable_tax()->set_minor_units(fen * 13 / 113);
    n.set_invoice_date("2026-01-10");
    request.set_request_id(request_id);
    v1::Invoice stored;
    CRM_RETURN_IF_ERROR(handlers_->CreateInvoice(call, request, &stored));
    return stored;
  }

  // The ledger's invariants for `contract_id`, from the tables themselves.
  void ExpectInvariants(int64_t contract_id) {
    const std::string k = absl::StrCat(contract_id);
    const int64_t amount = Count("SELECT amount_fen FROM contracts WHERE id = " + k);
    const int64_t received = Count("SELECT received_fen FROM contracts WHERE id = " + k);
    const int64_t prepaid = Count("SELECT prepaid_fen FROM contracts WHERE id = " + k);
    EXPECT_EQ(received,
              Count("SELECT COALESCE(SUM(applied_fen), 0) FROM receipts WHERE contract_id = " + k));
    EXPECT_EQ(prepaid,
              Count("SELECT COALESCE(SUM(prepaid_fen), 0) FROM receipts WHERE contract_id = " + k));
    EXPECT_EQ(received + prepaid,
              Count("SELECT COALESCE(SUM(amount_fen), 0) FROM receipts WHERE contract_id = " + k));
    EXPECT_GE(amount - received, 0);
    EXPECT_LE(Count("SELECT invoiced_fen FROM contracts WHERE id = " + k), amount);
    EXPECT_EQ(Count("SELECT invoiced_fen FROM contracts WHERE id = " + k),
              Count("SELECT COALESCE(SUM(amount_fen), 0) FROM invoices WHERE contract_id = " + k));
    if (Count("SELECT COUNT(*) FROM payment_instalments WHERE contract_id = " + k) > 0) {
      EXPECT_EQ(received, Count("SELECT SUM(received_fen) FROM payment_instalments"
                                " WHERE contract_id = " +
                                k));
    }
  }

  // Every receipt row as first written, to show none is ever edited.
  std::string LedgerFingerprint(int64_t contract_id) {
    return absl::StrCat(
        Count(absl::StrCat("SELECT COUNT(*) FROM receipts WHERE contract_id = ", contract_id,
                           " AND version = 1 AND created_at = updated_at")),
        "/",
        Count(absl::StrCat("SELECT COUNT(*) FROM receipts WHERE contract_id = ", contract_id)));
  }

  std::unique_ptr<ReceivableRepository> receivables_;
  std::unique_ptr<ReceivableHandlers> handlers_;
};

TEST_F(ReceivablesTest, AHundredThousandInThreeInstalmentsPaidInFiveReceipts) {
  const int64_t k = SignedContract(sales_a_, 100000 * kYuan);
  // A plan that does not add up to the contract is refused.
  absl::StatusOr<v1::PaymentPlan> short_plan =
      SetPlan(sales_a_, k, {{"2026-01-31", 3333333}, {"2026-02-28", 3333333}});
  EXPECT_EQ(short_plan.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(short_plan.status().message().find("instalments"), std::string::npos);
  absl::StatusOr<v1::PaymentPlan> plan = SetPlan(
      sales_a_, k, {{"2026-03-31", 3333334}, {"2026-01-31", 3333333}, {"2026-02-28", 3333333}});
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->instalments_size(), 3);
  EXPECT_EQ(plan->instalments(0).due_date(), "2026-01-31");  // numbered by due date
  EXPECT_EQ(plan->instalments(2).amount().minor_units(), 3333334);
  ExpectInvariants(k);

  const std::vector<int64_t> receipts = {20000 * kYuan, 30000 * kYuan, 25000 * kYuan, 15000 * kYuan,
                                         10000 * kYuan};
  int64_t received = 0;
  for (size_t i = 0; i < receipts.size(); ++i) {
    if (i == 3) {
      // 25,000 元 are outstanding: 30,000 would overpay, and changes nothing.
      const std::string before = LedgerFingerprint(k);
      absl::StatusOr<v1::Receipt> over = Receive(sales_a_, k, 30000 * kYuan);
      EXPECT_EQ(over.status().code(), absl::StatusCode::kFailedPrecondition) << over.status();
      EXPECT_NE(over.status().message().find("25,000.00 元"), std::string::npos)
          << over.status().message();
      EXPECT_EQ(LedgerFingerprint(k), before);
      ExpectInvariants(k);
    }
    absl::StatusOr<v1::Receipt> r = Receive(sales_a_, k, receipts[i]);
    ASSERT_TRUE(r.ok()) << i << ": " << r.status();
    received += receipts[i];
    EXPECT_EQ(r->applied().minor_units(), receipts[i]);
    EXPECT_EQ(r->prepaid().minor_units(), 0);
    ExpectInvariants(k);
  }
  plan = Plan(sales_a_, k);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->received().minor_units(), received);
  EXPECT_EQ(plan->outstanding().minor_units(), 0);
  for (const v1::Instalment& i : plan->instalments()) EXPECT_EQ(i.outstanding().minor_units(), 0);
  // The second receipt (30,000) finished the first instalment and began the second.
  v1::ListReceiptsRequest list;
  list.set_contract_id(k);
  v1::ListReceiptsResponse listed;
  ASSERT_TRUE(handlers_->ListReceipts(sales_a_, list, &listed).ok());
  ASSERT_EQ(listed.receipts_size(), 5);
  ASSERT_EQ(listed.receipts(1).allocations_size(), 2);
  EXPECT_EQ(listed.receipts(1).allocations(0).amount().minor_units(), 3333333 - 2000000);
  EXPECT_EQ(listed.receipts(1).allocations(1).sequence(), 2);
  // Paid in full: the plan is fixed now.
  EXPECT_EQ(SetPlan(sales_a_, k, {{"2026-06-30", 100000 * kYuan}}).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(ReceivablesTest, PrepaymentsRefundsAndVoidsAreRowsOfTheirOwn) {
  const int64_t k = SignedContract(sales_a_, 1000 * kYuan);
  ASSERT_TRUE(
      SetPlan(sales_a_, k, {{"2026-01-31", 400 * kYuan}, {"2026-02-28", 600 * kYuan}}).ok());
  absl::StatusOr<v1::Receipt> first = Receive(sales_a_, k, 300 * kYuan, false, "r-1");
  ASSERT_TRUE(first.ok()) << first.status();
  // A retry returns the first row and adds nothing.
  absl::StatusOr<v1::Receipt> retry = Receive(sales_a_, k, 300 * kYuan, false, "r-1");
  ASSERT_TRUE(retry.ok());
  EXPECT_EQ(retry->id(), first->id());
  // 900 on 700 outstanding, as a prepayment: 200 stays visible as such.
  absl::StatusOr<v1::Receipt> over = Receive(sales_a_, k, 900 * kYuan, true);
  ASSERT_TRUE(over.ok()) << over.status();
  EXPECT_EQ(over->applied().minor_units(), 700 * kYuan);
  EXPECT_EQ(over->prepaid().minor_units(), 200 * kYuan);
  absl::StatusOr<v1::PaymentPlan> plan = Plan(sales_a_, k);
  EXPECT_EQ(plan->prepaid().minor_units(), 200 * kYuan);
  EXPECT_EQ(plan->outstanding().minor_units(), 0);
  ExpectInvariants(k);

  // A refund takes the prepayment first, then the latest instalment.
  absl::StatusOr<v1::Receipt> refund = Refund(sales_a_, k, 250 * kYuan);
  ASSERT_TRUE(refund.ok()) << refund.status();
  EXPECT_EQ(refund->kind(), v1::RECEIPT_KIND_REFUND);
  EXPECT_EQ(refund->amount().minor_units(), -250 * kYuan);
  EXPECT_EQ(refund->prepaid().minor_units(), -200 * kYuan);
  ASSERT_EQ(refund->allocations_size(), 1);
  EXPECT_EQ(refund->allocations(0).sequence(), 2);
  ExpectInvariants(k);
  EXPECT_EQ(Refund(sales_a_, k, 951 * kYuan).status().code(),
            absl::StatusCode::kFailedPrecondition);

  // The first receipt voided: a VOID row; a second void returns the same.
  absl::StatusOr<v1::Receipt> voided = Void(sales_a_, first->id());
  ASSERT_TRUE(voided.ok()) << voided.status();
  EXPECT_EQ(voided->kind(), v1::RECEIPT_KIND_VOID);
  EXPECT_EQ(voided->voids_receipt_id(), first->id());
  EXPECT_EQ(voided->amount().minor_units(), -300 * kYuan);
  absl::StatusOr<v1::Receipt> again = Void(sales_a_, first->id());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id(), voided->id());
  EXPECT_EQ(Void(sales_a_, voided->id()).status().code(), absl::StatusCode::kFailedPrecondition);
  // The prepayment receipt's 200 were refunded: it cannot be voided whole.
  EXPECT_EQ(Void(sales_a_, over->id()).status().code(), absl::StatusCode::kFailedPrecondition);
  ExpectInvariants(k);
  EXPECT_EQ(LedgerFingerprint(k), "4/4");  // four rows, none ever edited
  plan = Plan(sales_a_, k);
  EXPECT_EQ(plan->received().minor_units(), 1000 * kYuan - 50 * kYuan - 300 * kYuan);

  // The voided receipt shows what voided it; another sales person sees none of it.
  v1::ListReceiptsRequest list;
  list.set_contract_id(k);
  v1::ListReceiptsResponse listed;
  ASSERT_TRUE(handlers_->ListReceipts(sales_a_, list, &listed).ok());
  EXPECT_EQ(listed.receipts(0).voided_by_receipt_id(), voided->id());
  EXPECT_EQ(handlers_->ListReceipts(sales_b_, list, &listed).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Receive(sales_b_, k, 100).status().code(), absl::StatusCode::kNotFound);
  // The feed carries every row and the plan.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM change_log WHERE entity_type = 'crm.sales.v1.Receipt'"), 4);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM change_log WHERE entity_type = 'crm.sales.v1.PaymentPlan'"),
            1);
}

TEST_F(ReceivablesTest, ConcurrentReceiptsNeverOverpay) {
  const int64_t k = SignedContract(sales_a_, 1000 * kYuan);
  ASSERT_TRUE(SetPlan(sales_a_, k, {{"2026-01-31", 1000 * kYuan}}).ok());
  // Eight callers each pay 300: at most three fit in 1,000.
  std::vector<std::thread> callers;
  std::atomic<int> accepted{0}, refused{0};
  for (int i = 0; i < 8; ++i) {
    callers.emplace_back([&] {
      absl::StatusOr<v1::Receipt> r = Receive(sales_a_, k, 300 * kYuan);
      if (r.ok()) ++accepted;
      if (r.status().code() == absl::StatusCode::kFailedPrecondition) ++refused;
    });
  }
  for (std::thread& t : callers) t.join();
  EXPECT_EQ(accepted.load(), 3);
  EXPECT_EQ(refused.load(), 5);
  ExpectInvariants(k);
}

TEST_F(ReceivablesTest, InvoicesStayWithinTheContractAmount) {
  const int64_t k = SignedContract(sales_a_, 1000 * kYuan);
  absl::StatusOr<v1::Invoice> first = Invoice(sales_a_, k, "04418923", 600 * kYuan, "inv-1");
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<v1::Invoice> retry = Invoice(sales_a_, k, "04418923", 600 * kYuan, "inv-1");
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->id(), first->id());
  EXPECT_EQ(Invoice(sales_a_, k, "04418923", 100 * kYuan).status().code(),
            absl::StatusCode::kAlreadyExists);
  absl::StatusOr<v1::Invoice> too_much = Invoice(sales_a_, k, "04418924", 400 * kYuan + 1);
  EXPECT_EQ(too_much.status().code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(Invoice(sales_a_, k, "04418924", 400 * kYuan).ok());
  ExpectInvariants(k);
  EXPECT_EQ(Plan(sales_a_, k)->invoiced().minor_units(), 1000 * kYuan);
  // Bad input names its field and writes nothing.
  v1::CreateInvoiceRequest bad;
  bad.mutable_invoice()->set_contract_id(k);
  bad.mutable_invoice()->set_number("04-41");
  bad.mutable_invoice()->mutable_amount()->set_minor_units(100);
  bad.mutable_invoice()->mutable_tax()->set_minor_units(100);
  bad.mutable_invoice()->set_invoice_date("2026-02-30");
  v1::Invoice ignored;
  const absl::Status status = handlers_->CreateInvoice(sales_a_, bad, &ignored);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  for (const char* field :
       {"invoice.number", "invoice.type", "invoice.tax", "invoice.invoice_date"}) {
    EXPECT_NE(status.message().find(field), std::string::npos) << field << ": " << status;
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM invoices"), 2);
}

TEST_F(ReceivablesTest, ADraftHasNoReceivablesAndBadReceiptsChangeNothing) {
  v1::CreateContractRequest create;
  create.mutable_contract()->set_customer_id(500);
  create.mutable_contract()->set_title("草稿合同");
  create.mutable_contract()->mutable_amount()->set_minor_units(1000);
  v1::Contract draft;
  ASSERT_TRUE(contract_handlers_->CreateContract(sales_a_, create, &draft).ok());
  EXPECT_EQ(SetPlan(sales_a_, draft.id(), {{"2026-01-31", 1000}}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  const int64_t k = SignedContract(sales_a_, 1000);
  // No plan yet: a receipt has nothing to match.
  EXPECT_EQ(Receive(sales_a_, k, 100).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(SetPlan(sales_a_, k, {{"2026-01-31", 500}, {"2026-01-31", 500}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(SetPlan(sales_a_, k, {{"2026-01-31", 1000}}).ok());
  v1::RecordReceiptRequest request;
  request.mutable_receipt()->set_contract_id(k);
  request.mutable_receipt()->mutable_amount()->set_minor_units(-5);
  request.mutable_receipt()->set_received_date("2026-12-06");  // tomorrow in Shanghai
  v1::Receipt ignored;
  const absl::Status status = handlers_->RecordReceipt(sales_a_, request, &ignored);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  for (const char* field : {"receipt.amount", "receipt.received_date", "receipt.method"}) {
    EXPECT_NE(status.message().find(field), std::string::npos) << field << ": " << status;
  }
  EXPECT_EQ(Receive(sales_a_, k, 100, false, "", 999999).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM receipts"), 0);
}

TEST_F(ReceivablesTest, OverdueFromMidnightInShanghai) {
  const int64_t k = SignedContract(sales_a_, 1000 * kYuan);
  ASSERT_TRUE(SetPlan(sales_a_, k, {{"2026-01-31", 1000 * kYuan}}).ok());
  v1::ListOverdueInstalmentsRequest overdue;
  v1::ListOverdueInstalmentsResponse listed;
  SetClock(2026, 1, 31, 23, 59, 59);  // 15:59:59 UTC
  ASSERT_TRUE(handlers_->ListOverdueInstalments(sales_a_, overdue, &listed).ok());
  EXPECT_EQ(listed.instalments_size(), 0);
  EXPECT_EQ(Plan(sales_a_, k)->instalments(0).days_overdue(), 0);
  SetClock(2026, 2, 1, 0, 0, 0);
  listed.Clear();
  ASSERT_TRUE(handlers_->ListOverdueInstalments(sales_a_, overdue, &listed).ok());
  ASSERT_EQ(listed.instalments_size(), 1);
  EXPECT_EQ(listed.as_of_date(), "2026-02-01");
  EXPECT_EQ(listed.instalments(0).instalment().days_overdue(), 1);
  EXPECT_EQ(Plan(sales_a_, k)->overdue().minor_units(), 1000 * kYuan);
  // Paid: no longer listed.
  ASSERT_TRUE(Receive(sales_a_, k, 1000 * kYuan).ok());
  listed.Clear();
  ASSERT_TRUE(handlers_->ListOverdueInstalments(sales_a_, overdue, &listed).ok());
  EXPECT_EQ(listed.instalments_size(), 0);
}

TEST_F(ReceivablesTest, AgingBucketsAndTheWeekAhead) {
  SetClock(2026, 6, 10, 9, 0, 0);  // a Wednesday
  // Sales person A: one contract per bucket edge, 100 元 each; B one of 7 元.
  const std::vector<std::pair<std::string, int>> dues = {
      {"2026-06-10", 0},                     // due today: not due
      {"2026-06-09", 1}, {"2026-05-11", 1},  // 1 and 30 days
      {"2026-05-10", 2}, {"2026-04-11", 2},  // 31 and 60
      {"2026-04-10", 3}, {"2026-03-12", 3},  // 61 and 90
      {"2026-03-11", 4}};                    // 91
  std::array<int64_t, 5> expected{};
  for (const auto& [due, bucket] : dues) {
    const int64_t k = SignedContract(sales_a_, 100 * kYuan);
    ASSERT_TRUE(SetPlan(sales_a_, k, {{due, 100 * kYuan}}).ok());
    expected[bucket] += 100 * kYuan;
  }
  const int64_t partly = SignedContract(sales_a_, 300 * kYuan);
  ASSERT_TRUE(
      SetPlan(sales_a_, partly, {{"2026-06-01", 100 * kYuan}, {"2026-06-14", 200 * kYuan}}).ok());
  ASSERT_TRUE(Receive(sales_a_, partly, 150 * kYuan).ok());  // the first paid, 50 on the second
  expected[0] += 150 * kYuan;
  SignedContract(sales_a_, 40 * kYuan);  // no plan: unscheduled
  const int64_t other = SignedContract(sales_b_, 7 * kYuan);
  ASSERT_TRUE(SetPlan(sales_b_, other, {{"2026-01-01", 7 * kYuan}}).ok());

  v1::ListReceivablesRequest request;
  request.set_grouping(v1::RECEIVABLES_GROUPING_OWNER);
  v1::ListReceivablesResponse response;
  ASSERT_TRUE(handlers_->ListReceivables(head_, request, &response).ok());
  EXPECT_EQ(response.as_of_date(), "2026-06-10");
  ASSERT_EQ(response.rows_size(), 2);
  const v1::ReceivablesRow& a = response.rows(0);
  EXPECT_EQ(a.key(), 7);
  EXPECT_EQ(a.contracts(), 10);
  EXPECT_EQ(a.contract_amount().minor_units(), 1140 * kYuan);
  EXPECT_EQ(a.received().minor_units(), 150 * kYuan);
  EXPECT_EQ(a.outstanding().minor_units(), 990 * kYuan);
  EXPECT_EQ(a.aging().not_due().minor_units(), expected[0]);
  EXPECT_EQ(a.aging().days_1_30().minor_units(), expected[1]);
  EXPECT_EQ(a.aging().days_31_60().minor_units(), expected[2]);
  EXPECT_EQ(a.aging().days_61_90().minor_units(), expected[3]);
  EXPECT_EQ(a.aging().over_90().minor_units(), expected[4]);
  EXPECT_EQ(a.aging().unscheduled().minor_units(), 40 * kYuan);
  EXPECT_EQ(response.rows(1).aging().over_90().minor_units(), 7 * kYuan);
  // A sales person sees only their own; pages follow the key.
  response.Clear();
  ASSERT_TRUE(handlers_->ListReceivables(sales_b_, request, &response).ok());
  ASSERT_EQ(response.rows_size(), 1);
  EXPECT_EQ(response.rows(0).key(), 8);
  request.set_page_size(1);
  response.Clear();
  ASSERT_TRUE(handlers_->ListReceivables(head_, request, &response).ok());
  ASSERT_EQ(response.rows_size(), 1);
  request.set_page_token(response.next_page_token());
  response.Clear();
  ASSERT_TRUE(handlers_->ListReceivables(head_, request, &response).ok());
  ASSERT_EQ(response.rows_size(), 1);
  EXPECT_EQ(response.rows(0).key(), 8);
  EXPECT_TRUE(response.next_page_token().empty());

  // This week is Monday 06-08 to Sunday 06-14: the ones due 06-09, 06-10
  // and the rest of 06-14.
  v1::ListInstalmentsDueThisWeekRequest week;
  v1::ListInstalmentsDueThisWeekResponse due;
  ASSERT_TRUE(handlers_->ListInstalmentsDueThisWeek(head_, week, &due).ok());
  EXPECT_EQ(due.week_start(), "2026-06-08");
  EXPECT_EQ(due.week_end(), "2026-06-14");
  ASSERT_EQ(due.instalments_size(), 3);
  EXPECT_EQ(due.instalments(0).instalment().due_date(), "2026-06-09");
  EXPECT_EQ(due.instalments(2).instalment().outstanding().minor_units(), 150 * kYuan);
}

}  // namespace
}  // namespace crm::sales
