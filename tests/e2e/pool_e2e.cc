// The pool's rules (公海规则) end to end, through the gateway, with the
// customer and sales processes on one business clock the test sets
// (--test-clock-file, the processes in the machine's zone, UTC here): a
// holding limit and a reclaim cooldown, and the daily recycle at 02:00
// Asia/Shanghai with its warning, its dry run, the follow-up that keeps a
// customer (a contact record in sales, read from the sales feed) and an
// administrator's undo.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "crm/customer/v1/customer_service.grpc.pb.h"
#include "crm/sales/v1/sales_service.grpc.pb.h"
#include "tests/support/clients.h"
#include "tests/support/sales_org.h"
#include "tests/support/session.h"
#include "tests/support/stack.h"
#include "tests/support/test_clock.h"
#include "tests/support/waiting.h"

namespace crm {
namespace {

namespace cv1 = customer::v1;
using testing::AuthContext;
using testing::Session;

absl::Time Shanghai(absl::CivilDay day, int hour, int minute = 0) {
  absl::TimeZone zone;
  absl::LoadTimeZone("Asia/Shanghai", &zone);
  return absl::FromCivil(absl::CivilMinute(day.year(), day.month(), day.day(), hour, minute), zone);
}

const absl::CivilDay kStart(2026, 3, 2);

class PoolE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    clock_ = new testing::TestClockFile(Shanghai(kStart, 10));
    testing::StackOptions options;
    options.backend_flags["customer"] = {clock_->Flag()};
    options.backend_flags["sales"] = {clock_->Flag()};
    stack_ = new testing::Stack(options);
    stack_->Start();
    gateway_ = new std::shared_ptr<grpc::Channel>(testing::Connect(stack_->gateway_address()));
    org_ = new testing::SalesOrg(testing::SalesOrg::Build(*gateway_));
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
    delete clock_;
  }

  void SetUp() override { customers_ = cv1::CustomerService::NewStub(*gateway_); }

  void SetRule(const cv1::PoolRule& rule) {
    cv1::SetPoolRuleRequest request;
    *request.mutable_rule() = rule;
    cv1::PoolRule set;
    const grpc::Status status =
        customers_->SetPoolRule(AuthContext(org_->admin).get(), request, &set);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // A customer of `level` in the pool.
  int64_t Pooled(const std::string& name, const std::string& level) {
    cv1::CreateCustomerRequest request;
    request.mutable_customer()->set_name(name);
    request.mutable_customer()->set_region_code("east");
    request.mutable_customer()->set_city("上海");
    request.mutable_customer()->set_level_code(level);
    request.set_to_pool(true);
    cv1::Customer created;
    const grpc::Status status =
        customers_->CreateCustomer(AuthContext(org_->admin).get(), request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created.id();
  }

  grpc::Status Claim(const Session& as, int64_t id) {
    cv1::ClaimCustomerRequest request;
    request.set_id(id);
    cv1::Customer claimed;
    return customers_->ClaimCustomer(AuthContext(as).get(), request, &claimed);
  }

  cv1::Customer Get(int64_t id) {
    cv1::GetCustomerRequest request;
    request.set_id(id);
    cv1::Customer customer;
    const grpc::Status status =
        customers_->GetCustomer(AuthContext(org_->admin).get(), request, &customer);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return customer;
  }

  cv1::RunPoolRecycleResponse DryRun() {
    cv1::RunPoolRecycleRequest request;
    request.set_dry_run(true);
    cv1::RunPoolRecycleResponse response;
    const grpc::Status status =
        customers_->RunPoolRecycle(AuthContext(org_->admin).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  static std::vector<int64_t> Ids(const cv1::RunPoolRecycleResponse& run) {
    std::vector<int64_t> ids;
    for (const cv1::PoolRecycle& r : run.recycles()) ids.push_back(r.customer_id());
    return ids;
  }

  static testing::TestClockFile* clock_;
  static testing::Stack* stack_;
  static std::shared_ptr<grpc::Channel>* gateway_;
  static testing::SalesOrg* org_;
  std::unique_ptr<cv1::CustomerService::Stub> customers_;
};

testing::TestClockFile* PoolE2eTest::clock_ = nullptr;
testing::Stack* PoolE2eTest::stack_ = nullptr;
std::shared_ptr<grpc::Channel>* PoolE2eTest::gateway_ = nullptr;
testing::SalesOrg* PoolE2eTest::org_ = nullptr;

TEST_F(PoolE2eTest, AHoldingLimitAndAReclaimCooldownThenTheDailyRecycle) {
  // Key customers: at most 2 each, 7 days before one given up may be taken
  // again, back to the pool after 30 days without a follow-up, warned 3
  // days before.
  cv1::PoolRule rule;
  rule.set_level_code("key");
  rule.set_max_customers_per_owner(2);
  rule.set_reclaim_cooldown_days(7);
  rule.set_recycle_no_follow_up_days(30);
  rule.set_recycle_warning_days(3);
  SetRule(rule);
  const int64_t a = Pooled("东方机床有限公司", "key"), b = Pooled("南方机床有限公司", "key"),
                c = Pooled("北方机床有限公司", "key");

  ASSERT_TRUE(Claim(org_->sales_a, a).ok());
  ASSERT_TRUE(Claim(org_->sales_a, b).ok());
  grpc::Status status = Claim(org_->sales_a, c);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(status.error_message().find("(2)") != std::string::npos) << status.error_message();
  cv1::ReleaseCustomerRequest release;
  release.set_id(b);
  cv1::Customer released;
  status = customers_->ReleaseCustomer(AuthContext(org_->sales_a).get(), release, &released);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(Claim(org_->sales_a, b).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(Claim(org_->sales_a, c).ok());  // room again, for another one
  // sales.b takes b; sales.a's cooldown on it ends 7 days after the release.
  ASSERT_TRUE(Claim(org_->sales_b, b).ok());

  // Day 10: sales.b follows b up (a contact record in sales): its 30 days
  // start again. a and c have had none since day 0.
  clock_->Set(Shanghai(kStart + 10, 15));
  auto sales = sales::v1::SalesService::NewStub(*gateway_);
  sales::v1::CreateContactRecordRequest record;
  record.mutable_record()->set_customer_id(b);
  record.mutable_record()->set_method(sales::v1::VISIT);
  record.mutable_record()->set_subject("年度回访");
  sales::v1::ContactRecord made;
  status = sales->CreateContactRecord(AuthContext(org_->sales_b).get(), record, &made);
  ASSERT_TRUE(status.ok()) << status.error_message();

  // Day 27: no warning yet (a and c go back on day 31).
  clock_->Set(Shanghai(kStart + 27, 9));
  cv1::ListMyPoolWarningsResponse warnings;
  status = customers_->ListMyPoolWarnings(AuthContext(org_->sales_a).get(), {}, &warnings);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(warnings.warnings_size(), 0);
  // Day 28: warned, 3 days ahead.
  clock_->Set(Shanghai(kStart + 28, 9));
  status = customers_->ListMyPoolWarnings(AuthContext(org_->sales_a).get(), {}, &warnings);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(warnings.warnings_size(), 2);
  EXPECT_EQ(warnings.warnings(0).customer_id(), a);
  EXPECT_EQ(warnings.warnings(0).days_left(), 3);
  EXPECT_EQ(warnings.warnings(0).reason(), cv1::NO_FOLLOW_UP);

  // Day 30: the dry run says who goes back tomorrow, and why; b's follow-up
  // (read from the sales feed) keeps it.
  clock_->Set(Shanghai(kStart + 30, 9));
  cv1::RunPoolRecycleResponse dry;
  ASSERT_TRUE(testing::Eventually([&] {
    dry = DryRun();
    return Ids(dry) == std::vector<int64_t>{a, c};
  })) << "the dry run lists "
      << dry.total() << " customers";
  EXPECT_EQ(dry.run_id(), 0);
  EXPECT_EQ(dry.recycles(0).rule_days(), 30);
  EXPECT_EQ(dry.recycles(0).owner_employee_id(), org_->sales_a_employee);
  EXPECT_EQ(Get(a).owner_id(), org_->sales_a_employee);  // a dry run changes nothing

  // Day 31, 02:00 Shanghai: the day's run sends a and c back.
  clock_->Set(Shanghai(kStart + 31, 2));
  cv1::ListPoolRecyclesResponse recycled;
  ASSERT_TRUE(testing::Eventually(
      [&] {
        cv1::ListPoolRecyclesRequest request;
        recycled.Clear();
        return customers_->ListPoolRecycles(AuthContext(org_->admin).get(), request, &recycled)
                   .ok() &&
               recycled.recycles_size() == 2;
      },
      std::chrono::seconds(20)));
  EXPECT_TRUE(Get(a).in_pool());
  EXPECT_TRUE(Get(c).in_pool());
  EXPECT_EQ(Get(b).owner_id(), org_->sales_b_employee);
  for (const cv1::PoolRecycle& r : recycled.recycles()) {
    EXPECT_EQ(r.reason(), cv1::NO_FOLLOW_UP);
    EXPECT_EQ(r.recycle_date(), "2026-04-02");
  }

  // An administrator undoes a's: back to sales.a.
  const cv1::PoolRecycle& of_a =
      recycled.recycles(0).customer_id() == a ? recycled.recycles(0) : recycled.recycles(1);
  cv1::UndoPoolRecycleRequest undo;
  undo.set_id(of_a.id());
  cv1::PoolRecycle undone;
  EXPECT_EQ(
      customers_->UndoPoolRecycle(AuthContext(org_->sales_a).get(), undo, &undone).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  status = customers_->UndoPoolRecycle(AuthContext(org_->admin).get(), undo, &undone);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(undone.has_undo_time());
  EXPECT_EQ(Get(a).owner_id(), org_->sales_a_employee);
  // sales.a lost c to the recycle: the cooldown holds it off for 7 days.
  EXPECT_EQ(Claim(org_->sales_a, c).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  clock_->Set(Shanghai(kStart + 38, 2));
  EXPECT_TRUE(Claim(org_->sales_a, c).ok());

  // A run on demand goes on in the background; nobody is due now.
  cv1::RunPoolRecycleRequest now;
  cv1::RunPoolRecycleResponse started;
  status = customers_->RunPoolRecycle(AuthContext(org_->admin).get(), now, &started);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(started.running());
  cv1::GetPoolRecycleRunRequest get;
  get.set_id(started.run_id());
  cv1::PoolRecycleRun run;
  ASSERT_TRUE(testing::Eventually([&] {
    return customers_->GetPoolRecycleRun(AuthContext(org_->admin).get(), get, &run).ok() &&
           run.has_finish_time();
  }));
  EXPECT_EQ(run.recycled(), 0);
  EXPECT_EQ(run.actor(), org_->admin.identity.subject());
}

}  // namespace
}  // namespace crm
