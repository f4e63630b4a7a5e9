// A private schema with the customer migrations applied, a repository on
// it, and callers as the gateway would describe them.
#pragma once

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/migrations.h"
#include "services/customer/customer_repository.h"
#include "services/customer/pool_repository.h"
#include "services/customer/reference_repository.h"
#include "tests/support/callers.h"
#include "tests/support/scratch_database.h"

namespace crm {
std::vector<MigrationFile> CustomerMigrations();
}

namespace crm::customer {

class CustomerRepositoryTest : public testing::ScratchDatabaseTest {
 protected:
  CustomerRepositoryTest() : ScratchDatabaseTest(&CustomerMigrations) {}

  void SetUp() override {
    ScratchDatabaseTest::SetUp();
    repo_ = std::make_unique<CustomerRepository>(*db_);
    pool_repository_ = std::make_unique<PoolRepository>(*db_);
    reference_ = std::make_unique<ReferenceRepository>(*db_);
    call_ = As(101, Bit(Role::kSales), 7, "/1/2/");
  }

  // A caller as the gateway would describe it.
  static CallContext As(int64_t user_id, RoleSet roles, int64_t employee_id = 0,
                        const std::string& department_path = "") {
    return testing::CallerBuilder(user_id)
        .Roles(roles)
        .Employee(employee_id)
        .Department(0, department_path);
  }

  v1::Customer Sample(const std::string& name, const std::string& region = "east") {
    v1::Customer c;
    c.set_name(name);
    c.set_region_code(region);
    c.set_city(region == "east" ? "上海" : region == "south" ? "广州" : "");
    c.set_importance(v1::CUSTOMER_IMPORTANCE_NORMAL);
    c.set_joined_date("2026-01-15");
    c.set_keywords("电气 配电柜");
    c.set_address("上海市浦东新区张江路 88 号");
    c.set_remarks("第一行\n第二行");
    c.set_status(v1::CUSTOMER_STATUS_FOLLOWING_UP);
    c.set_grade(v1::CUSTOMER_GRADE_POTENTIAL);
    return c;
  }

  // Every page of a list, as the handler would ask for them.
  absl::StatusOr<CustomerPage> ListAll(const CallContext& call,
                                       const v1::ListCustomersRequest& request = {},
                                       int page_size = 50) {
    CustomerPage all;
    std::optional<ListPosition> after;
    for (;;) {
      CRM_ASSIGN_OR_RETURN(CustomerPage page, repo_->List(call, request, page_size, after));
      all.total_size = page.total_size;
      for (auto& c : page.customers) all.customers.push_back(c);
      if (!page.has_more) return all;
      after = ListPosition{OrderValue(all.customers.back(), request.order_by()),
                           all.customers.back().id()};
    }
  }

  std::unique_ptr<CustomerRepository> repo_;
  std::unique_ptr<PoolRepository> pool_repository_;
  std::unique_ptr<ReferenceRepository> reference_;
  CallContext call_;
};

}  // namespace crm::customer
