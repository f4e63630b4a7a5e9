// Access control through the running system: credentials, permissions,
// row-level visibility, service accounts, forged identities, and the OA
// system's announcement feed.
#include <google/protobuf/descriptor.h>
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/auth/access_token.h"
#include "common/auth/identity.h"
#include "crm/customer/v1/customer_service.grpc.pb.h"
#include "crm/org/v1/org_service.grpc.pb.h"
#include "tests/support/clients.h"
#include "tests/support/mariadb_server.h"
#include "tests/support/sales_org.h"
#include "tests/support/session.h"
#include "tests/support/stack.h"
#include "tests/support/waiting.h"

namespace crm {
namespace {

namespace cv1 = customer::v1;
namespace ov1 = org::v1;
using testing::AuthContext;
using testing::CallRaw;
using testing::Session;

const char* const kServices[] = {"crm.customer.v1.CustomerService", "crm.sales.v1.SalesService",
                                 "crm.feedback.v1.FeedbackService", "crm.org.v1.OrgService",
                                 "crm.reporting.v1.ReportingService"};

// Every method of the five services, as "/pkg.Service/Method".
std::vector<std::pair<std::string, bool>> AllMethods() {
  std::vector<std::pair<std::string, bool>> methods;
  for (const char* name : kServices) {
    const auto* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    for (int i = 0; i < service->method_count(); ++i) {
      const auto* m = service->method(i);
      bool open = m->name() == "Login" || m->name() == "RefreshToken";
      methods.emplace_back(absl::StrCat("/", name, "/", m->name()), open);
    }
  }
  return methods;
}

class AccessTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    stack_ = new testing::Stack();
    stack_->Start();
    gateway_ = new std::shared_ptr<grpc::Channel>(testing::Connect(stack_->gateway_address()));
    const testing::SalesOrg org = testing::SalesOrg::Build(*gateway_);
    admin_ = new Session(org.admin);
    sales_a_ = new Session(org.sales_a);
    sales_b_ = new Session(org.sales_b);
    head_east_ = new Session(org.head_east);
    head_sales_ = new Session(org.head_centre);
    read_only_ = new Session(org.auditor);
  }
  static void TearDownTestSuite() { delete stack_; }

  static cv1::Customer CreateCustomer(const Session& as, const std::string& name) {
    auto stub = cv1::CustomerService::NewStub(*gateway_);
    cv1::CreateCustomerRequest request;
    request.mutable_customer()->set_name(name);
    request.mutable_customer()->set_region_code("east");
    cv1::Customer created;
    grpc::Status status = stub->CreateCustomer(AuthContext(as).get(), request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created;
  }

  static int64_t VisibleTotal(const Session& as) {
    auto stub = cv1::CustomerService::NewStub(*gateway_);
    cv1::ListCustomersResponse page;
    grpc::Status status =
        stub->ListCustomers(AuthContext(as).get(), cv1::ListCustomersRequest(), &page);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return page.total_size();
  }

  static grpc::StatusCode GetCode(const Session& as, int64_t id) {
    auto stub = cv1::CustomerService::NewStub(*gateway_);
    cv1::GetCustomerRequest get;
    get.set_id(id);
    cv1::Customer customer;
    return stub->GetCustomer(AuthContext(as).get(), get, &customer).error_code();
  }

  static testing::Stack* stack_;
  static std::shared_ptr<grpc::Channel>* gateway_;
  static Session *admin_, *sales_a_, *sales_b_, *head_east_, *head_sales_, *read_only_;
};

testing::Stack* AccessTest::stack_ = nullptr;
std::shared_ptr<grpc::Channel>* AccessTest::gateway_ = nullptr;
Session *AccessTest::admin_, *AccessTest::sales_a_, *AccessTest::sales_b_, *AccessTest::head_east_,
    *AccessTest::head_sales_, *AccessTest::read_only_;

TEST_F(AccessTest, EveryMethodButTheOpenOnesRefusesMissingExpiredAndForgedTokens) {
  const int64_t now = UnixNow();
  common::v1::Identity identity = admin_->identity;
  identity.set_expires_at(now - 10);
  std::string expired =
      *IssueAccessToken(identity, *TokenSecret::FromString(testing::kTestTokenSecret), now - 100);
  identity.set_expires_at(now + 600);
  std::string forged = *IssueAccessToken(
      identity, *TokenSecret::FromString("a-secret-the-attacker-made-up-0123456789"), now);
  int checked = 0;
  for (const auto& [method, open] : AllMethods()) {
    if (open) continue;
    EXPECT_EQ(CallRaw(*gateway_, method, {}).error_code(), grpc::StatusCode::UNAUTHENTICATED)
        << method;
    EXPECT_EQ(CallRaw(*gateway_, method, {{"authorization", "Bearer " + expired}}).error_code(),
              grpc::StatusCode::UNAUTHENTICATED)
        << method;
    EXPECT_EQ(CallRaw(*gateway_, method, {{"authorization", "Bearer " + forged}}).error_code(),
              grpc::StatusCode::UNAUTHENTICATED)
        << method;
    EXPECT_EQ(
        CallRaw(*gateway_, method, {{"authorization", "Basic YWRtaW46YWRtaW4="}}).error_code(),
        grpc::StatusCode::UNAUTHENTICATED)
        << method;
    ++checked;
  }
  EXPECT_GT(checked, 50);
  // The open ones answer without a credential (here: bad input, not UNAUTHENTICATED).
  EXPECT_EQ(CallRaw(*gateway_, "/crm.org.v1.OrgService/Login", {}).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(AccessTest, LoginNeverSaysWhetherTheUserExistsAndStoresArgon2id) {
  auto org = ov1::OrgService::NewStub(*gateway_);
  auto attempt = [&](const std::string& user) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    ov1::LoginRequest request;
    request.set_username(user);
    request.set_password("definitely-wrong");
    ov1::TokenResponse response;
    return org->Login(&context, request, &response);
  };
  grpc::Status known = attempt("sales.b");
  grpc::Status unknown = attempt("no.such.person");
  EXPECT_EQ(known.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(known.error_code(), unknown.error_code());
  EXPECT_EQ(known.error_message(), unknown.error_message());
  const std::string hash = testing::MariaDbServer::Get().Sql(
      "SELECT password_hash FROM crm_org.users WHERE username = 'sales.a'");
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
  // The gateway passes the client's address on: failures count against it,
  // and a success remembers it as one the user logs in from.
  EXPECT_GE(std::stoi(testing::MariaDbServer::Get().Sql(
                "SELECT COALESCE(MAX(failures), 0) FROM crm_org.login_throttle"
                " WHERE username = 'addr:127.0.0.1'")),
            2);
  EXPECT_EQ(std::stoi(testing::MariaDbServer::Get().Sql(
                "SELECT COUNT(*) FROM crm_org.login_known_addresses"
                " WHERE username = 'sales.a' AND address = '127.0.0.1'")),
            1);
}

TEST_F(AccessTest, OneSalesPersonCannotReadListCountChangeOrDeleteAnothersCustomer) {
  cv1::Customer a = CreateCustomer(*sales_a_, "甲的客户");
  const int64_t b_total_before = VisibleTotal(*sales_b_);
  auto stub = cv1::CustomerService::NewStub(*gateway_);

  EXPECT_EQ(GetCode(*sales_a_, a.id()), grpc::StatusCode::OK);
  EXPECT_EQ(GetCode(*sales_b_, a.id()), grpc::StatusCode::NOT_FOUND);
  cv1::UpdateCustomerRequest update;
  update.mutable_customer()->set_id(a.id());
  update.mutable_customer()->set_etag(a.etag());
  update.mutable_customer()->set_phone("021-0000-0000");
  update.mutable_update_mask()->add_paths("phone");
  cv1::Customer updated;
  EXPECT_EQ(stub->UpdateCustomer(AuthContext(*sales_b_).get(), update, &updated).error_code(),
            grpc::StatusCode::NOT_FOUND);
  cv1::DeleteCustomerRequest remove;
  remove.set_id(a.id());
  google::protobuf::Empty empty;
  EXPECT_EQ(stub->DeleteCustomer(AuthContext(*sales_b_).get(), remove, &empty).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // B's list and count never include A's customer.
  cv1::ListCustomersResponse page;
  ASSERT_TRUE(
      stub->ListCustomers(AuthContext(*sales_b_).get(), cv1::ListCustomersRequest(), &page).ok());
  for (const auto& c : page.customers()) EXPECT_NE(c.id(), a.id());
  EXPECT_EQ(page.total_size(), b_total_before);
  // Nothing changed.
  cv1::GetCustomerRequest get;
  get.set_id(a.id());
  cv1::Customer still;
  ASSERT_TRUE(stub->GetCustomer(AuthContext(*sales_a_).get(), get, &still).ok());
  EXPECT_EQ(still.phone(), "");
  EXPECT_EQ(still.etag(), a.etag());
}

TEST_F(AccessTest, ADepartmentHeadSeesTheSubtreeAndNoMore) {
  cv1::Customer east_customer = CreateCustomer(*sales_a_, "华东组客户");
  cv1::Customer south_customer = CreateCustomer(*sales_b_, "华南组客户");
  EXPECT_EQ(GetCode(*head_east_, east_customer.id()), grpc::StatusCode::OK);
  EXPECT_EQ(GetCode(*head_east_, south_customer.id()), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(GetCode(*head_sales_, east_customer.id()), grpc::StatusCode::OK);
  EXPECT_EQ(GetCode(*head_sales_, south_customer.id()), grpc::StatusCode::OK);
  EXPECT_EQ(VisibleTotal(*head_sales_), VisibleTotal(*sales_a_) + VisibleTotal(*sales_b_));
  EXPECT_EQ(VisibleTotal(*head_east_), VisibleTotal(*sales_a_));
  EXPECT_EQ(VisibleTotal(*admin_), VisibleTotal(*read_only_));
  EXPECT_GE(VisibleTotal(*admin_), VisibleTotal(*head_sales_));
  // A read-only auditor sees everything and changes nothing.
  auto stub = cv1::CustomerService::NewStub(*gateway_);
  cv1::CreateCustomerRequest create;
  create.mutable_customer()->set_name("审计员的客户");
  create.mutable_customer()->set_region_code("east");
  cv1::Customer created;
  EXPECT_EQ(stub->CreateCustomer(AuthContext(*read_only_).get(), create, &created).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(AccessTest, PermissionsAreCheckedPerMethod) {
  auto org = ov1::OrgService::NewStub(*gateway_);
  ov1::CreateUserRequest request;
  request.mutable_user()->set_username("sneaky");
  request.mutable_user()->add_roles("administrator");
  request.set_password("Sneaky-passw0rd");
  ov1::User user;
  EXPECT_EQ(org->CreateUser(AuthContext(*sales_a_).get(), request, &user).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  auto customers = cv1::CustomerService::NewStub(*gateway_);
  common::v1::ListAuditEventsRequest audit;
  common::v1::ListAuditEventsResponse events;
  EXPECT_EQ(customers->ListAuditEvents(AuthContext(*sales_a_).get(), audit, &events).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Administrators read the audit trail, with the actor of every write.
  cv1::Customer created = CreateCustomer(*sales_a_, "审计客户");
  audit.set_actor(sales_a_->identity.subject());
  audit.set_entity_type("crm.customer.v1.Customer");
  audit.set_entity_id(created.id());
  ASSERT_TRUE(customers->ListAuditEvents(AuthContext(*admin_).get(), audit, &events).ok());
  ASSERT_EQ(events.events_size(), 1);
  EXPECT_EQ(events.events(0).actor(), sales_a_->identity.subject());
  EXPECT_EQ(events.events(0).operation(), common::v1::CHANGE_OPERATION_CREATE);
}

TEST_F(AccessTest, ABackendCalledDirectlyRefusesMissingAndForgedIdentities) {
  auto customer = testing::Connect(stack_->Address("customer"));
  const std::string method = "/crm.customer.v1.CustomerService/ListCustomers";
  EXPECT_EQ(CallRaw(customer, method, {}).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  // A header that claims to be an administrator, signed with the wrong key.
  common::v1::Identity claim;
  claim.set_subject("user:1");
  claim.add_roles("administrator");
  claim.set_expires_at(UnixNow() + 600);
  const IdentityKey key = *IdentityKey::FromSecret(testing::kTestIdentityKey);
  auto call_with = [&](const std::string& to, const SignedIdentity& signed_identity) {
    return CallRaw(customer, to,
                   {{kIdentityHeader, signed_identity.identity},
                    {kIdentitySignatureHeader, signed_identity.signature}})
        .error_code();
  };
  SignedIdentity forged =
      SignIdentity(claim, *IdentityKey::FromSecret("not-the-key-the-services-use-0123456789"),
                   method, UnixNow());
  EXPECT_EQ(call_with(method, forged), grpc::StatusCode::UNAUTHENTICATED);
  // The same claim with no signature, and a valid signature on another claim.
  SignedIdentity real = SignIdentity(claim, key, method, UnixNow());
  claim.add_roles("management");
  EXPECT_EQ(call_with(method, SignedIdentity{claim.SerializeAsString(), real.signature}),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(call_with(method, real), grpc::StatusCode::OK)
      << "with the real key the call gets through";
  // A signature is bound to its method and its time: seen on one call, it
  // opens no other method, and not later on.
  const std::string other_method = "/crm.customer.v1.CustomerService/DeleteCustomer";
  EXPECT_EQ(call_with(other_method, real), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(call_with(method, SignIdentity(real.identity, key, method,
                                           UnixNow() - kIdentityMaxAgeSeconds - 5)),
            grpc::StatusCode::UNAUTHENTICATED);
  // A genuine signature proves who calls, not what they may do: the backend
  // checks the method's permission itself, so a read-only identity, or one
  // with only the internal system role, signed with the real key still
  // writes nothing and reads no audit trail.
  auto org = testing::Connect(stack_->Address("org"));
  for (const char* role : {"read_only", "system"}) {
    common::v1::Identity limited;
    limited.set_subject("user:2");
    limited.add_roles(role);
    limited.set_expires_at(UnixNow() + 600);
    const std::string create = "/crm.customer.v1.CustomerService/CreateCustomer";
    EXPECT_EQ(call_with(create, SignIdentity(limited, key, create, UnixNow())),
              grpc::StatusCode::PERMISSION_DENIED)
        << role;
    const std::string audit = "/crm.org.v1.OrgService/ListAuditEvents";
    const SignedIdentity for_audit = SignIdentity(limited, key, audit, UnixNow());
    EXPECT_EQ(CallRaw(org, audit,
                      {{kIdentityHeader, for_audit.identity},
                       {kIdentitySignatureHeader, for_audit.signature}})
                  .error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << role;
  }
  // A client cannot smuggle identity headers through the gateway either.
  EXPECT_EQ(CallRaw(*gateway_, method,
                    {{kIdentityHeader, real.identity}, {kIdentitySignatureHeader, real.signature}})
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AccessTest, TokensRefreshOnceAndLogoutEndsTheSession) {
  auto org = ov1::OrgService::NewStub(*gateway_);
  testing::OrgBuilder builder(*gateway_, *admin_);
  builder.User("logout.user", builder.Employee("登出者", builder.Department("登出部")), {"sales"});
  Session session = *testing::Login(*gateway_, "logout.user", testing::kTestUserPassword);
  grpc::ClientContext context;
  ov1::RefreshTokenRequest refresh;
  refresh.set_refresh_token(session.refresh_token);
  ov1::TokenResponse renewed;
  ASSERT_TRUE(org->RefreshToken(&context, refresh, &renewed).ok());
  grpc::ClientContext again;
  ov1::TokenResponse replay;
  EXPECT_EQ(org->RefreshToken(&again, refresh, &replay).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  // Two sessions of one user; the first logs out.
  Session leaving = *testing::Login(*gateway_, "logout.user", testing::kTestUserPassword);
  Session other = *testing::Login(*gateway_, "logout.user", testing::kTestUserPassword);
  auto current_user = [&](const Session& as) {
    ov1::CurrentUser me;
    return org->GetCurrentUser(AuthContext(as).get(), ov1::GetCurrentUserRequest(), &me);
  };
  ASSERT_TRUE(current_user(leaving).ok());
  ov1::LogoutRequest logout;
  logout.set_refresh_token(leaving.refresh_token);
  google::protobuf::Empty empty;
  ASSERT_TRUE(org->Logout(AuthContext(leaving).get(), logout, &empty).ok());
  const auto logged_out = std::chrono::steady_clock::now();
  // Its access token, unexpired, stops working within the gateway's refresh
  // interval (200 ms here; 2 s by default), and so do the user's others.
  grpc::Status refused;
  ASSERT_TRUE(testing::Eventually([&] {
    refused = current_user(leaving);
    return refused.error_code() == grpc::StatusCode::UNAUTHENTICATED;
  })) << refused.error_message();
  EXPECT_LT(std::chrono::steady_clock::now() - logged_out, std::chrono::seconds(5));
  EXPECT_NE(refused.error_message().find("revoked"), std::string::npos) << refused.error_message();
  EXPECT_EQ(current_user(other).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  // The other session refreshes its token and goes on.
  grpc::ClientContext renew;
  refresh.set_refresh_token(other.refresh_token);
  grpc::Status renewal = org->RefreshToken(&renew, refresh, &renewed);
  ASSERT_TRUE(renewal.ok()) << renewal.error_message();
  other.access_token = renewed.access_token();
  EXPECT_TRUE(current_user(other).ok());
  // The logged-out refresh token is dead (presented again, it is taken for a
  // stolen one and ends every session of the user).
  grpc::ClientContext after;
  refresh.set_refresh_token(leaving.refresh_token);
  EXPECT_EQ(org->RefreshToken(&after, refresh, &replay).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

// Disabling a user ends their access at once, not when their token expires.
TEST_F(AccessTest, ADisabledUsersTokenIsRefusedWithinSeconds) {
  auto org = ov1::OrgService::NewStub(*gateway_);
  testing::OrgBuilder builder(*gateway_, *admin_);
  Session leaver = builder.User(
      "disabled.user", builder.Employee("停用者", builder.Department("停用部")), {"sales"});
  ASSERT_EQ(VisibleTotal(leaver), 0);
  ov1::UpdateUserRequest disable;
  disable.mutable_user()->set_id(leaver.identity.user_id());
  ov1::GetUserRequest get_user;
  get_user.set_id(leaver.identity.user_id());
  ov1::User current_user;
  ASSERT_TRUE(org->GetUser(AuthContext(*admin_).get(), get_user, &current_user).ok());
  disable.mutable_user()->set_etag(current_user.etag());
  disable.mutable_user()->set_disabled(true);
  disable.mutable_update_mask()->add_paths("disabled");
  ov1::User disabled;
  ASSERT_TRUE(org->UpdateUser(AuthContext(*admin_).get(), disable, &disabled).ok());
  auto stub = cv1::CustomerService::NewStub(*gateway_);
  grpc::Status status;
  EXPECT_TRUE(testing::Eventually([&] {
    cv1::ListCustomersResponse page;
    status = stub->ListCustomers(AuthContext(leaver).get(), cv1::ListCustomersRequest(), &page);
    return status.error_code() == grpc::StatusCode::UNAUTHENTICATED;
  })) << status.error_message();
}

// Visibility follows the organisation: when a department moves out of a
// subtree, or a sales person changes department, their customers go with
// them (the customer service follows the org service's change feed).
TEST_F(AccessTest, VisibilityFollowsDepartmentMovesAndTransfers) {
  testing::OrgBuilder org(*gateway_, *admin_);
  const int64_t region = org.Department("大区");
  const int64_t team = org.Department("一组", region);
  const int64_t elsewhere = org.Department("他区");
  const int64_t seller = org.Employee("调动者", team);
  Session mover = org.User("mover", seller, {"sales"});
  Session region_head =
      org.User("region.head", org.Employee("大区经理", region), {"department_head"});
  Session other_head =
      org.User("other.head", org.Employee("他区经理", elsewhere), {"department_head"});
  cv1::Customer customer = CreateCustomer(mover, "跟随客户");
  EXPECT_EQ(GetCode(region_head, customer.id()), grpc::StatusCode::OK);
  EXPECT_EQ(GetCode(other_head, customer.id()), grpc::StatusCode::NOT_FOUND);

  auto wait_for = [&](const Session& who, grpc::StatusCode wanted) {
    return testing::Eventually([&] { return GetCode(who, customer.id()) == wanted; });
  };

  // The team moves from 大区 to 他区.
  auto stub = ov1::OrgService::NewStub(*gateway_);
  ov1::MoveDepartmentRequest move;
  move.set_id(team);
  move.set_new_parent_id(elsewhere);
  ov1::Department moved;
  ASSERT_TRUE(stub->MoveDepartment(AuthContext(*admin_).get(), move, &moved).ok());
  EXPECT_TRUE(wait_for(other_head, grpc::StatusCode::OK));
  EXPECT_TRUE(wait_for(region_head, grpc::StatusCode::NOT_FOUND));

  // The seller transfers back to 大区 itself.
  ov1::UpdateEmployeeRequest transfer;
  transfer.mutable_employee()->set_id(seller);
  ov1::GetEmployeeRequest get_employee;
  get_employee.set_id(seller);
  ov1::Employee current_employee;
  ASSERT_TRUE(stub->GetEmployee(AuthContext(*admin_).get(), get_employee, &current_employee).ok());
  transfer.mutable_employee()->set_etag(current_employee.etag());
  transfer.mutable_employee()->set_department_id(region);
  transfer.mutable_update_mask()->add_paths("department_id");
  ov1::Employee transferred;
  ASSERT_TRUE(stub->UpdateEmployee(AuthContext(*admin_).get(), transfer, &transferred).ok());
  EXPECT_TRUE(wait_for(region_head, grpc::StatusCode::OK));
  EXPECT_TRUE(wait_for(other_head, grpc::StatusCode::NOT_FOUND));
  // A transfer revokes the mover's tokens (they carry the old department);
  // logged in again, they still own the customer.
  EXPECT_TRUE(wait_for(mover, grpc::StatusCode::UNAUTHENTICATED));
  mover = *testing::Login(*gateway_, "mover", testing::kTestUserPassword);
  EXPECT_EQ(mover.identity.department_id(), region);
  EXPECT_EQ(GetCode(mover, customer.id()), grpc::StatusCode::OK);
}

// The OA system's key pulls announcements, in commit order, never missing or
// repeating one while several publishers write, and is refused everywhere else.
TEST_F(AccessTest, TheOaKeyPullsEveryAnnouncementExactlyOnceAndNothingElse) {
  auto org = ov1::OrgService::NewStub(*gateway_);
  ov1::CreateServiceAccountRequest create;
  create.mutable_service_account()->set_name("OA 系统");
  create.mutable_service_account()->add_roles("oa_reader");
  ov1::CreateServiceAccountResponse account;
  ASSERT_TRUE(org->CreateServiceAccount(AuthContext(*admin_).get(), create, &account).ok());
  const std::string key = account.api_key();
  auto with_key = [&key](std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + timeout);
    context->AddMetadata("x-api-key", key);
    return context;
  };
  // The gateway learns new keys within its refresh interval (200 ms here).
  ov1::ListAnnouncementChangesRequest pull;
  ov1::ListAnnouncementChangesResponse changes;
  grpc::Status status;
  testing::Eventually([&] {
    status = org->ListAnnouncementChanges(with_key().get(), pull, &changes);
    return status.ok();
  });
  ASSERT_TRUE(status.ok()) << status.error_message();
  const int64_t start_cursor = changes.last_cursor();

  // Refused everywhere else, the key as a bearer token too.
  for (const auto& [method, open] : AllMethods()) {
    if (open || method == "/crm.org.v1.OrgService/ListAnnouncementChanges") continue;
    EXPECT_EQ(CallRaw(*gateway_, method, {{"x-api-key", key}}).error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << method;
  }
  EXPECT_EQ(CallRaw(*gateway_, "/crm.customer.v1.CustomerService/ListCustomers",
                    {{"authorization", "Bearer " + key}})
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  constexpr int kPublishers = 4;
  constexpr int kEach = 250;
  std::atomic<int> publish_failures{0};
  std::vector<std::thread> publishers;
  const Session* authors[kPublishers] = {sales_a_, sales_b_, head_east_, admin_};
  for (int p = 0; p < kPublishers; ++p) {
    publishers.emplace_back([&, p] {
      auto stub = ov1::OrgService::NewStub(*gateway_);
      for (int i = 0; i < kEach; ++i) {
        ov1::PublishAnnouncementRequest request;
        request.mutable_announcement()->set_title(absl::StrCat("公告 ", p, "-", i));
        request.mutable_announcement()->set_body("内容");
        request.mutable_announcement()->set_audience_everyone(true);
        ov1::Announcement published;
        if (!stub->PublishAnnouncement(AuthContext(*authors[p]).get(), request, &published).ok()) {
          ++publish_failures;
        }
      }
    });
  }
  std::atomic<bool> publishing{true};
  std::vector<int64_t> cursors;
  std::set<std::string> titles;
  std::thread puller([&] {
    auto stub = ov1::OrgService::NewStub(*gateway_);
    int64_t cursor = start_cursor;
    for (;;) {
      bool done = !publishing.load();
      ov1::ListAnnouncementChangesRequest request;
      request.set_after_cursor(cursor);
      request.set_page_size(37);
      ov1::ListAnnouncementChangesResponse response;
      auto context = std::make_unique<grpc::ClientContext>();
      context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
      context->AddMetadata("x-api-key", key);
      if (!stub->ListAnnouncementChanges(context.get(), request, &response).ok()) continue;
      for (const auto& change : response.changes()) {
        cursors.push_back(change.cursor());
        titles.insert(change.announcement().title());
        EXPECT_EQ(change.type(), ov1::ANNOUNCEMENT_CHANGE_TYPE_PUBLISHED);
      }
      cursor = response.last_cursor();
      if (done && response.changes_size() == 0) return;
    }
  });
  for (auto& t : publishers) t.join();
  publishing = false;
  puller.join();
  EXPECT_EQ(publish_failures.load(), 0);
  ASSERT_EQ(cursors.size(), static_cast<size_t>(kPublishers * kEach));
  EXPECT_EQ(titles.size(), static_cast<size_t>(kPublishers * kEach));
  for (size_t i = 1; i < cursors.size(); ++i) ASSERT_GT(cursors[i], cursors[i - 1]);

  // Revoked: refused within the gateway's refresh interval.
  ov1::RevokeServiceAccountRequest revoke;
  revoke.set_id(account.service_account().id());
  ov1::ServiceAccount revoked;
  ASSERT_TRUE(org->RevokeServiceAccount(AuthContext(*admin_).get(), revoke, &revoked).ok());
  testing::Eventually([&] {
    status = org->ListAnnouncementChanges(with_key().get(), pull, &changes);
    return status.error_code() == grpc::StatusCode::UNAUTHENTICATED;
  });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace crm
