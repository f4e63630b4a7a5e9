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

// Calls per caller and second: one client flooding the gateway is refused,
// with advice on when to retry, while another client at the same time is
// served every call.
TEST(RateLimitTest, OneClientFloodingIsSlowedAndAnotherIsStillServed) {
  testing::StackOptions options;
  options.gateway_flags = {"--rate-limit-per-s=1", "--rate-limit-burst=10"};
  testing::Stack stack(options);
  stack.Start();
  auto gateway = testing::Connect(stack.gateway_address());
  auto admin = testing::Login(gateway, "admin", testing::kTestAdminPassword);
  ASSERT_TRUE(admin.ok()) << admin.status();
  testing::OrgBuilder org(gateway, *admin);
  const Session other = org.User("other.client", 0, {"sales"});
  auto stub = cv1::CustomerService::NewStub(gateway);
  auto list_regions = [&](grpc::ClientContext* context) {
    cv1::ListRegionsResponse regions;
    return stub->ListRegions(context, cv1::ListRegionsRequest(), &regions);
  };
  int refused = 0, other_served = 0;
  std::string advice;
  for (int i = 0; i < 60; ++i) {
    auto context = AuthContext(*admin);
    grpc::Status status = list_regions(context.get());
    if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
      ++refused;
      EXPECT_NE(status.error_message().find("retry in"), std::string::npos);
      auto trailing = context->GetServerTrailingMetadata().find("retry-after-ms");
      if (trailing != context->GetServerTrailingMetadata().end()) {
        advice = std::string(trailing->second.data(), trailing->second.size());
      }
    } else {
      EXPECT_TRUE(status.ok()) << status.error_message();
    }
    if (i % 10 == 0) {
      auto other_context = AuthContext(other);
      grpc::Status served = list_regions(other_context.get());
      EXPECT_TRUE(served.ok()) << served.error_message();
      other_served += served.ok();
    }
  }
  EXPECT_GE(refused, 20);
  EXPECT_FALSE(advice.empty());
  EXPECT_GT(std::stoi(advice.empty() ? "0" : advice), 0);
  EXPECT_EQ(other_served, 6);
}

}  // namespace
}  // namespace crm
