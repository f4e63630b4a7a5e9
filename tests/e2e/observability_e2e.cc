// What ops see of the running system: every process's Prometheus page is
// valid (promtool) and its counters move by exactly the calls made; the pool,
// migration, feed, backend-error and process series are there.
#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>
#include <future>
#include <sstream>
#include <thread>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "crm/customer/v1/customer_service.grpc.pb.h"
#include "crm/org/v1/org_service.grpc.pb.h"
#include "tests/support/mariadb_server.h"
#include "tests/support/session.h"
#include "tests/support/stack.h"
#include "tests/support/waiting.h"

namespace crm {
namespace {

namespace v1 = crm::customer::v1;

class ObservabilityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    testing::StackOptions options;
    options.log_level = "debug";  // every call logs a line: the trace test reads them
    stack_ = new testing::Stack(options);
    stack_->Start();
    gateway_ = new std::shared_ptr<grpc::Channel>(
        grpc::CreateChannel(stack_->gateway_address(), grpc::InsecureChannelCredentials()));
  }
  static void TearDownTestSuite() {
    delete gateway_;
    delete stack_;
  }

  static std::string Scrape(const std::string& process) {
    httplib::Client client("127.0.0.1", stack_->MetricsPort(process));
    auto response = client.Get("/metrics");
    if (!response || response->status != 200) return "";
    EXPECT_NE(response->get_header_value("Content-Type").find("text/plain"), std::string::npos);
    return response->body;
  }

  // The value of one series (name with its exact label set), or -1 if absent.
  static double Value(const std::string& page, const std::string& series) {
    std::istringstream lines(page);
    for (std::string line; std::getline(lines, line);) {
      if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 &&
          line[series.size()] == ' ') {
        return std::stod(line.substr(series.size() + 1));
      }
    }
    return -1;
  }

  static std::string ReadLog(const std::string& process) { return stack_->Log(process); }
  static std::vector<std::string> LinesWithTrace(const std::string& process,
                                                 const std::string& trace_id, size_t at_least);

  static double ValueOrZero(const std::string& page, const std::string& series) {
    const double value = Value(page, series);
    return value < 0 ? 0 : value;
  }

  static testing::Stack* stack_;
  static std::shared_ptr<grpc::Channel>* gateway_;
};

testing::Stack* ObservabilityTest::stack_ = nullptr;
std::shared_ptr<grpc::Channel>* ObservabilityTest::gateway_ = nullptr;

TEST_F(ObservabilityTest, EveryProcessServesAPageThatPromtoolAccepts) {
  const std::string dir = testing::MakeTempDir("crm-metrics");
  for (const std::string& process : testing::Stack::ProcessNames()) {
    const std::string page = Scrape(process);
    ASSERT_FALSE(page.empty()) << process;
    const std::string file = dir + "/" + process + ".txt";
    std::ofstream(file) << page;
    std::string output;
    EXPECT_EQ(testing::RunCommand("promtool check metrics < " + file, &output), 0)
        << process << ": " << output;
    EXPECT_GT(Value(page, "process_resident_memory_bytes"), 0) << process;
    EXPECT_GE(Value(page, "process_cpu_seconds_total"), 0) << process;
    if (process != "gateway") {
      EXPECT_GT(Value(page, "crm_db_pool_size"), 0) << process;
      EXPECT_GE(Value(page, "crm_db_pool_in_use"), 0) << process;
      EXPECT_GE(Value(page, "crm_db_pool_wait_seconds_total"), 0) << process;
      EXPECT_GE(Value(page, "crm_schema_migration_version{track=\"common\"}"), 1) << process;
    }
  }
  testing::RemoveTree(dir);
  const std::string customer = Scrape("customer");
  EXPECT_GE(Value(customer, "crm_schema_migration_version{track=\"customer\"}"), 1);
  EXPECT_GE(Value(customer, "crm_feed_position{feed=\"org\"}"), 0);
  EXPECT_GE(Value(customer, "crm_feed_lag_seconds{feed=\"org\"}"), 0);
  EXPECT_GE(Value(customer, "crm_feed_position{feed=\"search-index\"}"), 0);
}

TEST_F(ObservabilityTest, CountersMoveByExactlyTheCallsMade) {
  auto admin = testing::Login(*gateway_, "admin", testing::kTestAdminPassword);
  ASSERT_TRUE(admin.ok()) << admin.status();
  const std::string labels = "grpc_service=\"crm.customer.v1.CustomerService\",grpc_method=\"";
  const std::string list_ok =
      "grpc_server_handled_total{" + labels + "ListCustomers\",grpc_code=\"OK\"}";
  const std::string get_missing =
      "grpc_server_handled_total{" + labels + "GetCustomer\",grpc_code=\"NOT_FOUND\"}";
  const std::string list_started = "grpc_server_started_total{" + labels + "ListCustomers\"}";
  const std::string list_latency_count =
      "grpc_server_handling_seconds_count{" + labels + "ListCustomers\"}";
  const std::string backend_not_found =
      "crm_gateway_backend_errors_total{backend=\"customer\",grpc_code=\"NOT_FOUND\"}";

  const std::string gateway_before = Scrape("gateway");
  const std::string customer_before = Scrape("customer");
  auto stub = v1::CustomerService::NewStub(*gateway_);
  for (int i = 0; i < 7; ++i) {
    v1::ListCustomersRequest request;
    request.set_page_size(5);
    v1::ListCustomersResponse response;
    ASSERT_TRUE(stub->ListCustomers(testing::AuthContext(*admin).get(), request, &response).ok());
  }
  for (int i = 0; i < 3; ++i) {
    v1::GetCustomerRequest request;
    request.set_id(987654321 + i);
    v1::Customer response;
    ASSERT_EQ(
        stub->GetCustomer(testing::AuthContext(*admin).get(), request, &response).error_code(),
        grpc::StatusCode::NOT_FOUND);
  }
  // A process counts a call once it is over on its side, which may be just
  // after the client has its answer: wait until every call is counted, then
  // check that none was counted twice.
  std::string gateway_after, customer_after;
  const auto settled = [&](const std::string& before, std::string& after, const char* process) {
    return testing::Eventually([&] {
      after = Scrape(process);
      return Value(after, list_ok) - ValueOrZero(before, list_ok) >= 7 &&
             Value(after, get_missing) - ValueOrZero(before, get_missing) >= 3 &&
             Value(after, "grpc_server_calls_in_flight{" + labels + "ListCustomers\"}") == 0;
    });
  };
  EXPECT_TRUE(settled(gateway_before, gateway_after, "gateway"));
  EXPECT_TRUE(settled(customer_before, customer_after, "customer"));

  for (const auto& [process, before, after] :
       {std::tuple{"gateway", gateway_before, gateway_after},
        std::tuple{"customer", customer_before, customer_after}}) {
    SCOPED_TRACE(process);
    EXPECT_EQ(Value(after, list_ok) - ValueOrZero(before, list_ok), 7);
    EXPECT_EQ(Value(after, list_started) - ValueOrZero(before, list_started), 7);
    EXPECT_EQ(Value(after, list_latency_count) - ValueOrZero(before, list_latency_count), 7);
    EXPECT_EQ(Value(after, get_missing) - ValueOrZero(before, get_missing), 3);
  }
  EXPECT_EQ(
      Value(gateway_after, backend_not_found) - ValueOrZero(gateway_before, backend_not_found), 3);
}

TEST_F(ObservabilityTest, AMethodNoProtoDeclaresIsCountedAsUnknown) {
  grpc::GenericStub stub(*gateway_);
  const std::string before = Scrape("gateway");
  for (const char* path : {"/crm.customer.v1.CustomerService/NoSuchMethod", "/x.Y/Z"}) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    grpc::Slice empty_message("");
    grpc::ByteBuffer request(&empty_message, 1), response;
    std::promise<grpc::Status> done;
    stub.UnaryCall(&context, path, grpc::StubOptions(), &request, &response,
                   [&done](grpc::Status status) { done.set_value(status); });
    EXPECT_FALSE(done.get_future().get().ok());
  }
  const std::string unknown =
      "grpc_server_started_total{grpc_service=\"unknown\",grpc_method=\"unknown\"}";
  std::string after;
  EXPECT_TRUE(testing::Eventually([&] {
    after = Scrape("gateway");
    return Value(after, unknown) - ValueOrZero(before, unknown) >= 2;
  }));
  EXPECT_EQ(Value(after, unknown) - ValueOrZero(before, unknown), 2);
  EXPECT_EQ(after.find("NoSuchMethod"), std::string::npos);
}

// Lines of a process's log that carry this trace id (logs are flushed in
// batches: wait until there are `at_least`).
std::vector<std::string> ObservabilityTest::LinesWithTrace(const std::string& process,
                                                           const std::string& trace_id,
                                                           size_t at_least) {
  std::vector<std::string> found;
  testing::Eventually(
      [&] {
        found.clear();
        std::istringstream lines(ReadLog(process));
        for (std::string line; std::getline(lines, line);) {
          if (line.find("\"trace_id\":\"" + trace_id + "\"") != std::string::npos)
            found.push_back(line);
        }
        return found.size() >= at_least;
      },
      std::chrono::seconds(15));
  return found;
}

TEST_F(ObservabilityTest, OneTraceIdFollowsACallThroughTheGatewayToEveryServiceItReaches) {
  auto admin = testing::Login(*gateway_, "admin", testing::kTestAdminPassword);
  ASSERT_TRUE(admin.ok()) << admin.status();
  auto stub = v1::CustomerService::NewStub(*gateway_);
  v1::CreateCustomerRequest create;
  create.mutable_customer()->set_name("链路追踪客户");
  create.mutable_customer()->set_city("上海");
  create.mutable_customer()->set_region_code("east");
  v1::Customer created;
  ASSERT_TRUE(stub->CreateCustomer(testing::AuthContext(*admin).get(), create, &created).ok());

  // The caller's trace: assigning to an employee makes the customer service
  // ask the org service, so the trace must reach org too.
  const std::string trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  v1::AssignCustomerRequest assign;
  assign.set_id(created.id());
  assign.set_employee_id(987654);
  v1::Customer assigned;
  auto context = testing::AuthContext(*admin);
  context->AddMetadata("traceparent", "00-" + trace_id + "-00f067aa0ba902b7-01");
  EXPECT_FALSE(stub->AssignCustomer(context.get(), assign, &assigned).ok());
  for (const char* process : {"gateway", "customer", "org"}) {
    const std::vector<std::string> lines = LinesWithTrace(process, trace_id, 1);
    EXPECT_FALSE(lines.empty()) << process << " logged nothing with the trace id";
  }
  const std::vector<std::string> gateway_lines = LinesWithTrace("gateway", trace_id, 1);
  ASSERT_FALSE(gateway_lines.empty());
  EXPECT_NE(gateway_lines[0].find("AssignCustomer"), std::string::npos) << gateway_lines[0];

  // Without a traceparent the gateway starts a trace; the backend logs the same id.
  v1::GetCustomerRequest get;
  get.set_id(987654321);
  v1::Customer missing;
  grpc::ClientContext plain;
  plain.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  plain.AddMetadata("authorization", "Bearer " + admin->access_token);
  plain.AddMetadata("x-request-id", "trace-start-test-1");
  EXPECT_EQ(stub->GetCustomer(&plain, get, &missing).error_code(), grpc::StatusCode::NOT_FOUND);
  std::string started;
  testing::Eventually(
      [&] {
        std::istringstream lines(ReadLog("gateway"));
        for (std::string line; std::getline(lines, line);) {
          const size_t at = line.find("\"trace_id\":\"");
          if (line.find("trace-start-test-1") != std::string::npos && at != std::string::npos) {
            started = line.substr(at + 12, 32);
          }
        }
        return !started.empty();
      },
      std::chrono::seconds(15));
  ASSERT_EQ(started.size(), 32u);
  const std::vector<std::string> customer_lines = LinesWithTrace("customer", started, 1);
  ASSERT_FALSE(customer_lines.empty());
  EXPECT_NE(customer_lines[0].find("trace-start-test-1"), std::string::npos);
}

// After log-ins, a new API key and calls with them, at the most verbose level,
// no log holds a password, a token, a key or a database password.
TEST_F(ObservabilityTest, NoSecretAppearsInAnyLog) {
  auto admin = testing::Login(*gateway_, "admin", testing::kTestAdminPassword);
  ASSERT_TRUE(admin.ok()) << admin.status();
  auto org = crm::org::v1::OrgService::NewStub(*gateway_);
  crm::org::v1::CreateServiceAccountRequest create;
  create.mutable_service_account()->set_name("日志检查");
  create.mutable_service_account()->add_roles("oa_reader");
  crm::org::v1::CreateServiceAccountResponse account;
  ASSERT_TRUE(org->CreateServiceAccount(testing::AuthContext(*admin).get(), create, &account).ok());
  auto wrong = testing::Login(*gateway_, "admin", "not-the-Passw0rd");
  EXPECT_FALSE(wrong.ok());
  crm::org::v1::ListAnnouncementChangesRequest pull;
  crm::org::v1::ListAnnouncementChangesResponse changes;
  grpc::ClientContext with_key;
  with_key.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  with_key.AddMetadata("x-api-key", account.api_key());
  org->ListAnnouncementChanges(&with_key, pull, &changes);
  // The logs are written in batches: wait until the last lines that could
  // hold a secret are in (the gateway's access line of the pull, org's line
  // of the refused log-in).
  EXPECT_TRUE(testing::Eventually(
      [&] { return ReadLog("gateway").find("ListAnnouncementChanges") != std::string::npos; }));
  EXPECT_TRUE(testing::Eventually(
      [&] { return ReadLog("org").find("log-in refused") != std::string::npos; }));

  std::vector<std::string> secrets = {testing::kTestAdminPassword, "not-the-Passw0rd",
                                      admin->access_token,         admin->refresh_token,
                                      account.api_key(),           testing::kTestIdentityKey,
                                      testing::kTestTokenSecret};
  for (const std::string& process : testing::Stack::ProcessNames()) {
    if (process != "gateway")
      secrets.push_back(testing::MariaDbServer::Get().ServicePassword(process));
  }
  for (const std::string& process : testing::Stack::ProcessNames()) {
    const std::string log = ReadLog(process);
    EXPECT_FALSE(log.empty()) << process;
    for (const std::string& secret : secrets) {
      ASSERT_FALSE(secret.empty());
      EXPECT_EQ(log.find(secret), std::string::npos) << process << "'s log holds a secret";
    }
  }
}

}  // namespace
}  // namespace crm
