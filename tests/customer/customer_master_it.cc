// The customer master data rules against a real MariaDB: codes, duplicates,
// references, sorted lists, the pool, shares and the recycle bin.
#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include "services/customer/customer_code.h"
#include "tests/customer/customer_fixture.h"

namespace crm::customer {
namespace {

TEST_F(CustomerRepositoryTest, CodesAreLetterAreaCodeAndSequenceAndUniqueUnderConcurrency) {
  constexpr int kThreads = 12;
  std::vector<std::string> codes(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      v1::Customer c = Sample("北京客户" + std::to_string(i), "north");
      c.set_city("北京");
      c.set_importance(v1::CUSTOMER_IMPORTANCE_IMPORTANT);
      auto created = repo_->Create(call_, c, "", false);
      codes[i] = created.ok() ? created->code() : created.status().ToString();
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> expected;
  for (int i = 1; i <= kThreads; ++i) expected.insert(FormatCustomerCode("i010", i));
  EXPECT_EQ(std::set<std::string>(codes.begin(), codes.end()), expected);

  // Other letters and cities count on their own; no city is area code 000.
  v1::Customer potential = Sample("杭州潜在客户");
  potential.set_city("杭州");
  potential.set_importance(v1::CUSTOMER_IMPORTANCE_POTENTIAL);
  EXPECT_EQ(repo_->Create(call_, potential, "", false)->code(), "p0571001");
  v1::Customer nowhere = Sample("无城市客户");
  nowhere.clear_city();
  EXPECT_EQ(repo_->Create(call_, nowhere, "", false)->code(), "n000001");
}

TEST_F(CustomerRepositoryTest, DuplicatesByTaxIdOrNameInCityAreRefused) {
  v1::Customer first = Sample("上海华东电气有限公司");
  first.set_tax_id("91310000MA1FL0001X");
  ASSERT_TRUE(repo_->Create(call_, first, "", false).ok());

  v1::Customer same_tax = Sample("另一个名字");
  same_tax.set_tax_id("91310000MA1FL0001X");
  EXPECT_EQ(repo_->Create(call_, same_tax, "", false).status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(repo_->Create(call_, Sample("上海华东电气有限公司"), "", false).status().code(),
            absl::StatusCode::kAlreadyExists);
  v1::Customer other_city = Sample("上海华东电气有限公司");
  other_city.set_city("杭州");
  EXPECT_TRUE(repo_->Create(call_, other_city, "", false).ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customers"), 2);
}

// A duplicate names the customer it clashes with only to a caller who may see
// it; to others it only says one exists.
TEST_F(CustomerRepositoryTest, ADuplicateOutOfSightIsNotNamed) {
  CallContext sales_b = As(102, Bit(Role::kSales), 8, "/1/3/");
  v1::Customer first = Sample("杭州远方贸易有限公司");
  first.set_tax_id("91330100MA2FL0002Y");
  auto created = repo_->Create(call_, first, "", false);
  ASSERT_TRUE(created.ok()) << created.status();

  v1::Customer again = Sample("另一家公司");
  again.set_tax_id("91330100MA2FL0002Y");
  absl::Status hidden = repo_->Create(sales_b, again, "", false).status();
  EXPECT_EQ(hidden.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(std::string(hidden.message()).find(created->code()), std::string::npos) << hidden;
  absl::Status named = repo_->Create(As(1, Bit(Role::kAdministrator)), again, "", false).status();
  EXPECT_NE(std::string(named.message()).find(created->code()), std::string::npos) << named;
}

// A retried create returns the first call's customer, unless it has since
// moved out of the caller's sight: then nothing of it is shown.
TEST_F(CustomerRepositoryTest, ARetriedCreateShowsNothingOfACustomerNowOutOfSight) {
  auto created = repo_->Create(call_, Sample("转走的客户"), "create-1", false);
  ASSERT_TRUE(created.ok()) << created.status();
  ASSERT_TRUE(
      pool_repository_
          ->Give(As(1, Bit(Role::kAdministrator)), created->id(), "", Owner{8, 0, "/1/3/"}, false)
          .ok());
  auto retried = repo_->Create(call_, Sample("转走的客户"), "create-1", false);
  EXPECT_EQ(retried.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(std::string(retried.status().message()).find(created->code()), std::string::npos);
  EXPECT_EQ(std::string(retried.status().message()).find("转走"), std::string::npos);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customers"), 1);
}

TEST_F(CustomerRepositoryTest, TheProvinceDefaultsToTheCitysAndFollowsAMove) {
  v1::Customer c = Sample("苏州精密机械");
  c.set_city("杭州");
  auto created = repo_->Create(call_, c, "", false);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->province(), "浙江");
  auto moved = repo_->Update(call_, created->id(), "", [](v1::Customer& m) {
    m.set_city("苏州");
    return absl::OkStatus();
  });
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(moved->province(), "江苏");
  // A province set by hand stays when the city changes.
  auto own = repo_->Update(call_, created->id(), "", [](v1::Customer& m) {
    m.set_province("江苏省（苏南）");
    m.set_city("上海");
    return absl::OkStatus();
  });
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_EQ(own->province(), "江苏省（苏南）");
}

TEST_F(CustomerRepositoryTest, CityMustBeOneOfTheRegions) {
  v1::Customer c = Sample("城市不对");
  c.set_city("广州");  // a south China city, the customer is in east China
  auto created = repo_->Create(call_, c, "", false);
  ASSERT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(created.status().message()).find("customer.city"), std::string::npos);
}

TEST_F(CustomerRepositoryTest, RetiredDictionaryValuesStayOnOldRecordsOnly) {
  v1::Customer old = Sample("老客户");
  old.set_type_code("supplier");
  auto created = repo_->Create(call_, old, "", false);
  ASSERT_TRUE(created.ok()) << created.status();
  CallContext admin = As(1, Bit(Role::kAdministrator));
  ASSERT_TRUE(reference_->RetireEntry(admin, v1::DICTIONARY_KIND_CUSTOMER_TYPE, "supplier").ok());

  v1::Customer fresh = Sample("新客户");
  fresh.set_type_code("supplier");
  auto refused = repo_->Create(call_, fresh, "", false);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(refused.status().message()).find("customer.type_code"), std::string::npos);

  // The old record keeps it through unrelated changes.
  auto kept = repo_->Update(call_, created->id(), "", [](v1::Customer& c) {
    c.set_phone("021-5555-6666");
    return absl::OkStatus();
  });
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_EQ(kept->type_code(), "supplier");
  // Another record cannot take it up.
  auto other = repo_->Create(call_, Sample("第三个客户"), "", false);
  auto moved_to_retired = repo_->Update(call_, other->id(), "", [](v1::Customer& c) {
    c.set_type_code("supplier");
    return absl::OkStatus();
  });
  EXPECT_EQ(moved_to_retired.status().code(), absl::StatusCode::kInvalidArgument);
  auto unknown = Sample("未知类型");
  unknown.set_industry_code("astrology");
  EXPECT_EQ(repo_->Create(call_, unknown, "", false).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(CustomerRepositoryTest, ListsSortByEachOrderAndPageWithoutGapsOrRepeats) {
  const std::vector<std::string> names = {"丙公司", "甲公司", "乙公司", "丁公司", "戊公司"};
  for (size_t i = 0; i < names.size(); ++i) {
    v1::Customer c = Sample(names[i]);
    c.set_joined_date("2026-0" + std::to_string(i + 1) + "-10");
    ASSERT_TRUE(repo_->Create(call_, c, "", false).ok());
  }
  for (auto order :
       {v1::ListCustomersRequest::ORDER_BY_NAME, v1::ListCustomersRequest::ORDER_BY_CODE,
        v1::ListCustomersRequest::ORDER_BY_JOINED_DATE,
        v1::ListCustomersRequest::ORDER_BY_LAST_ACTIVITY}) {
    for (bool descending : {false, true}) {
      v1::ListCustomersRequest request;
      request.set_order_by(order);
      request.set_descending(descending);
      auto paged = ListAll(call_, request, 2);
      ASSERT_TRUE(paged.ok()) << paged.status();
      ASSERT_EQ(paged->customers.size(), names.size());
      std::vector<std::string> keys;
      for (const auto& c : paged->customers) keys.push_back(OrderValue(c, order));
      std::vector<std::string> sorted = keys;
      std::sort(sorted.begin(), sorted.end());
      if (descending) std::reverse(sorted.begin(), sorted.end());
      EXPECT_EQ(keys, sorted) << v1::ListCustomersRequest::Order_Name(order) << descending;
    }
  }
  v1::ListCustomersRequest range;
  range.set_joined_from("2026-02-01");
  range.set_joined_to("2026-03-31");
  EXPECT_EQ(ListAll(call_, range)->total_size, 2);
}

TEST_F(CustomerRepositoryTest, OfSimultaneousClaimsExactlyOneWins) {
  auto pooled = repo_->Create(call_, Sample("公海客户"), "", /*to_pool=*/true);
  ASSERT_TRUE(pooled.ok());
  EXPECT_TRUE(pooled->in_pool());
  constexpr int kClaimants = 8;
  std::atomic<int> won{0}, lost{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kClaimants; ++i) {
    threads.emplace_back([&, i] {
      auto claimed =
          pool_repository_->Claim(As(400 + i, Bit(Role::kSales), 40 + i, "/1/2/"), pooled->id());
      if (claimed.ok()) {
        ++won;
      } else if (claimed.status().code() == absl::StatusCode::kFailedPrecondition) {
        ++lost;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(lost.load(), kClaimants - 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customers WHERE owner_id BETWEEN 40 AND 47"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM change_log WHERE operation = 2"), 1);
}

TEST_F(CustomerRepositoryTest, SharedColleaguesSeeButCannotChange) {
  CallContext owner = As(201, Bit(Role::kSales), 21, "/1/2/");
  CallContext colleague = As(202, Bit(Role::kSales), 22, "/1/3/");
  auto created = repo_->Create(owner, Sample("共享客户"), "", false);
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(repo_->Get(colleague, created->id()).status().code(), absl::StatusCode::kNotFound);
  auto shared = pool_repository_->Share(owner, created->id(), {22});
  ASSERT_TRUE(shared.ok()) << shared.status();
  EXPECT_EQ(shared->shared_with_employee_ids_size(), 1);
  EXPECT_TRUE(repo_->Get(colleague, created->id()).ok());
  EXPECT_EQ(ListAll(colleague)->total_size, 1);
  EXPECT_EQ(
      repo_->Update(colleague, created->id(), "", [](v1::Customer&) { return absl::OkStatus(); })
          .status()
          .code(),
      absl::StatusCode::kNotFound);
  ASSERT_TRUE(pool_repository_->Unshare(owner, created->id(), {22}).ok());
  EXPECT_EQ(repo_->Get(colleague, created->id()).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ListAll(colleague)->total_size, 0);
}

// Get reads the shares in the customer's own statement; they must be the
// same, in the same order, as a locked read's separate query gives.
TEST_F(CustomerRepositoryTest, GetReadsEveryShareInOrder) {
  CallContext owner = As(211, Bit(Role::kSales), 31, "/1/2/");
  auto created = repo_->Create(owner, Sample("多人共享客户"), "", false);
  ASSERT_TRUE(created.ok());
  auto unshared = repo_->Get(owner, created->id());
  ASSERT_TRUE(unshared.ok()) << unshared.status();
  EXPECT_EQ(unshared->shared_with_employee_ids_size(), 0);

  auto shared = pool_repository_->Share(owner, created->id(), {1234567890123, 35, 33});
  ASSERT_TRUE(shared.ok()) << shared.status();
  auto read = repo_->Get(owner, created->id());
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(std::vector<int64_t>(read->shared_with_employee_ids().begin(),
                                 read->shared_with_employee_ids().end()),
            (std::vector<int64_t>{33, 35, 1234567890123}));
  EXPECT_EQ(std::vector<int64_t>(shared->shared_with_employee_ids().begin(),
                                 shared->shared_with_employee_ids().end()),
            (std::vector<int64_t>{33, 35, 1234567890123}));
}

TEST_F(CustomerRepositoryTest, TheRecycleBinRestoresAndPurges) {
  CallContext admin = As(1, Bit(Role::kAdministrator));
  auto kept = repo_->Create(call_, Sample("恢复的客户"), "", false);
  auto purged = repo_->Create(call_, Sample("清除的客户"), "", false);
  ASSERT_TRUE(repo_->Delete(call_, kept->id(), "").ok());
  ASSERT_TRUE(repo_->Delete(call_, purged->id(), "").ok());
  v1::ListCustomersRequest bin;
  bin.set_view(v1::ListCustomersRequest::VIEW_RECYCLE_BIN);
  EXPECT_EQ(ListAll(call_, bin)->total_size, 2);

  auto restored = pool_repository_->Restore(admin, kept->id());
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_FALSE(restored->in_recycle_bin());
  EXPECT_EQ(repo_->Get(call_, kept->id())->name(), "恢复的客户");
  ASSERT_TRUE(pool_repository_->Purge(admin, purged->id()).ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customers"), 1);
  EXPECT_EQ(pool_repository_->Purge(admin, kept->id()).code(),
            absl::StatusCode::kNotFound);  // not in the bin
}

TEST_F(CustomerRepositoryTest, AreaCodesStayPrefixFree) {
  CallContext admin = As(1, Bit(Role::kAdministrator));
  v1::City clash;
  clash.set_region_code("north");
  clash.set_name("某市");
  clash.set_area_code("0101");  // 010 (北京) is a prefix of it
  EXPECT_EQ(reference_->CreateCity(admin, clash, "").status().code(),
            absl::StatusCode::kInvalidArgument);
  clash.set_area_code("0359");
  auto created = reference_->CreateCity(admin, clash, "");
  ASSERT_TRUE(created.ok()) << created.status();
  auto renamed = reference_->RenameCity(admin, created->id(), "运城");
  ASSERT_TRUE(renamed.ok());
  v1::Customer c = Sample("运城客户", "north");
  c.set_city("运城");
  EXPECT_EQ(repo_->Create(call_, c, "", false)->code(), "n0359001");
}

}  // namespace
}  // namespace crm::customer
