// What one caller, anonymous or not, can make a process hold: request size
// and calls in flight are bounded at the gateway (and request size at every
// backend), and past a bound the answer is RESOURCE_EXHAUSTED at once while
// everyone else is still served.
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <string>
#include <vector>

#include "crm/customer/v1/customer_service.grpc.pb.h"
#include "crm/org/v1/org_service.grpc.pb.h"
#include "tests/support/clients.h"
#include "tests/support/session.h"
#include "tests/support/stack.h"
#include "tests/support/waiting.h"

namespace crm {
namespace {

namespace cv1 = customer::v1;
namespace ov1 = org::v1;
using testing::AuthContext;
using testing::Session;

constexpr int kCallsInFlight = 3;

class LimitsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    testing::StackOptions options;
    options.gateway_flags = {"--max-calls-in-flight=" + std::to_string(kCallsInFlight)};
    stack_ = new testing::Stack(options);
    stack_->Start();
    gateway_ = new std::shared_ptr<grpc::Channel>(testing::Connect(stack_->gateway_address()));
    auto admin = testing::Login(*gateway_, "admin", testing::kTestAdminPassword);
    ASSERT_TRUE(admin.ok()) << admin.status();
    admin_ = new Session(*admin);
  }
  static void TearDownTestSuite() {
    delete admin_;
    delete gateway_;
    delete stack_;
  }

  static grpc::Status ListRegions() {
    auto stub = cv1::CustomerService::NewStub(*gateway_);
    cv1::ListRegionsResponse regions;
    return stub->ListRegions(AuthContext(*admin_).get(), cv1::ListRegionsRequest(), &regions);
  }

  static testing::Stack* stack_;
  static std::shared_ptr<grpc::Channel>* gateway_;
  static Session* admin_;
};

testing::Stack* LimitsTest::stack_ = nullptr;
std::shared_ptr<grpc::Channel>* LimitsTest::gateway_ = nullptr;
Session* LimitsTest::admin_ = nullptr;

// An anonymous Login with a 5 MB body: refused before the gateway buffers it,
// and the gateway and the org service keep serving. A backend called directly
// refuses it too.
TEST_F(LimitsTest, ARequestOverFourMebibytesIsRefusedAndNothingElseSuffers) {
  ov1::LoginRequest huge;
  huge.set_username("admin");
  huge.set_password(std::string(5 * 1024 * 1024, 'x'));
  for (const std::string& target : {stack_->gateway_address(), stack_->Address("org")}) {
    auto stub = ov1::OrgService::NewStub(testing::Connect(target));
    std::vector<std::future<grpc::Status>> calls;
    for (int i = 0; i < 8; ++i) {
      calls.push_back(std::async(std::launch::async, [&] {
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
        ov1::TokenResponse response;
        return stub->Login(&context, huge, &response);
      }));
    }
    for (auto& call : calls) {
      EXPECT_EQ(call.get().error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << target;
    }
  }
  // A request just under the bound is read (and refused for what it says).
  ov1::LoginRequest large = huge;
  large.set_password(std::string(4 * 1024 * 1024 - 1024, 'x'));
  auto stub = ov1::OrgService::NewStub(*gateway_);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  ov1::TokenResponse response;
  EXPECT_EQ(stub->Login(&context, large, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(ListRegions().ok());
  EXPECT_TRUE(testing::Login(*gateway_, "admin", testing::kTestAdminPassword).ok());
}

// Calls held open up to the gateway's limit: the next call is refused at once
// with RESOURCE_EXHAUSTED, not queued; once one is over, calls are served
// again.
TEST_F(LimitsTest, PastTheLimitOfCallsInFlightTheGatewayRefusesAtOnce) {
  auto stub = cv1::CustomerService::NewStub(*gateway_);
  struct OpenImport {
    std::unique_ptr<grpc::ClientContext> context;
    cv1::ImportCustomersResponse response;
    std::unique_ptr<grpc::ClientWriter<cv1::ImportCustomersRequest>> writer;
  };
  std::vector<OpenImport> open(kCallsInFlight);
  for (OpenImport& call : open) {
    call.context = AuthContext(*admin_, std::chrono::seconds(30));
    call.writer = stub->ImportCustomers(call.context.get(), &call.response);
    cv1::ImportCustomersRequest options;
    options.mutable_options()->set_dry_run(true);
    ASSERT_TRUE(call.writer->Write(options));
  }
  const auto asked = std::chrono::steady_clock::now();
  grpc::Status refused = ListRegions();
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << refused.error_message();
  EXPECT_LT(std::chrono::steady_clock::now() - asked, std::chrono::seconds(2));
  EXPECT_NE(refused.error_message().find("retry"), std::string::npos);

  open.front().writer->WritesDone();
  open.front().writer->Finish();
  EXPECT_TRUE(testing::Eventually([] { return ListRegions().ok(); }));
  for (size_t i = 1; i < open.size(); ++i) {
    open[i].writer->WritesDone();
    open[i].writer->Finish();
  }
}

}  // namespace
}  // namespace crm
