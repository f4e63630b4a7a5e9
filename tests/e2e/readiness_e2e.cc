// Readiness is not liveness: a backend whose database goes away reports
// NOT_SERVING, turns calls away and stays alive, and comes back by itself
// when the database returns; one started without a database waits for it.
#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <thread>

#include "crm/customer/v1/customer_service.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/support/mariadb_server.h"
#include "tests/support/session.h"
#include "tests/support/stack.h"
#include "tests/support/waiting.h"

namespace crm {
namespace {

using grpc::health::v1::HealthCheckResponse;

class ReadinessTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    stack_ = new testing::Stack();
    stack_->Start();
  }
  static void TearDownTestSuite() { delete stack_; }

  // The health a process reports for `service` on its own port.
  static HealthCheckResponse::ServingStatus Health(const std::string& process,
                                                   const std::string& service) {
    auto stub = grpc::health::v1::Health::NewStub(
        grpc::CreateChannel(stack_->Address(process), grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    HealthCheckResponse response;
    if (!stub->Check(&context, request, &response).ok()) return HealthCheckResponse::UNKNOWN;
    return response.status();
  }

  // The HTTP health page's status code on the metrics port (what a probe of a
  // TLS-serving process reads), or 0 when it does not answer.
  static int HttpHealth(const std::string& process, const std::string& path) {
    httplib::Client client("127.0.0.1", stack_->MetricsPort(process));
    auto response = client.Get(path);
    return response ? response->status : 0;
  }

  static bool Becomes(const std::string& process, HealthCheckResponse::ServingStatus wanted,
                      std::chrono::seconds timeout) {
    const auto give_up = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < give_up) {
      if (Health(process, "") == wanted) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  static testing::Stack* stack_;
};

testing::Stack* ReadinessTest::stack_ = nullptr;

TEST_F(ReadinessTest, ABackendWithoutItsDatabaseIsAliveButNotReadyAndComesBack) {
  ASSERT_EQ(Health("customer", ""), HealthCheckResponse::SERVING);
  EXPECT_EQ(HttpHealth("customer", "/healthz/ready"), 200);
  EXPECT_EQ(HttpHealth("customer", "/healthz/live"), 200);
  auto gateway = grpc::CreateChannel(stack_->gateway_address(), grpc::InsecureChannelCredentials());
  auto admin = testing::Login(gateway, "admin", testing::kTestAdminPassword);
  ASSERT_TRUE(admin.ok()) << admin.status();
  auto customers = customer::v1::CustomerService::NewStub(gateway);
  customer::v1::ListCustomersRequest list;
  customer::v1::ListCustomersResponse listed;

  testing::MariaDbServer::Get().Stop();
  EXPECT_TRUE(Becomes("customer", HealthCheckResponse::NOT_SERVING, std::chrono::seconds(20)));
  EXPECT_EQ(Health("customer", "liveness"), HealthCheckResponse::SERVING);
  EXPECT_EQ(Health("customer", "crm.customer.v1.CustomerService"),
            HealthCheckResponse::NOT_SERVING);
  EXPECT_TRUE(stack_->Process("customer").running());
  EXPECT_EQ(HttpHealth("customer", "/healthz/ready"), 503);
  EXPECT_EQ(HttpHealth("customer", "/healthz/live"), 200);
  EXPECT_EQ(
      customers->ListCustomers(testing::AuthContext(*admin).get(), list, &listed).error_code(),
      grpc::StatusCode::UNAVAILABLE);

  // A backend started while the database is away waits for it, alive.
  stack_->Process("sales").Stop();
  stack_->StartProcess("sales");
  EXPECT_TRUE(testing::Eventually(
      [] { return Health("sales", "liveness") == HealthCheckResponse::SERVING; }));
  EXPECT_EQ(Health("sales", ""), HealthCheckResponse::NOT_SERVING);

  testing::MariaDbServer::Get().Start();
  EXPECT_TRUE(Becomes("customer", HealthCheckResponse::SERVING, std::chrono::seconds(30)));
  EXPECT_TRUE(Becomes("sales", HealthCheckResponse::SERVING, std::chrono::seconds(30)));
  EXPECT_TRUE(stack_->WaitAllServing(30000));
  EXPECT_TRUE(customers->ListCustomers(testing::AuthContext(*admin).get(), list, &listed).ok());
  EXPECT_EQ(HttpHealth("customer", "/healthz/ready"), 200);
}

}  // namespace
}  // namespace crm
