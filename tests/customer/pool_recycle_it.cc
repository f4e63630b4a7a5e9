// The pool's daily recycle (公海回收) against a real MariaDB, on the test's
// clock in Asia/Shanghai: follow-ups and wins read from sales changes keep a
// customer, the rest go back on the day their level's rule says and not a day
// before, the dry run lists them, the owner is warned within the warning
// days, the day's scheduled run happens once, and an undo gives a customer
// back only while it is still in the pool.
#include "common/base/clock.h"
#include "common/base/dates.h"
#include "common/db/record_helpers.h"
#include "common/feed/change_log.h"
#include "crm/common/v1/changes.pb.h"
#include "crm/sales/v1/contact_record.pb.h"
#include "crm/sales/v1/order.pb.h"
#include "services/customer/pool_recycle.h"
#include "services/customer/pool_rules.h"
#include "services/customer/sales_follow_ups.h"
#include "tests/customer/customer_fixture.h"

namespace crm::customer {
namespace {

absl::TimeZone Shanghai() {
  absl::TimeZone zone;
  absl::LoadTimeZone("Asia/Shanghai", &zone);
  return zone;
}

class PoolRecycleTest : public CustomerRepositoryTest {
 protected:
  void SetUp() override {
    CustomerRepositoryTest::SetUp();
    rules_ = std::make_unique<PoolRuleHandlers>(*db_);
    recycler_ = std::make_unique<PoolRecycler>(*db_, Shanghai());
    sales_ = testing::CallerBuilder(101)
                 .Roles(Bit(Role::kSales))
                 .Employee(7)
                 .Department(0, "/1/2/")
                 .Clock(&clock_);
    admin_ = testing::CallerBuilder(1).Roles(Bit(Role::kAdministrator)).Clock(&clock_);
  }

  void SetRecycleRule(const std::string& level, int no_follow_up, int no_win, int warning) {
    v1::SetPoolRuleRequest request;
    request.mutable_rule()->set_level_code(level);
    request.mutable_rule()->set_recycle_no_follow_up_days(no_follow_up);
    request.mutable_rule()->set_recycle_no_win_days(no_win);
    request.mutable_rule()->set_recycle_warning_days(warning);
    v1::PoolRule rule;
    ASSERT_TRUE(rules_->SetPoolRule(admin_, request, &rule).ok());
  }

  // A customer of level vip claimed by employee 7 now.
  int64_t Held(const std::string& name) {
    v1::Customer customer = Sample(name);
    customer.set_level_code("vip");
    absl::StatusOr<v1::Customer> created = repo_->Create(admin_, customer, "", true);
    EXPECT_TRUE(created.ok()) << created.status();
    EXPECT_TRUE(pool_repository_->Claim(sales_, created->id()).ok());
    return created->id();
  }

  // A sales change as the feed delivers it.
  void Apply(const google::protobuf::Message& state, common::v1::ChangeOperation op,
             std::vector<std::string> changed = {}) {
    common::v1::Change change;
    change.set_operation(op);
    change.mutable_state()->PackFrom(state);
    for (std::string& field : changed) change.add_changed_fields(std::move(field));
    ASSERT_TRUE(db_->Run("apply", Deadline::max(),
                         [&](MySqlConnection& c) {
                           ApplySalesChange(c, change);
                           return absl::OkStatus();
                         })
                    .ok());
  }

  void ContactRecordAt(int64_t customer, absl::Time at) {
    sales::v1::ContactRecord record;
    record.set_customer_id(customer);
    SetTimestamp(at, record.mutable_create_time());
    Apply(record, common::v1::CHANGE_OPERATION_CREATE);
  }

  absl::CivilDay Today() const { return absl::ToCivilDay(clock_.Now(), Shanghai()); }
  // Moves the clock to 09:00 of `day`.
  void SetDay(absl::CivilDay day) {
    clock_.Set(absl::FromCivil(absl::CivilHour(day.year(), day.month(), day.day(), 9), Shanghai()));
  }

  std::vector<int64_t> Ids(const RecycleRun& run) {
    std::vector<int64_t> ids;
    for (const v1::PoolRecycle& r : run.listed) ids.push_back(r.customer_id());
    return ids;
  }

  ManualClock clock_{absl::FromUnixSeconds(1796000000)};
  std::unique_ptr<PoolRuleHandlers> rules_;
  std::unique_ptr<PoolRecycler> recycler_;
  CallContext sales_, admin_;
};

TEST_F(PoolRecycleTest, CustomersWithoutAFollowUpGoBackOnTheirDayAndTheOwnerIsWarned) {
  SetRecycleRule("vip", 30, 0, 5);
  SetDay(absl::CivilDay(2026, 12, 1));
  const absl::CivilDay claimed = Today();
  const int64_t a = Held("甲公司"), b = Held("乙公司"), c = Held("丙公司");
  // b was followed up 20 days later: its 30 days start again then.
  ContactRecordAt(b, clock_.Now() + absl::Hours(24 * 20));

  // Claimed on day D: back on D + 31, not on D + 30.
  absl::StatusOr<RecycleRun> early = recycler_->DryRun(admin_, claimed + 30);
  ASSERT_TRUE(early.ok()) << early.status();
  EXPECT_EQ(early->total, 0);
  absl::StatusOr<RecycleRun> dry = recycler_->DryRun(admin_, claimed + 31);
  ASSERT_TRUE(dry.ok()) << dry.status();
  EXPECT_EQ(Ids(*dry), (std::vector<int64_t>{a, c}));
  EXPECT_EQ(dry->listed[0].reason(), v1::NO_FOLLOW_UP);
  EXPECT_EQ(dry->listed[0].rule_days(), 30);
  EXPECT_EQ(dry->listed[0].owner_employee_id(), 7);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customers WHERE owner_id = 7"), 3);  // changed nothing

  // Warned from 5 days before.
  SetDay(claimed + 25);
  absl::StatusOr<std::vector<v1::PoolWarning>> none = recycler_->Warnings(sales_, 7);
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->empty());
  SetDay(claimed + 26);
  absl::StatusOr<std::vector<v1::PoolWarning>> warned = recycler_->Warnings(sales_, 7);
  ASSERT_TRUE(warned.ok()) << warned.status();
  ASSERT_EQ(warned->size(), 2u);
  EXPECT_EQ((*warned)[0].customer_id(), a);
  EXPECT_EQ((*warned)[0].days_left(), 5);
  EXPECT_EQ((*warned)[0].recycle_date(), FormatIsoDate(claimed + 31));

  // The day's scheduled run sends them back, once.
  SetDay(claimed + 31);
  absl::StatusOr<RecycleRun> run = recycler_->Run(admin_, Today(), /*scheduled=*/true);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_NE(run->run_id, 0);
  EXPECT_EQ(Ids(*run), (std::vector<int64_t>{a, c}));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customers WHERE owner_id = 0 AND id IN (" +
                  std::to_string(a) + "," + std::to_string(c) + ")"),
            2);
  EXPECT_EQ(Count("SELECT owner_id FROM customers WHERE id = " + std::to_string(b)), 7);
  absl::StatusOr<RecycleRun> again = recycler_->Run(admin_, Today(), /*scheduled=*/true);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->run_id, 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM pool_recycles"), 2);
  // Each customer's move is in the feed.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM change_log WHERE actor = 'user:1' AND entity_type = "
                  "'crm.customer.v1.Customer' AND entity_id IN (" +
                  std::to_string(a) + "," + std::to_string(c) + ")"),
            4);  // created and recycled

  // Undone while still in the pool: back to its owner, whose days start again.
  absl::StatusOr<Page<v1::PoolRecycle>> listed = recycler_->List(admin_, run->run_id, a, 10, {});
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->rows.size(), 1u);
  const int64_t recycle_a = listed->rows[0].id();
  absl::StatusOr<v1::PoolRecycle> undone = recycler_->Undo(admin_, recycle_a, Owner{7, 0, "/1/2/"});
  ASSERT_TRUE(undone.ok()) << undone.status();
  EXPECT_TRUE(undone->has_undo_time());
  EXPECT_EQ(Count("SELECT owner_id FROM customers WHERE id = " + std::to_string(a)), 7);
  EXPECT_EQ(recycler_->Undo(admin_, recycle_a, Owner{7, 0, "/1/2/"}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  absl::StatusOr<RecycleRun> next_day = recycler_->DryRun(admin_, Today() + 1);
  ASSERT_TRUE(next_day.ok()) << next_day.status();
  EXPECT_EQ(next_day->total, 0);
  // c was claimed by someone else meanwhile: no undo.
  CallContext other = testing::CallerBuilder(102)
                          .Roles(Bit(Role::kSales))
                          .Employee(8)
                          .Department(0, "/1/2/")
                          .Clock(&clock_);
  ASSERT_TRUE(pool_repository_->Claim(other, c).ok());
  listed = recycler_->List(admin_, run->run_id, c, 10, {});
  ASSERT_TRUE(listed.ok() && listed->rows.size() == 1u);
  EXPECT_EQ(recycler_->Undo(admin_, listed->rows[0].id(), Owner{7, 0, "/1/2/"}).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(PoolRecycleTest, AWinKeepsACustomerUnderTheNoWinRule) {
  SetRecycleRule("", 0, 60, 0);  // every level: 60 days without a win
  SetDay(absl::CivilDay(2026, 12, 1));
  const absl::CivilDay claimed = Today();
  const int64_t won = Held("赢单公司"), idle = Held("无单公司");
  sales::v1::Order order;
  order.set_customer_id(won);
  order.set_status(sales::v1::CONFIRMED);
  SetTimestamp(clock_.Now() + absl::Hours(24 * 10), order.mutable_update_time());
  Apply(order, common::v1::CHANGE_OPERATION_UPDATE, {"status"});
  // A draft order is a follow-up, not a win.
  order.set_customer_id(idle);
  order.set_status(sales::v1::DRAFT);
  SetTimestamp(clock_.Now() + absl::Hours(24 * 10), order.mutable_create_time());
  Apply(order, common::v1::CHANGE_OPERATION_CREATE);

  SetDay(claimed + 61);
  absl::StatusOr<RecycleRun> run = recycler_->Run(admin_, Today(), /*scheduled=*/false);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(Ids(*run), (std::vector<int64_t>{idle}));
  EXPECT_EQ(run->listed[0].reason(), v1::NO_WIN);
  EXPECT_EQ(Count("SELECT owner_id FROM customers WHERE id = " + std::to_string(won)), 7);
}

}  // namespace
}  // namespace crm::customer
