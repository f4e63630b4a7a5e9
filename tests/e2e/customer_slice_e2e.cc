// The customer slice through the gateway, with every process running: what an
// internal system sees.
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "absl/status/statusor.h"
#include "crm/customer/v1/customer_service.grpc.pb.h"
#include "crm/sales/v1/sales_service.grpc.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "tests/support/change_feed.h"
#include "tests/support/clients.h"
#include "tests/support/sales_org.h"
#include "tests/support/session.h"
#include "tests/support/stack.h"

namespace crm {
namespace {

namespace v1 = customer::v1;

class CustomerSliceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    stack_ = new testing::Stack();
    stack_->Start();
    auto gateway = testing::Connect(stack_->gateway_address());
    const testing::SalesOrg org = testing::SalesOrg::Build(gateway);
    admin_ = new testing::Session(org.admin);
    sales_ = new testing::Session(org.sales_a);
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }

  void SetUp() override {
    channel_ = testing::Connect(stack_->gateway_address());
    stub_ = v1::CustomerService::NewStub(channel_);
  }

  v1::Customer NewCustomer(const std::string& name, const std::string& region = "east") {
    v1::Customer c;
    c.set_name(name);
    c.set_region_code(region);
    c.set_city(region == "east" ? "上海" : region == "south" ? "广州" : "");
    return c;
  }

  absl::StatusOr<v1::Customer> Create(const v1::Customer& customer,
                                      const std::string& request_id = "") {
    v1::CreateCustomerRequest request;
    *request.mutable_customer() = customer;
    request.set_request_id(request_id);
    v1::Customer response;
    grpc::Status status = stub_->CreateCustomer(Context().get(), request, &response);
    if (!status.ok())
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                          status.error_message());
    return response;
  }

  // The customer service's latest change sequence: writes are counted by it.
  int64_t LastSequence() {
    return testing::LastCustomerChangeSequence(*stub_, [] { return AdminContext(); });
  }

  // Calls as the sales person (who owns what they create) or the administrator.
  static std::unique_ptr<grpc::ClientContext> Context(
      std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    return testing::AuthContext(*sales_, timeout);
  }
  static std::unique_ptr<grpc::ClientContext> AdminContext() {
    return testing::AuthContext(*admin_);
  }

  static testing::Stack* stack_;
  static testing::Session* admin_;
  static testing::Session* sales_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::CustomerService::Stub> stub_;
};

testing::Stack* CustomerSliceTest::stack_ = nullptr;
testing::Session* CustomerSliceTest::admin_ = nullptr;
testing::Session* CustomerSliceTest::sales_ = nullptr;

TEST_F(CustomerSliceTest, HealthReportsEveryServiceThroughTheGateway) {
  auto health = grpc::health::v1::Health::NewStub(channel_);
  std::vector<std::string> names = testing::CrmServiceNames();
  names.push_back("");
  for (const std::string& name : names) {
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(name);
    grpc::health::v1::HealthCheckResponse response;
    ASSERT_TRUE(health->Check(Context().get(), request, &response).ok()) << name;
    EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING) << name;
  }
  grpc::health::v1::HealthCheckRequest unknown;
  unknown.set_service("crm.nothing.v1.Nothing");
  grpc::health::v1::HealthCheckResponse response;
  EXPECT_EQ(health->Check(Context().get(), unknown, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(CustomerSliceTest, ReflectionListsAndDescribesEveryCrmService) {
  namespace reflection = grpc::reflection::v1alpha;
  auto stub = reflection::ServerReflection::NewStub(channel_);
  auto context = Context();
  auto stream = stub->ServerReflectionInfo(context.get());
  reflection::ServerReflectionRequest request;
  request.set_list_services("*");
  ASSERT_TRUE(stream->Write(request));
  reflection::ServerReflectionResponse response;
  ASSERT_TRUE(stream->Read(&response));
  std::set<std::string> listed;
  for (const auto& s : response.list_services_response().service()) listed.insert(s.name());
  for (const std::string& name : testing::CrmServiceNames())
    EXPECT_EQ(listed.count(name), 1u) << name;

  request.set_file_containing_symbol("crm.customer.v1.CustomerService");
  ASSERT_TRUE(stream->Write(request));
  ASSERT_TRUE(stream->Read(&response));
  ASSERT_GT(response.file_descriptor_response().file_descriptor_proto_size(), 0);
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_F(CustomerSliceTest, CreateGetUpdateListDelete) {
  const std::string name = "上海华东电气有限公司-" + std::to_string(std::rand());
  auto created = Create(NewCustomer(name));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->status(), v1::CUSTOMER_STATUS_FOLLOWING_UP);

  v1::GetCustomerRequest get;
  get.set_id(created->id());
  v1::Customer read;
  ASSERT_TRUE(stub_->GetCustomer(Context().get(), get, &read).ok());
  EXPECT_EQ(read.name(), name);
  EXPECT_EQ(read.etag(), created->etag());

  v1::UpdateCustomerRequest update;
  update.mutable_customer()->set_id(created->id());
  update.mutable_customer()->set_etag(created->etag());
  update.mutable_customer()->set_city("苏州");
  update.mutable_update_mask()->add_paths("city");
  v1::Customer updated;
  ASSERT_TRUE(stub_->UpdateCustomer(Context().get(), update, &updated).ok());
  EXPECT_EQ(updated.city(), "苏州");
  EXPECT_EQ(updated.name(), name);
  EXPECT_NE(updated.etag(), created->etag());

  v1::ListCustomersRequest list;
  list.set_region_code("east");
  list.set_page_size(2);
  bool found = false;
  int pages = 0;
  for (;;) {
    v1::ListCustomersResponse page;
    ASSERT_TRUE(stub_->ListCustomers(Context().get(), list, &page).ok());
    EXPECT_LE(page.customers_size(), 2);
    EXPECT_GE(page.total_size(), 1);
    for (const auto& c : page.customers()) {
      EXPECT_EQ(c.region_code(), "east");
      found = found || c.id() == created->id();
    }
    ++pages;
    if (page.next_page_token().empty()) break;
    list.set_page_token(page.next_page_token());
  }
  EXPECT_TRUE(found);

  v1::DeleteCustomerRequest remove;
  remove.set_id(created->id());
  google::protobuf::Empty empty;
  ASSERT_TRUE(stub_->DeleteCustomer(Context().get(), remove, &empty).ok());
  EXPECT_EQ(stub_->GetCustomer(Context().get(), get, &read).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(CustomerSliceTest, StaleEtagIsAbortedAndChangesNothing) {
  auto created = Create(NewCustomer("天津滨海物流"));
  ASSERT_TRUE(created.ok());
  v1::UpdateCustomerRequest update;
  update.mutable_customer()->set_id(created->id());
  update.mutable_customer()->set_etag(created->etag());
  update.mutable_customer()->set_phone("022-1111-1111");
  update.mutable_update_mask()->add_paths("phone");
  v1::Customer updated;
  ASSERT_TRUE(stub_->UpdateCustomer(Context().get(), update, &updated).ok());
  const int64_t before = LastSequence();
  update.mutable_customer()->set_phone("022-2222-2222");  // still carrying the first etag
  grpc::Status stale = stub_->UpdateCustomer(Context().get(), update, &updated);
  EXPECT_EQ(stale.error_code(), grpc::StatusCode::ABORTED);
  v1::GetCustomerRequest get;
  get.set_id(created->id());
  v1::Customer read;
  ASSERT_TRUE(stub_->GetCustomer(Context().get(), get, &read).ok());
  EXPECT_EQ(read.phone(), "022-1111-1111");
  EXPECT_EQ(LastSequence(), before);
}

TEST_F(CustomerSliceTest, RetryWithTheSameRequestIdWritesOneRow) {
  const std::string request_id = "e2e-retry-" + std::to_string(std::rand());
  const int64_t before = LastSequence();
  auto first = Create(NewCustomer("重试客户"), request_id);
  auto second = Create(NewCustomer("重试客户"), request_id);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->id(), second->id());
  EXPECT_EQ(LastSequence(), before + 1);
}

TEST_F(CustomerSliceTest, InvalidInputNamesTheFieldAndWritesNothing) {
  const int64_t before = LastSequence();
  v1::CreateCustomerRequest request;
  request.mutable_customer()->set_region_code("east");
  request.mutable_customer()->set_email("not-an-address");
  v1::Customer response;
  grpc::Status status = stub_->CreateCustomer(Context().get(), request, &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("customer.name"), std::string::npos);
  EXPECT_NE(status.error_message().find("customer.email"), std::string::npos);
  google::rpc::Status rich;
  ASSERT_TRUE(rich.ParseFromString(status.error_details()));
  // The reason (ErrorInfo) and the fields (BadRequest).
  google::rpc::BadRequest bad_request;
  google::rpc::ErrorInfo info;
  ASSERT_EQ(rich.details_size(), 2);
  ASSERT_TRUE(rich.details(0).UnpackTo(&info));
  EXPECT_EQ(info.reason(), "INVALID_ARGUMENT");
  ASSERT_TRUE(rich.details(1).UnpackTo(&bad_request));
  EXPECT_EQ(bad_request.field_violations(0).field(), "customer.name");

  auto unknown_region = Create(NewCustomer("无效区域", "atlantis"));
  EXPECT_EQ(unknown_region.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(LastSequence(), before);

  v1::GetCustomerRequest get;
  get.set_id(-3);
  EXPECT_EQ(stub_->GetCustomer(Context().get(), get, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(CustomerSliceTest, PageTokenIsBoundToItsFilters) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(Create(NewCustomer("华南客户" + std::to_string(i), "south")).ok());
  }
  v1::ListCustomersRequest list;
  list.set_region_code("south");
  list.set_page_size(1);
  v1::ListCustomersResponse page;
  ASSERT_TRUE(stub_->ListCustomers(Context().get(), list, &page).ok());
  ASSERT_FALSE(page.next_page_token().empty());
  list.set_page_token(page.next_page_token());
  list.set_region_code("north");
  grpc::Status status = stub_->ListCustomers(Context().get(), list, &page);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("page_token"), std::string::npos);
}

TEST_F(CustomerSliceTest, RequestIdTravelsToTheChangeLogAndBack) {
  auto context = Context();
  context->AddMetadata("x-request-id", "trace-me-42");
  v1::CreateCustomerRequest request;
  *request.mutable_customer() = NewCustomer("追踪客户");
  v1::Customer created;
  ASSERT_TRUE(stub_->CreateCustomer(context.get(), request, &created).ok());
  auto echoed = context->GetServerInitialMetadata().find("x-request-id");
  ASSERT_NE(echoed, context->GetServerInitialMetadata().end());
  EXPECT_EQ(std::string(echoed->second.data(), echoed->second.size()), "trace-me-42");

  common::v1::ListChangesRequest changes;
  changes.set_after_sequence(LastSequence() - 1);
  common::v1::ListChangesResponse response;
  ASSERT_TRUE(stub_->ListChanges(AdminContext().get(), changes, &response).ok());
  ASSERT_EQ(response.changes_size(), 1);
  EXPECT_EQ(response.changes(0).request_id(), "trace-me-42");
  EXPECT_EQ(response.changes(0).entity_id(), created.id());
}

TEST_F(CustomerSliceTest, UnknownMethodsAreUnimplemented) {
  grpc::GenericStub generic(channel_);
  for (const char* method :
       {"/crm.customer.v1.CustomerService/NoSuchMethod", "/acme.billing.v1.Billing/Pay"}) {
    grpc::Slice empty_message("");
    grpc::ByteBuffer request(&empty_message, 1), response;
    grpc::Status status;
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    auto context = Context();
    generic.UnaryCall(context.get(), method, grpc::StubOptions(), &request, &response,
                      [&](grpc::Status s) {
                        std::lock_guard<std::mutex> lock(mu);
                        status = s;
                        done = true;
                        cv.notify_one();
                      });
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return done; });
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED) << method;
  }
}

TEST_F(CustomerSliceTest, EveryServiceServesItsChangeFeed) {
  auto sales = sales::v1::SalesService::NewStub(channel_);
  common::v1::ListChangesRequest request;
  common::v1::ListChangesResponse response;
  ASSERT_TRUE(sales->ListChanges(AdminContext().get(), request, &response).ok());
  EXPECT_EQ(response.last_sequence(), 0);
}

// Streaming methods (imports, exports) take the gateway's general path, which
// proxies any call as a stream in both directions. A second gateway that uses
// it for every method must give the same results, statuses and error details.
TEST_F(CustomerSliceTest, TheStreamingProxyPathCarriesCallsFaithfully) {
  testing::ChildProcess gateway;
  const std::string ports_file = stack_->LogPath("gateway-streaming") + ".ports";
  std::vector<std::string> argv = {std::string(CRM_BINARY_DIR) + "/services/gateway/crm-gateway",
                                   "--listen=127.0.0.1:0",
                                   "--ports-file=" + ports_file,
                                   "--unary-fast-path=false",
                                   "--drain-ms=0",
                                   "--metrics-port=0",
                                   "--health-poll-ms=200"};
  for (const std::string& backend : testing::Stack::ProcessNames()) {
    if (backend != "gateway") argv.push_back("--" + backend + "-addr=" + stack_->Address(backend));
  }
  const std::map<std::string, std::string> env = {{"CRM_IDENTITY_KEY", testing::kTestIdentityKey},
                                                  {"CRM_TOKEN_SECRET", testing::kTestTokenSecret}};
  gateway.Start(argv, env, stack_->LogPath("gateway-streaming"));
  const std::string address =
      "127.0.0.1:" + std::to_string(testing::WaitForBoundPorts(gateway, ports_file,
                                                               stack_->LogPath("gateway-streaming"))
                                        .grpc);
  auto stub = v1::CustomerService::NewStub(testing::Connect(address));
  v1::CreateCustomerRequest create;
  *create.mutable_customer() = NewCustomer("流式代理客户");
  v1::Customer created;
  auto first_call = Context();
  first_call->set_wait_for_ready(true);  // the new gateway may still be starting
  grpc::Status status = stub->CreateCustomer(first_call.get(), create, &created);
  ASSERT_TRUE(status.ok()) << status.error_message();

  v1::GetCustomerRequest get;
  get.set_id(created.id());
  v1::Customer read;
  ASSERT_TRUE(stub->GetCustomer(Context().get(), get, &read).ok());
  EXPECT_EQ(read.name(), "流式代理客户");

  v1::CreateCustomerRequest invalid;
  invalid.mutable_customer()->set_region_code("east");
  status = stub->CreateCustomer(Context().get(), invalid, &read);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  google::rpc::Status rich;
  ASSERT_TRUE(rich.ParseFromString(status.error_details()));
  EXPECT_EQ(rich.details_size(), 2);  // ErrorInfo and BadRequest, through the streaming proxy

  get.set_id(created.id() + 1000000);
  EXPECT_EQ(stub->GetCustomer(Context().get(), get, &read).error_code(),
            grpc::StatusCode::NOT_FOUND);
  gateway.Stop();
}

TEST_F(CustomerSliceTest, AClientThatNeverSawThisRepoPerformsTheSlice) {
  std::string output;
  int status = testing::RunCommand(
      std::string("/usr/bin/python3 ") + CRM_SOURCE_DIR +
          "/tests/e2e/reflection_client.py --target " + stack_->gateway_address() +
          " --username admin --password '" + testing::kTestAdminPassword + "'",
      &output);
  EXPECT_EQ(status, 0) << output;
}

}  // namespace
}  // namespace crm
