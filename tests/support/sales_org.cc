// SalesOrg::Build.
#include "tests/support/sales_org.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "crm/customer/v1/customer_service.grpc.pb.h"
#include "tests/support/stack.h"

namespace crm::testing {

SalesOrg SalesOrg::Build(const std::shared_ptr<grpc::Channel>& gateway) {
  absl::StatusOr<Session> admin = Login(gateway, "admin", kTestAdminPassword);
  if (!admin.ok()) {
    throw std::runtime_error("log in admin: " + std::string(admin.status().message()));
  }
  SalesOrg org;
  org.admin = *admin;
  OrgBuilder make(gateway, org.admin);
  org.hq = make.Department("总部");
  org.centre = make.Department("销售中心", org.hq);
  org.east = make.Department("华东组", org.centre);
  org.south = make.Department("华南组", org.centre);
  org.sales_a_employee = make.Employee("李雷", org.east);
  org.sales_b_employee = make.Employee("王芳", org.south);
  org.sales_a = make.User("sales.a", org.sales_a_employee, {"sales"});
  org.sales_b = make.User("sales.b", org.sales_b_employee, {"sales"});
  org.head_centre =
      make.User("head.centre", make.Employee("销售中心主任", org.centre), {"department_head"});
  org.head_east = make.User("head.east", make.Employee("东主管", org.east), {"department_head"});
  org.auditor = make.User("auditor", 0, {"read_only"});
  return org;
}

int64_t CreateCustomerAs(const std::shared_ptr<grpc::Channel>& gateway, const Session& as,
                         const std::string& name) {
  auto customers = customer::v1::CustomerService::NewStub(gateway);
  customer::v1::CreateCustomerRequest request;
  request.mutable_customer()->set_name(name);
  request.mutable_customer()->set_region_code("east");
  request.mutable_customer()->set_city("上海");
  customer::v1::Customer created;
  const grpc::Status status = customers->CreateCustomer(AuthContext(as).get(), request, &created);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return created.id();
}

}  // namespace crm::testing
