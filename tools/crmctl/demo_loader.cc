// Demo data loading: departments, employees, users, customers, products and
// their stock, an announcement.
#include "tools/crmctl/demo_loader.h"

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <iostream>
#include <map>

#include "crm/customer/v1/customer_service.grpc.pb.h"
#include "crm/org/v1/org_service.grpc.pb.h"
#include "crm/sales/v1/sales_service.grpc.pb.h"
#include "tools/crmctl/demo_data.h"

namespace crm::tools {
namespace {

using org::v1::OrgService;

std::unique_ptr<grpc::ClientContext> As(const std::string& token) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  context->AddMetadata("authorization", "Bearer " + token);
  return context;
}

bool Failed(const grpc::Status& status, const std::string& what) {
  if (status.ok()) return false;
  std::cerr << "crmctl: " << what << ": " << status.error_message() << "\n";
  return true;
}

bool Login(OrgService::Stub& org, const std::string& user, const std::string& password,
           std::string* token) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  org::v1::LoginRequest request;
  request.set_username(user);
  request.set_password(password);
  org::v1::TokenResponse response;
  if (Failed(org.Login(&context, request, &response), "log in as " + user)) return false;
  *token = response.access_token();
  return true;
}

}  // namespace

int LoadDemo(const std::shared_ptr<grpc::Channel>& gateway, const std::string& admin_password) {
  auto org = OrgService::NewStub(gateway);
  auto customers = customer::v1::CustomerService::NewStub(gateway);
  std::string admin;
  if (!Login(*org, "admin", admin_password, &admin)) return 1;

  // Request ids make every create idempotent for the same caller.
  std::map<std::string, int64_t> department_ids;
  for (const DemoDepartment& d : DemoDepartments()) {
    org::v1::CreateDepartmentRequest request;
    request.set_request_id("demo-department-" + d.key);
    request.mutable_department()->set_name(d.name);
    request.mutable_department()->set_parent_id(d.parent.empty() ? 0 : department_ids[d.parent]);
    org::v1::Department created;
    if (Failed(org->CreateDepartment(As(admin).get(), request, &created), "department " + d.name)) {
      return 1;
    }
    department_ids[d.key] = created.id();
  }

  for (const DemoUser& u : DemoUsers()) {
    org::v1::CreateEmployeeRequest employee_request;
    employee_request.set_request_id("demo-employee-" + u.username);
    employee_request.mutable_employee()->set_name(u.employee_name);
    employee_request.mutable_employee()->set_department_id(department_ids[u.department]);
    org::v1::Employee employee;
    if (Failed(org->CreateEmployee(As(admin).get(), employee_request, &employee),
               "employee " + u.employee_name)) {
      return 1;
    }
    org::v1::CreateUserRequest user_request;
    user_request.set_request_id("demo-user-" + u.username);
    user_request.set_password(kDemoPassword);
    user_request.mutable_user()->set_username(u.username);
    user_request.mutable_user()->set_employee_id(employee.id());
    for (const std::string& role : u.roles) user_request.mutable_user()->add_roles(role);
    org::v1::User user;
    if (Failed(org->CreateUser(As(admin).get(), user_request, &user), "user " + u.username)) {
      return 1;
    }
  }

  std::map<std::string, std::string> tokens;
  for (const DemoCustomer& demo : DemoCustomers()) {
    std::string& token = tokens[demo.owner];
    if (token.empty() && !Login(*org, demo.owner, kDemoPassword, &token)) return 1;
    customer::v1::CreateCustomerRequest request;
    request.set_request_id(demo.request_id);
    auto* c = request.mutable_customer();
    c->set_name(demo.name);
    c->set_region_code(demo.region);
    c->set_city(demo.city);
    c->set_phone(demo.phone);
    c->set_keywords(demo.keywords);
    c->set_status(demo.status);
    c->set_grade(demo.grade);
    customer::v1::Customer response;
    if (Failed(customers->CreateCustomer(As(token).get(), request, &response),
               "customer " + demo.name)) {
      return 1;
    }
  }

  auto sales_stub = sales::v1::SalesService::NewStub(gateway);
  for (const DemoProduct& demo : DemoProducts()) {
    sales::v1::CreateProductRequest request;
    request.set_request_id(demo.request_id);
    sales::v1::Product& p = *request.mutable_product();
    p.set_name(demo.name);
    p.set_model(demo.model);
    p.set_specification(demo.specification);
    p.set_unit(demo.unit);
    p.mutable_list_price()->set_minor_units(demo.list_price_fen);
    p.mutable_cost_price()->set_minor_units(demo.cost_price_fen);
    p.set_vat_rate_percent(demo.vat_rate_percent);
    p.set_low_stock_threshold_milli(demo.low_stock_threshold_milli);
    sales::v1::Product product;
    if (Failed(sales_stub->CreateProduct(As(admin).get(), request, &product),
               "product " + demo.name)) {
      return 1;
    }
    if (demo.stock_milli == 0) continue;
    sales::v1::RecordStockMovementRequest receipt;
    receipt.set_request_id(demo.request_id + "-opening-stock");
    receipt.mutable_movement()->set_product_id(product.id());
    receipt.mutable_movement()->set_kind(sales::v1::RECEIPT);
    receipt.mutable_movement()->set_quantity_milli(demo.stock_milli);
    receipt.mutable_movement()->set_reason("期初库存");
    sales::v1::StockMovement movement;
    if (Failed(sales_stub->RecordStockMovement(As(admin).get(), receipt, &movement),
               "stock of " + demo.name)) {
      return 1;
    }
  }

  org::v1::PublishAnnouncementRequest announcement;
  announcement.set_request_id("demo-announcement-welcome");
  announcement.mutable_announcement()->set_title("欢迎使用 CRM");
  announcement.mutable_announcement()->set_body("本地演示环境：客户、组织架构与公告均为示例数据。");
  announcement.mutable_announcement()->set_audience_everyone(true);
  announcement.mutable_announcement()->set_pinned(true);
  org::v1::Announcement published;
  if (Failed(org->PublishAnnouncement(As(admin).get(), announcement, &published), "announcement")) {
    return 1;
  }

  std::cout << "demo data: " << DemoDepartments().size() << " departments, " << DemoUsers().size()
            << " users (password " << kDemoPassword << "), " << DemoCustomers().size()
            << " customers, " << DemoProducts().size() << " products\n  users:";
  for (const DemoUser& u : DemoUsers()) std::cout << " " << u.username;
  std::cout << "\n";
  return 0;
}

}  // namespace crm::tools
