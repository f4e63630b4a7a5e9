// The pool's rules (公海规则) against a real MariaDB: a holding limit per
// level that claims and assignments respect, also when they race, a reclaim
// cooldown counted on the test's clock, and rules set only for real levels,
// each change in the feed.
#include <atomic>
#include <thread>

#include "common/base/clock.h"
#include "services/customer/pool_rules.h"
#include "tests/customer/customer_fixture.h"

namespace crm::customer {
namespace {

class PoolRulesTest : public CustomerRepositoryTest {
 protected:
  void SetUp() override {
    CustomerRepositoryTest::SetUp();
    rules_ = std::make_unique<PoolRuleHandlers>(*db_);
    sales_ = testing::CallerBuilder(101)
                 .Roles(Bit(Role::kSales))
                 .Employee(7)
                 .Department(0, "/1/2/")
                 .Clock(&clock_);
    admin_ = testing::CallerBuilder(1).Roles(Bit(Role::kAdministrator)).Clock(&clock_);
  }

  absl::Status SetRule(const std::string& level, int32_t max, int32_t cooldown_days) {
    v1::SetPoolRuleRequest request;
    request.mutable_rule()->set_level_code(level);
    request.mutable_rule()->set_max_customers_per_owner(max);
    request.mutable_rule()->set_reclaim_cooldown_days(cooldown_days);
    v1::PoolRule rule;
    return rules_->SetPoolRule(admin_, request, &rule);
  }

  // A customer of `level` in the pool.
  int64_t Pooled(const std::string& name, const std::string& level = "vip") {
    v1::Customer customer = Sample(name);
    customer.set_level_code(level);
    absl::StatusOr<v1::Customer> created = repo_->Create(admin_, customer, "", true);
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? created->id() : 0;
  }

  ManualClock clock_{absl::FromUnixSeconds(1796000000)};
  std::unique_ptr<PoolRuleHandlers> rules_;
  CallContext sales_, admin_;
};

TEST_F(PoolRulesTest, AHoldingLimitAndAReclaimCooldownPerLevel) {
  ASSERT_TRUE(SetRule("vip", 2, 30).ok());
  const int64_t a = Pooled("甲公司"), b = Pooled("乙公司"), c = Pooled("丙公司");
  ASSERT_TRUE(pool_repository_->Claim(sales_, a).ok());
  ASSERT_TRUE(pool_repository_->Claim(sales_, b).ok());
  absl::Status limited = pool_repository_->Claim(sales_, c).status();
  EXPECT_EQ(limited.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(limited.message().find("(2)"), std::string::npos) << limited;
  EXPECT_EQ(Count("SELECT owner_id FROM customers WHERE id = " + std::to_string(c)), 0);

  // Released: room for another, but not for the same one for 30 days.
  absl::StatusOr<v1::Customer> released = pool_repository_->Release(sales_, a, "");
  ASSERT_TRUE(released.ok()) << released.status();
  absl::Status cooling = pool_repository_->Claim(sales_, a).status();
  EXPECT_EQ(cooling.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(cooling.message().find("may claim it again from"), std::string::npos) << cooling;
  ASSERT_TRUE(pool_repository_->Claim(sales_, c).ok());
  ASSERT_TRUE(pool_repository_->Release(sales_, c, "").ok());
  clock_.Advance(absl::Hours(24 * 30) - absl::Seconds(1));
  EXPECT_EQ(pool_repository_->Claim(sales_, a).status().code(),
            absl::StatusCode::kFailedPrecondition);
  clock_.Advance(absl::Seconds(1));
  EXPECT_TRUE(pool_repository_->Claim(sales_, a).ok());

  // An assignment respects the new owner's limit too.
  const int64_t d = Pooled("丁公司");
  EXPECT_EQ(pool_repository_->Give(admin_, d, "", Owner{7, 0, "/1/2/"}, true).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(pool_repository_->Give(admin_, d, "", Owner{8, 0, "/1/2/"}, true).ok());
  // Other levels follow the default rule ("") when there is one.
  const int64_t e = Pooled("戊公司", "normal"), f = Pooled("己公司", "normal");
  ASSERT_TRUE(pool_repository_->Claim(sales_, e).ok());
  ASSERT_TRUE(SetRule("", 1, 0).ok());
  EXPECT_EQ(pool_repository_->Claim(sales_, f).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(PoolRulesTest, RacingClaimsStayWithinTheLimit) {
  ASSERT_TRUE(SetRule("vip", 2, 0).ok());
  std::vector<int64_t> pooled;
  for (int i = 0; i < 8; ++i) pooled.push_back(Pooled("并发客户" + std::to_string(i)));
  std::atomic<int> won{0};
  std::vector<std::thread> claims;
  for (int64_t id : pooled) {
    claims.emplace_back([&, id] {
      if (pool_repository_->Claim(sales_, id).ok()) ++won;
    });
  }
  for (std::thread& t : claims) t.join();
  EXPECT_EQ(won.load(), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customers WHERE owner_id = 7"), 2);
}

TEST_F(PoolRulesTest, RulesAreForRealLevelsAndEveryChangeIsInTheFeed) {
  EXPECT_EQ(SetRule("nonexistent", 1, 1).code(), absl::StatusCode::kInvalidArgument);
  absl::Status negative = SetRule("vip", -1, -2);
  EXPECT_EQ(negative.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(negative.message().find("rule.max_customers_per_owner"), std::string::npos);
  EXPECT_NE(negative.message().find("rule.reclaim_cooldown_days"), std::string::npos);
  ASSERT_TRUE(SetRule("vip", 5, 7).ok());
  ASSERT_TRUE(SetRule("vip", 6, 7).ok());
  ASSERT_TRUE(SetRule("", 100, 0).ok());
  v1::ListPoolRulesResponse listed;
  ASSERT_TRUE(rules_->ListPoolRules(sales_, {}, &listed).ok());
  ASSERT_EQ(listed.rules_size(), 2);
  EXPECT_EQ(listed.rules(0).level_code(), "");
  EXPECT_EQ(listed.rules(1).max_customers_per_owner(), 6);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM change_log WHERE entity_type = 'crm.customer.v1.PoolRule'"),
            3);
}

}  // namespace
}  // namespace crm::customer
