// CustomerRepository against a real MariaDB: round trips, idempotency,
// optimistic concurrency, soft delete, paging, and the change rows.
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <gtest/gtest.h>

#include <thread>

#include "crm/common/v1/changes.pb.h"
#include "crm/org/v1/structure.pb.h"
#include "services/customer/owner_department_sync.h"
#include "tests/customer/customer_fixture.h"

namespace crm::customer {
namespace {

TEST_F(CustomerRepositoryTest, ChineseTextRoundTripsExactly) {
  auto created = repo_->Create(call_, Sample("上海华东电气有限公司😀"), "", false);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_GT(created->id(), 0);
  EXPECT_EQ(created->etag(), "1");
  auto read = repo_->Get(call_, created->id());
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->name(), "上海华东电气有限公司😀");
  EXPECT_EQ(read->address(), "上海市浦东新区张江路 88 号");
  EXPECT_EQ(read->remarks(), "第一行\n第二行");
  EXPECT_EQ(read->create_time().seconds(), created->create_time().seconds());
  EXPECT_EQ(read->create_time().nanos(), created->create_time().nanos());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM change_log WHERE operation = 1"), 1);
}

TEST_F(CustomerRepositoryTest, SameRequestIdCreatesOneCustomer) {
  auto first = repo_->Create(call_, Sample("杭州西湖软件"), "retry-1", false);
  auto second = repo_->Create(call_, Sample("杭州西湖软件"), "retry-1", false);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->id(), second->id());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customers"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM change_log"), 1);
}

TEST_F(CustomerRepositoryTest, ConcurrentRetriesWithOneRequestIdCreateOneCustomer) {
  std::vector<int64_t> ids(6);
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      auto c = repo_->Create(call_, Sample("并发客户"), "same-id", false);
      ids[i] = c.ok() ? c->id() : -1;
    });
  }
  for (auto& t : threads) t.join();
  for (int64_t id : ids) EXPECT_EQ(id, ids[0]);
  EXPECT_GT(ids[0], 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customers"), 1);
}

TEST_F(CustomerRepositoryTest, UnknownRegionWritesNothing) {
  auto created = repo_->Create(call_, Sample("无区域客户", "atlantis"), "", false);
  ASSERT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(created.status().message()).find("customer.region_code"),
            std::string::npos);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customers"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM change_log"), 0);
}

TEST_F(CustomerRepositoryTest, UpdateChecksTheEtagAndChangesNothingWhenStale) {
  auto created = repo_->Create(call_, Sample("南京金陵机械"), "", false);
  ASSERT_TRUE(created.ok());
  auto set_phone = [](const std::string& phone) {
    return [phone](v1::Customer& c) {
      c.set_phone(phone);
      return absl::OkStatus();
    };
  };
  auto updated = repo_->Update(call_, created->id(), created->etag(), set_phone("025-1111"));
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->etag(), "2");
  auto stale = repo_->Update(call_, created->id(), created->etag(), set_phone("025-2222"));
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  auto read = repo_->Get(call_, created->id());
  EXPECT_EQ(read->phone(), "025-1111");
  EXPECT_EQ(read->etag(), "2");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM change_log"), 2);  // create + one update
}

TEST_F(CustomerRepositoryTest, ARejectedChangeRollsBack) {
  auto created = repo_->Create(call_, Sample("回滚客户"), "", false);
  auto result = repo_->Update(call_, created->id(), "", [](v1::Customer& c) {
    c.set_name("changed");
    return absl::InvalidArgumentError("no");
  });
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(repo_->Get(call_, created->id())->name(), "回滚客户");
}

TEST_F(CustomerRepositoryTest, DeleteIsSoftAndHidesTheCustomer) {
  auto created = repo_->Create(call_, Sample("待删除客户"), "", false);
  EXPECT_EQ(repo_->Delete(call_, created->id(), "99").code(), absl::StatusCode::kAborted);
  ASSERT_TRUE(repo_->Delete(call_, created->id(), created->etag()).ok());
  EXPECT_EQ(repo_->Get(call_, created->id()).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(repo_->Delete(call_, created->id(), "").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customers WHERE deleted_at IS NOT NULL"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM change_log WHERE operation = 3"), 1);
  EXPECT_EQ(ListAll(call_)->total_size, 0);
}

// The seeds' policy: own records for sales, the department subtree for a
// head, everything for administrators; gets, changes, deletes, lists and
// counts all obey it.
TEST_F(CustomerRepositoryTest, EachCallerSeesOnlyWhatTheirScopeAllows) {
  CallContext sales_a = As(201, Bit(Role::kSales), 21, "/1/2/5/");
  CallContext sales_b = As(202, Bit(Role::kSales), 22, "/1/3/");
  CallContext head_of_2 = As(203, Bit(Role::kDepartmentHead), 23, "/1/2/");
  CallContext head_of_3 = As(204, Bit(Role::kDepartmentHead), 24, "/1/3/");
  CallContext admin = As(1, Bit(Role::kAdministrator));
  auto a_customer = repo_->Create(sales_a, Sample("甲的客户"), "", false);
  auto b_customer = repo_->Create(sales_b, Sample("乙的客户"), "", false);
  ASSERT_TRUE(a_customer.ok() && b_customer.ok());
  EXPECT_EQ(a_customer->owner_id(), 21);

  EXPECT_TRUE(repo_->Get(sales_a, a_customer->id()).ok());
  EXPECT_EQ(repo_->Get(sales_b, a_customer->id()).status().code(), absl::StatusCode::kNotFound);
  auto touch = [](v1::Customer& c) {
    c.set_phone("010-1234");
    return absl::OkStatus();
  };
  EXPECT_EQ(repo_->Update(sales_b, a_customer->id(), "", touch).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(repo_->Delete(sales_b, a_customer->id(), "").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(repo_->Get(sales_a, a_customer->id())->phone(), "");  // unchanged

  EXPECT_EQ(ListAll(sales_a)->total_size, 1);
  EXPECT_EQ(ListAll(sales_b)->total_size, 1);
  EXPECT_EQ(ListAll(head_of_2)->total_size, 1);  // /1/2/5/ is in /1/2/
  EXPECT_EQ(ListAll(head_of_2)->customers[0].id(), a_customer->id());
  EXPECT_EQ(ListAll(head_of_3)->total_size, 1);
  EXPECT_EQ(repo_->Get(head_of_3, a_customer->id()).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(repo_->Update(head_of_2, a_customer->id(), "", touch).ok());
  EXPECT_EQ(ListAll(admin)->total_size, 2);
  // A caller with no employee and no all-records role sees nothing at all.
  EXPECT_EQ(ListAll(As(300, Bit(Role::kSales)))->total_size, 0);
}

TEST_F(CustomerRepositoryTest, RequestIdsArePerCaller) {
  CallContext sales_a = As(201, Bit(Role::kSales), 21, "/1/2/");
  CallContext sales_b = As(202, Bit(Role::kSales), 22, "/1/3/");
  auto first = repo_->Create(sales_a, Sample("甲"), "same-id", false);
  auto second = repo_->Create(sales_b, Sample("乙"), "same-id", false);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_NE(first->id(), second->id());
  EXPECT_EQ(second->name(), "乙");
}

TEST_F(CustomerRepositoryTest, ListFiltersPagesAndCounts) {
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(repo_->Create(call_, Sample("华东" + std::to_string(i)), "", false).ok());
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(repo_->Create(call_, Sample("华南" + std::to_string(i), "south"), "", false).ok());
  v1::Customer signed_customer = Sample("已签约", "south");
  signed_customer.set_status(v1::CUSTOMER_STATUS_SIGNED);
  ASSERT_TRUE(repo_->Create(call_, signed_customer, "", false).ok());

  v1::ListCustomersRequest east;
  east.set_region_code("east");
  auto pages = ListAll(call_, east, 2);
  ASSERT_TRUE(pages.ok()) << pages.status();
  EXPECT_EQ(pages->total_size, 5);
  std::vector<int64_t> ids;
  for (const auto& c : pages->customers) {
    EXPECT_EQ(c.region_code(), "east");
    ids.push_back(c.id());
  }
  EXPECT_EQ(ids.size(), 5u);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));

  v1::ListCustomersRequest south_signed;
  south_signed.set_region_code("south");
  south_signed.set_status(v1::CUSTOMER_STATUS_SIGNED);
  auto page = ListAll(call_, south_signed);
  ASSERT_EQ(page->customers.size(), 1u);
  EXPECT_EQ(page->customers[0].name(), "已签约");
  EXPECT_EQ(page->total_size, 1);
}

// A sales person transferred a minute ago still carries the old department
// in their token (valid 15 minutes): what they create now takes the
// department the org feed says, so their new head sees it and the old one
// does not.
TEST_F(CustomerRepositoryTest, ANewCustomerTakesTheOwnersDepartmentFromTheOrgFeedNotTheToken) {
  const CallContext stale_token = As(101, Bit(Role::kSales), 7, "/1/2/");
  org::v1::Employee moved;
  moved.set_id(7);
  moved.set_department_id(3);
  moved.set_department_path("/1/3/");
  common::v1::Change change;
  change.set_entity_type("crm.org.v1.Employee");
  change.mutable_state()->PackFrom(moved);
  {
    auto c = pool_->Acquire();
    ASSERT_TRUE(c.ok());
    ApplyOrgChange(**c, change);
  }
  auto created = repo_->Create(stale_token, Sample("调岗后新建的客户"), "", false);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customers WHERE owner_id = 7 AND owner_department_id = 3"
                  " AND owner_department_path = '/1/3/'"),
            1);
  EXPECT_TRUE(repo_->Get(As(300, Bit(Role::kDepartmentHead), 30, "/1/3/"), created->id()).ok());
  EXPECT_EQ(repo_->Get(As(200, Bit(Role::kDepartmentHead), 20, "/1/2/"), created->id())
                .status()
                .code(),
            absl::StatusCode::kNotFound);

  // A department that moves carries its members' next customers along.
  org::v1::Department department;
  department.set_id(3);
  department.set_path("/1/9/3/");
  change.set_entity_type("crm.org.v1.Department");
  change.mutable_state()->PackFrom(department);
  {
    auto c = pool_->Acquire();
    ASSERT_TRUE(c.ok());
    ApplyOrgChange(**c, change);
  }
  ASSERT_TRUE(repo_->Create(stale_token, Sample("部门迁移后新建的客户"), "", false).ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customers WHERE owner_department_path = '/1/9/3/'"), 2);
}

}  // namespace
}  // namespace crm::customer
