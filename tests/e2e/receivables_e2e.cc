// Receivables (回款) end to end, through the gateway, with the sales service's
// business clock set by the test (--test-clock-file) and the processes in the
// machine's own zone (UTC here): a contract of 100,000.00 元 in three
// instalments paid in five receipts with one overpayment refused, an
// instalment that turns overdue at 00:00 Asia/Shanghai and not a second
// before, and the aging buckets of a known set of contracts.
#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "crm/customer/v1/customer_service.grpc.pb.h"
#include "crm/sales/v1/sales_service.grpc.pb.h"
#include "tests/support/child_process.h"
#include "tests/support/clients.h"
#include "tests/support/sales_org.h"
#include "tests/support/session.h"
#include "tests/support/stack.h"
#include "tests/support/test_clock.h"

namespace crm {
namespace {

namespace v1 = sales::v1;
using testing::AuthContext;
using testing::Session;

constexpr int64_t kYuan = 100;

absl::Time Shanghai(int y, int m, int d, int hh, int mm = 0, int ss = 0) {
  absl::TimeZone zone;
  absl::LoadTimeZone("Asia/Shanghai", &zone);
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss), zone);
}

class ReceivablesE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    clock_file_ = new testing::TestClockFile(Shanghai(2026, 1, 5, 10));
    testing::StackOptions options;
    options.backend_flags["sales"] = {clock_file_->Flag()};
    stack_ = new testing::Stack(options);
    stack_->Start();
    gateway_ = new std::shared_ptr<grpc::Channel>(testing::Connect(stack_->gateway_address()));
    org_ = new testing::SalesOrg(testing::SalesOrg::Build(*gateway_));
    customer_a_ = testing::CreateCustomerAs(*gateway_, org_->sales_a, "华东电气有限公司");
    customer_b_ = testing::CreateCustomerAs(*gateway_, org_->sales_b, "华南机电有限公司");
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
    delete clock_file_;
  }

  void SetUp() override { stub_ = v1::SalesService::NewStub(*gateway_); }

  static void SetClock(absl::Time t) { clock_file_->Set(t); }

  // A signed contract with `plan` (due date, fen) as its payment plan.
  int64_t MustSignWithPlan(const Session& as, int64_t customer,
                           const std::vector<std::pair<std::string, int64_t>>& plan) {
    v1::CreateContractRequest create;
    create.mutable_contract()->set_customer_id(customer);
    create.mutable_contract()->set_title("年度设备采购合同");
    int64_t amount = 0;
    for (const auto& [due, fen] : plan) amount += fen;
    create.mutable_contract()->mutable_amount()->set_minor_units(amount);
    create.mutable_contract()->set_start_date("2025-01-01");
    create.mutable_contract()->set_end_date("2026-12-31");
    v1::Contract contract;
    grpc::Status status = stub_->CreateContract(AuthContext(as).get(), create, &contract);
    EXPECT_TRUE(status.ok()) << status.error_message();
    v1::SignContractRequest sign;
    sign.set_id(contract.id());
    status = stub_->SignContract(AuthContext(as).get(), sign, &contract);
    EXPECT_TRUE(status.ok()) << status.error_message();
    v1::SetPaymentPlanRequest request;
    request.set_contract_id(contract.id());
    for (const auto& [due, fen] : plan) {
      v1::Instalment& i = *request.add_instalments();
      i.set_due_date(due);
      i.mutable_amount()->set_minor_units(fen);
    }
    v1::PaymentPlan set;
    status = stub_->SetPaymentPlan(AuthContext(as).get(), request, &set);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return contract.id();
  }

  grpc::Status Receive(const Session& as, int64_t contract_id, int64_t fen,
                       const std::string& request_id, v1::Receipt* receipt) {
    v1::RecordReceiptRequest request;
    request.mutable_receipt()->set_contract_id(contract_id);
    request.mutable_receipt()->mutable_amount()->set_minor_units(fen);
    request.mutable_receipt()->set_received_date("2026-01-05");
    request.mutable_receipt()->set_method(v1::PAYMENT_METHOD_BANK_TRANSFER);
    request.mutable_receipt()->set_reference(request_id);
    request.set_request_id(request_id);
    return stub_->RecordReceipt(AuthContext(as).get(), request, receipt);
  }

  v1::PaymentPlan MustGetPlan(const Session& as, int64_t contract_id) {
    v1::GetPaymentPlanRequest request;
    request.set_contract_id(contract_id);
    v1::PaymentPlan plan;
    const grpc::Status status = stub_->GetPaymentPlan(AuthContext(as).get(), request, &plan);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return plan;
  }

  // received = Σ receipts, outstanding = amount − received ≥ 0, as the API
  // reports them.
  void ExpectInvariants(const Session& as, int64_t contract_id) {
    const v1::PaymentPlan plan = MustGetPlan(as, contract_id);
    v1::ListReceiptsRequest request;
    request.set_contract_id(contract_id);
    v1::ListReceiptsResponse receipts;
    ASSERT_TRUE(stub_->ListReceipts(AuthContext(as).get(), request, &receipts).ok());
    int64_t sum = 0, instalments = 0;
    for (const v1::Receipt& r : receipts.receipts()) sum += r.applied().minor_units();
    for (const v1::Instalment& i : plan.instalments()) instalments += i.received().minor_units();
    EXPECT_EQ(plan.received().minor_units(), sum);
    EXPECT_EQ(plan.received().minor_units(), instalments);
    EXPECT_EQ(plan.outstanding().minor_units(),
              plan.contract_amount().minor_units() - plan.received().minor_units());
    EXPECT_GE(plan.outstanding().minor_units(), 0);
    EXPECT_LE(plan.invoiced().minor_units(), plan.contract_amount().minor_units());
  }

  static testing::TestClockFile* clock_file_;
  static testing::Stack* stack_;
  static std::shared_ptr<grpc::Channel>* gateway_;
  static testing::SalesOrg* org_;
  static int64_t customer_a_, customer_b_;
  std::unique_ptr<v1::SalesService::Stub> stub_;
};

testing::TestClockFile* ReceivablesE2eTest::clock_file_ = nullptr;
testing::Stack* ReceivablesE2eTest::stack_ = nullptr;
std::shared_ptr<grpc::Channel>* ReceivablesE2eTest::gateway_ = nullptr;
testing::SalesOrg* ReceivablesE2eTest::org_ = nullptr;
int64_t ReceivablesE2eTest::customer_a_ = 0;
int64_t ReceivablesE2eTest::customer_b_ = 0;

// Tests run in the order written: the clock moves forward through them.
TEST_F(ReceivablesE2eTest, AHundredThousandInThreeInstalmentsAndFiveReceipts) {
  SetClock(Shanghai(2026, 1, 5, 10));
  const int64_t k =
      MustSignWithPlan(org_->sales_a, customer_a_,
                       {{"2026-01-31", 3333333}, {"2026-02-28", 3333333}, {"2026-03-31", 3333334}});
  const v1::PaymentPlan plan = MustGetPlan(org_->sales_a, k);
  ASSERT_EQ(plan.instalments_size(), 3);
  EXPECT_EQ(plan.contract_amount().minor_units(), 100000 * kYuan);

  // 20,000.00 + 13,333.33 + 33,333.33 + 30,000.00 + 3,333.34 = 100,000.00
  const std::vector<int64_t> receipts = {20000 * kYuan, 1333333, 3333333, 30000 * kYuan, 333334};
  int64_t received = 0;
  for (size_t i = 0; i < receipts.size(); ++i) {
    if (i == 4) {
      // 3,333.34 outstanding: one fen more is refused and changes nothing.
      v1::Receipt over;
      const grpc::Status refused = Receive(org_->sales_a, k, 333335, "over", &over);
      EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
          << refused.error_message();
      EXPECT_NE(refused.error_message().find("3,333.34 元"), std::string::npos)
          << refused.error_message();
      EXPECT_EQ(MustGetPlan(org_->sales_a, k).received().minor_units(), received);
    }
    v1::Receipt receipt;
    const grpc::Status status =
        Receive(org_->sales_a, k, receipts[i], absl::StrCat("pay-", i), &receipt);
    ASSERT_TRUE(status.ok()) << i << ": " << status.error_message();
    received += receipts[i];
    ExpectInvariants(org_->sales_a, k);
  }
  // A retry of the last receipt is answered with the row it made.
  v1::Receipt again;
  ASSERT_TRUE(Receive(org_->sales_a, k, 333334, "pay-4", &again).ok());
  EXPECT_EQ(again.reference(), "pay-4");
  const v1::PaymentPlan paid = MustGetPlan(org_->sales_a, k);
  EXPECT_EQ(paid.received().minor_units(), 100000 * kYuan);
  EXPECT_EQ(paid.outstanding().minor_units(), 0);
  ExpectInvariants(org_->sales_a, k);
  // The other sales person sees none of it.
  v1::PaymentPlan hidden;
  v1::GetPaymentPlanRequest get;
  get.set_contract_id(k);
  EXPECT_EQ(stub_->GetPaymentPlan(AuthContext(org_->sales_b).get(), get, &hidden).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(ReceivablesE2eTest, OverdueFromMidnightInShanghaiWithTheServerInUtc) {
  SetClock(Shanghai(2026, 1, 20, 10));
  const int64_t k = MustSignWithPlan(org_->sales_a, customer_a_, {{"2026-01-31", 5000 * kYuan}});
  auto overdue_of_k = [&]() -> int32_t {
    v1::ListOverdueInstalmentsRequest request;
    request.set_customer_id(customer_a_);
    v1::ListOverdueInstalmentsResponse response;
    const grpc::Status status =
        stub_->ListOverdueInstalments(AuthContext(org_->sales_a).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    for (const v1::InstalmentDue& due : response.instalments()) {
      if (due.contract_id() == k) return due.instalment().days_overdue();
    }
    return 0;
  };
  SetClock(Shanghai(2026, 1, 31, 23, 59, 59));  // 15:59:59 UTC
  EXPECT_EQ(overdue_of_k(), 0);
  EXPECT_EQ(MustGetPlan(org_->sales_a, k).overdue().minor_units(), 0);
  SetClock(Shanghai(2026, 2, 1, 0, 0, 0));  // 16:00:00 UTC, still 01-31 there
  EXPECT_EQ(overdue_of_k(), 1);
  EXPECT_EQ(MustGetPlan(org_->sales_a, k).overdue().minor_units(), 5000 * kYuan);
}

TEST_F(ReceivablesE2eTest, AgingBucketsOfAKnownSet) {
  SetClock(Shanghai(2026, 2, 1, 9));
  // Sales person B's contracts, one per bucket, each a distinct amount.
  MustSignWithPlan(org_->sales_b, customer_b_, {{"2026-02-01", 100 * kYuan}});  // not due
  MustSignWithPlan(org_->sales_b, customer_b_, {{"2026-01-31", 200 * kYuan}});  // 1 day
  MustSignWithPlan(org_->sales_b, customer_b_, {{"2025-12-20", 300 * kYuan}});  // 43 days
  MustSignWithPlan(org_->sales_b, customer_b_, {{"2025-12-02", 400 * kYuan}});  // 61 days
  MustSignWithPlan(org_->sales_b, customer_b_, {{"2025-11-01", 500 * kYuan}});  // 92 days
  const int64_t partly = MustSignWithPlan(
      org_->sales_b, customer_b_, {{"2026-01-02", 600 * kYuan}, {"2026-03-01", 700 * kYuan}});
  v1::Receipt receipt;
  ASSERT_TRUE(Receive(org_->sales_b, partly, 600 * kYuan, "b-1", &receipt).ok());

  v1::ListReceivablesRequest request;
  request.set_grouping(v1::RECEIVABLES_GROUPING_CUSTOMER);
  v1::ListReceivablesResponse response;
  const grpc::Status status =
      stub_->ListReceivables(AuthContext(org_->sales_b).get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.as_of_date(), "2026-02-01");
  ASSERT_EQ(response.rows_size(), 1);
  const v1::ReceivablesRow& row = response.rows(0);
  EXPECT_EQ(row.key(), customer_b_);
  EXPECT_EQ(row.contracts(), 6);
  EXPECT_EQ(row.contract_amount().minor_units(), 2800 * kYuan);
  EXPECT_EQ(row.received().minor_units(), 600 * kYuan);
  EXPECT_EQ(row.outstanding().minor_units(), 2200 * kYuan);
  EXPECT_EQ(row.aging().not_due().minor_units(), 800 * kYuan);
  EXPECT_EQ(row.aging().days_1_30().minor_units(), 200 * kYuan);
  EXPECT_EQ(row.aging().days_31_60().minor_units(), 300 * kYuan);
  EXPECT_EQ(row.aging().days_61_90().minor_units(), 400 * kYuan);
  EXPECT_EQ(row.aging().over_90().minor_units(), 500 * kYuan);
  EXPECT_EQ(row.aging().unscheduled().minor_units(), 0);

  // The centre's head sees both sales people, by owner.
  request.set_grouping(v1::RECEIVABLES_GROUPING_OWNER);
  ASSERT_TRUE(
      stub_->ListReceivables(AuthContext(org_->head_centre).get(), request, &response).ok());
  EXPECT_EQ(response.rows_size(), 2);
}

}  // namespace
}  // namespace crm
