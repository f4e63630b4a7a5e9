// Failure and shutdown behaviour of the running system: a dead backend, and
// SIGTERM while calls are in flight.
#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <atomic>
#include <future>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/db/mysql_pool.h"
#include "crm/customer/v1/customer_service.grpc.pb.h"
#include "crm/sales/v1/sales_service.grpc.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/support/clients.h"
#include "tests/support/mariadb_server.h"
#include "tests/support/session.h"
#include "tests/support/stack.h"
#include "tests/support/waiting.h"

namespace crm {
namespace {

namespace v1 = customer::v1;
using Clock = std::chrono::steady_clock;

class ResilienceTest : public ::testing::Test {
 protected:
  static constexpr int kStalenessMs = 5000;

  static void SetUpTestSuite() {
    testing::StackOptions options;
    options.drain_ms = 2000;  // long enough to observe the drain
    // Fail closed soon after the org service goes (30 s in production).
    options.gateway_flags = {"--credential-max-staleness-ms=" + std::to_string(kStalenessMs)};
    // One completion-queue thread and four handler threads: a call that
    // blocked the queue's thread would hold up every other call.
    options.backend_flags["customer"] = {"--threads=1", "--handler-threads=4"};
    stack_ = new testing::Stack(options);
    stack_->Start();
  }

  static std::unique_ptr<grpc::ClientContext> Context(
      std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    return testing::AuthContext(*admin_, timeout);
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }

  void SetUp() override {
    // A previous test may have stopped a process.
    for (const std::string& name : testing::Stack::ProcessNames()) {
      if (!stack_->Process(name).running()) stack_->StartProcess(name);
    }
    ASSERT_TRUE(stack_->WaitAllServing());
    stub_ = v1::CustomerService::NewStub(testing::Connect(stack_->gateway_address()));
    if (admin_ == nullptr) {
      auto session = testing::Login(testing::Connect(stack_->gateway_address()), "admin",
                                    testing::kTestAdminPassword);
      ASSERT_TRUE(session.ok()) << session.status();
      admin_ = new testing::Session(*session);
    }
    // Health says SERVING as soon as one connection is back; wait until calls
    // get through as well.
    grpc::Status status;
    for (int i = 0; i < 100; ++i) {
      v1::ListCustomersResponse page;
      status = stub_->ListCustomers(Context().get(), v1::ListCustomersRequest(), &page);
      if (status.ok()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  v1::Customer CreateCustomer() {
    v1::CreateCustomerRequest request;
    static std::atomic<int> created_count{0};
    request.mutable_customer()->set_name("韧性测试客户" + std::to_string(++created_count));
    request.mutable_customer()->set_region_code("north");
    v1::Customer created;
    grpc::Status status = stub_->CreateCustomer(Context().get(), request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created;
  }

  grpc::health::v1::HealthCheckResponse::ServingStatus GatewayHealth(const std::string& service) {
    auto health = grpc::health::v1::Health::NewStub(testing::Connect(stack_->gateway_address()));
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    if (!health->Check(Context().get(), request, &response).ok()) {
      return grpc::health::v1::HealthCheckResponse::UNKNOWN;
    }
    return response.status();
  }

  bool WaitForHealth(const std::string& service,
                     grpc::health::v1::HealthCheckResponse::ServingStatus wanted,
                     std::chrono::milliseconds timeout) {
    const auto give_up = Clock::now() + timeout;
    while (Clock::now() < give_up) {
      if (GatewayHealth(service) == wanted) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return false;
  }

  // Holds the customer's row lock from a separate session, so an update of it
  // stays in flight until Release().
  class RowLock {
   public:
    explicit RowLock(int64_t customer_id)
        : pool_(testing::MariaDbServer::Get().ServiceOptions("customer")),
          connection_(std::move(pool_.Acquire()).value()) {
      connection_->Execute("START TRANSACTION");
      sql::PreparedStatement& lock =
          connection_->Prepare("SELECT id FROM customers WHERE id = ? FOR UPDATE");
      lock.setInt64(1, customer_id);
      std::unique_ptr<sql::ResultSet> rs(lock.executeQuery());
    }
    void Release() { connection_->raw().rollback(); }

   private:
    MySqlPool pool_;
    PooledConnection connection_;
  };

  // Holds a table's write lock from a separate session: every read of it
  // waits until Release().
  class TableLock {
   public:
    explicit TableLock(const std::string& table)
        : pool_(testing::MariaDbServer::Get().ServiceOptions("customer")),
          connection_(std::move(pool_.Acquire()).value()) {
      connection_->Execute("LOCK TABLES " + table + " WRITE");
    }
    ~TableLock() { Release(); }
    void Release() { connection_->Execute("UNLOCK TABLES"); }

   private:
    MySqlPool pool_;
    PooledConnection connection_;
  };

  std::future<grpc::Status> UpdateInBackground(const v1::Customer& customer) {
    return std::async(std::launch::async, [this, customer] {
      v1::UpdateCustomerRequest update;
      update.mutable_customer()->set_id(customer.id());
      update.mutable_customer()->set_etag(customer.etag());
      update.mutable_customer()->set_remarks("written during shutdown");
      update.mutable_update_mask()->add_paths("remarks");
      v1::Customer updated;
      return stub_->UpdateCustomer(Context(std::chrono::seconds(30)).get(), update, &updated);
    });
  }

  static testing::Stack* stack_;
  static testing::Session* admin_;
  std::unique_ptr<v1::CustomerService::Stub> stub_;
};

testing::Stack* ResilienceTest::stack_ = nullptr;
testing::Session* ResilienceTest::admin_ = nullptr;

TEST_F(ResilienceTest, AKilledBackendIsUnavailableQuicklyAndComesBack) {
  v1::Customer customer = CreateCustomer();
  // A health watcher on the gateway sees the backend go and come back.
  auto health = grpc::health::v1::Health::NewStub(testing::Connect(stack_->gateway_address()));
  auto watch_context = Context(std::chrono::seconds(60));
  grpc::health::v1::HealthCheckRequest watch_request;
  watch_request.set_service("crm.customer.v1.CustomerService");
  auto watch = health->Watch(watch_context.get(), watch_request);
  grpc::health::v1::HealthCheckResponse watched;
  ASSERT_TRUE(watch->Read(&watched));
  EXPECT_EQ(watched.status(), grpc::health::v1::HealthCheckResponse::SERVING);

  stack_->Process("customer").Signal(SIGKILL);
  stack_->Process("customer").Wait(std::chrono::seconds(5));

  v1::GetCustomerRequest get;
  get.set_id(customer.id());
  v1::Customer read;
  for (int attempt = 0; attempt < 3; ++attempt) {  // the first, and later ones, all fail fast
    auto started = Clock::now();
    grpc::Status status = stub_->GetCustomer(Context(std::chrono::seconds(5)).get(), get, &read);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
    EXPECT_LT(Clock::now() - started, std::chrono::seconds(1));
    EXPECT_EQ(status.error_message().find("127.0.0.1"), std::string::npos)
        << "internal addresses must not leak: " << status.error_message();
  }
  EXPECT_TRUE(WaitForHealth("crm.customer.v1.CustomerService",
                            grpc::health::v1::HealthCheckResponse::NOT_SERVING,
                            std::chrono::seconds(3)));
  ASSERT_TRUE(watch->Read(&watched));
  EXPECT_EQ(watched.status(), grpc::health::v1::HealthCheckResponse::NOT_SERVING);
  // Other services are unaffected.
  auto sales = sales::v1::SalesService::NewStub(testing::Connect(stack_->gateway_address()));
  common::v1::ListChangesRequest changes;
  common::v1::ListChangesResponse response;
  EXPECT_TRUE(sales->ListChanges(Context().get(), changes, &response).ok());

  stack_->StartProcess("customer");
  ASSERT_TRUE(stack_->WaitServing("crm.customer.v1.CustomerService"));
  grpc::Status status;
  const auto give_up = Clock::now() + std::chrono::seconds(5);
  do {
    status = stub_->GetCustomer(Context().get(), get, &read);
  } while (!status.ok() && Clock::now() < give_up);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(read.id(), customer.id());
  ASSERT_TRUE(watch->Read(&watched));
  EXPECT_EQ(watched.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  watch_context->TryCancel();
}

// Without the org service the gateway cannot learn of revocations: once its
// knowledge is older than the bound it refuses credentials (UNAVAILABLE, a
// retryable answer) rather than accept a revoked one, and accepts them again
// as soon as the org service answers.
TEST_F(ResilienceTest, WithoutTheOrgServiceCredentialsAreRefusedAfterTheBoundThenAcceptedAgain) {
  stack_->Process("org").Signal(SIGKILL);
  stack_->Process("org").Wait(std::chrono::seconds(5));
  const auto killed = Clock::now();
  grpc::Status status;
  auto list = [&] {
    v1::ListCustomersResponse page;
    status = stub_->ListCustomers(Context().get(), v1::ListCustomersRequest(), &page);
    return status;
  };
  EXPECT_TRUE(
      testing::Eventually([&] { return list().error_code() == grpc::StatusCode::UNAVAILABLE; },
                          std::chrono::milliseconds(kStalenessMs * 4)))
      << status.error_message();
  EXPECT_NE(status.error_message().find("revocation"), std::string::npos) << status.error_message();
  RecordProperty(
      "refused_after_ms",
      static_cast<int>(
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - killed).count()));
  stack_->StartProcess("org");
  ASSERT_TRUE(stack_->WaitServing("crm.org.v1.OrgService"));
  EXPECT_TRUE(testing::Eventually([&] { return list().ok(); }, std::chrono::seconds(10)))
      << status.error_message();
}

// MariaDB stopped and started again while four clients create customers,
// each retrying with its request id until acknowledged: meanwhile the
// answers are UNAVAILABLE, the service recovers by itself, and every
// acknowledged create is stored exactly once (none lost, none doubled).
TEST_F(ResilienceTest, MariaDbRestartedUnderWritesLosesAndDoublesNothing) {
  constexpr int kWriters = 4;
  std::atomic<bool> writing{true};
  std::atomic<int> acknowledged{0};
  std::mutex failures_mutex;
  std::map<grpc::StatusCode, int> failures;
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; writing.load(); ++i) {
        v1::CreateCustomerRequest request;
        request.mutable_customer()->set_name(absl::StrCat("重启写入-", w, "-", i));
        request.mutable_customer()->set_region_code("north");
        request.set_request_id(absl::StrCat("restart-", w, "-", i));
        const Clock::time_point give_up = Clock::now() + std::chrono::seconds(90);
        for (;;) {  // until acknowledged: a client that must not lose the write
          v1::Customer created;
          const grpc::Status status =
              stub_->CreateCustomer(Context(std::chrono::seconds(5)).get(), request, &created);
          if (status.ok()) break;
          {
            std::lock_guard<std::mutex> lock(failures_mutex);
            ++failures[status.error_code()];
          }
          if (Clock::now() > give_up) {
            ADD_FAILURE() << "create " << w << "-" << i
                          << " never acknowledged: " << status.error_message();
            return;
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(50));  // a client's backoff
        }
        ++acknowledged;
      }
    });
  }
  auto unavailable_answers = [&] {
    std::lock_guard<std::mutex> lock(failures_mutex);
    return failures[grpc::StatusCode::UNAVAILABLE];
  };
  ASSERT_TRUE(testing::Eventually([&] { return acknowledged.load() >= 20; }));
  testing::MariaDbServer::Get().Stop();
  EXPECT_TRUE(
      testing::Eventually([&] { return unavailable_answers() > 0; }, std::chrono::seconds(20)));
  const int during_outage = acknowledged.load();
  testing::MariaDbServer::Get().Start();
  const Clock::time_point restarted = Clock::now();
  EXPECT_TRUE(testing::Eventually([&] { return acknowledged.load() >= during_outage + 20; },
                                  std::chrono::seconds(30)))
      << "creates are not acknowledged again after the database came back";
  const auto recovery = Clock::now() - restarted;
  writing = false;
  for (std::thread& t : writers) t.join();

  const int total = acknowledged.load();
  const std::string counts = testing::MariaDbServer::Get().Sql(
      "SELECT CONCAT('rows=', COUNT(*), ' names=', COUNT(DISTINCT name))"
      " FROM crm_customer.customers WHERE name LIKE '重启写入-%'");
  EXPECT_TRUE(absl::StrContains(counts, absl::StrCat("rows=", total, " names=", total)))
      << "acknowledged " << total << ", stored: " << counts;
  for (const auto& [code, count] : failures) {
    // While the database is away: UNAVAILABLE, or a client deadline that ran
    // out while the service waited for a connection.
    EXPECT_TRUE(code == grpc::StatusCode::UNAVAILABLE ||
                code == grpc::StatusCode::DEADLINE_EXCEEDED)
        << count << " answers with code " << code;
  }
  std::cout << total << " creates acknowledged; 20 more within "
            << std::chrono::duration_cast<std::chrono::milliseconds>(recovery).count()
            << " ms of the restart; failed attempts by code:";
  for (const auto& [code, count] : failures) std::cout << " " << code << "=" << count;
  std::cout << "\n";
  EXPECT_TRUE(stack_->WaitAllServing(30000));
}

// A database switched to read-only (a failover in progress, an operator):
// writes are UNAVAILABLE with the reason, reads go on, nothing is written,
// and writes work again once it is writable.
TEST_F(ResilienceTest, AReadOnlyDatabaseRefusesWritesClearlyAndChangesNothing) {
  auto count = [] {
    return testing::MariaDbServer::Get().Sql(
        "SELECT CONCAT('rows=', COUNT(*)) FROM crm_customer.customers");
  };
  const std::string before = count();
  testing::MariaDbServer::Get().Sql("SET GLOBAL read_only = ON");
  struct Writable {
    ~Writable() { testing::MariaDbServer::Get().Sql("SET GLOBAL read_only = OFF"); }
  } writable_again;

  v1::CreateCustomerRequest request;
  request.mutable_customer()->set_name("只读期间的客户");
  request.mutable_customer()->set_region_code("north");
  request.set_request_id("read-only-1");
  v1::Customer created;
  grpc::Status status = stub_->CreateCustomer(Context().get(), request, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  google::rpc::Status rich;
  google::rpc::ErrorInfo info;
  ASSERT_TRUE(rich.ParseFromString(status.error_details()));
  for (const auto& detail : rich.details()) detail.UnpackTo(&info);
  EXPECT_EQ(info.reason(), "DATABASE_READ_ONLY");
  v1::ListCustomersResponse page;
  EXPECT_TRUE(stub_->ListCustomers(Context().get(), v1::ListCustomersRequest(), &page).ok());
  EXPECT_EQ(count(), before);

  testing::MariaDbServer::Get().Sql("SET GLOBAL read_only = OFF");
  status = stub_->CreateCustomer(Context().get(), request, &created);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(ResilienceTest, SigtermOnABackendLetsInFlightCallsFinish) {
  v1::Customer customer = CreateCustomer();
  RowLock lock(customer.id());
  auto update = UpdateInBackground(customer);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the update now waits on the lock
  ASSERT_EQ(update.wait_for(std::chrono::seconds(0)), std::future_status::timeout);

  stack_->Process("customer").Signal(SIGTERM);
  // Health turns NOT_SERVING at once, while the process still serves calls.
  EXPECT_TRUE(WaitForHealth("crm.customer.v1.CustomerService",
                            grpc::health::v1::HealthCheckResponse::NOT_SERVING,
                            std::chrono::milliseconds(1500)));

  lock.Release();
  grpc::Status status = update.get();
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(stack_->Process("customer").Wait(std::chrono::seconds(20)), 0)
      << stack_->Log("customer");

  stack_->StartProcess("customer");
  ASSERT_TRUE(stack_->WaitServing("crm.customer.v1.CustomerService"));
  v1::GetCustomerRequest get;
  get.set_id(customer.id());
  v1::Customer read;
  ASSERT_TRUE(stub_->GetCustomer(Context().get(), get, &read).ok());
  EXPECT_EQ(read.remarks(), "written during shutdown");
}

// Calls of `method` the sales process is serving now (its metrics page).
int SalesCallsInFlight(const testing::Stack& stack, const std::string& method) {
  httplib::Client client("127.0.0.1", stack.MetricsPort("sales"));
  auto response = client.Get("/metrics");
  if (!response || response->status != 200) return -1;
  std::istringstream lines(response->body);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("grpc_server_calls_in_flight{", 0) == 0 &&
        line.find("grpc_method=\"" + method + "\"") != std::string::npos) {
      return static_cast<int>(std::stod(line.substr(line.rfind(' ') + 1)));
    }
  }
  return 0;
}

// A dependency that stops answering (SIGSTOP: its connections stay open,
// nothing is read) may hold all but one of a caller's handler threads
// (dependency_budget.h): what needs nothing from it is still served at
// once, what needs it is refused at once or ends by its deadline, and all
// is well when it answers again.
TEST_F(ResilienceTest, AHungDependencyLeavesTheCallersOtherCallsServed) {
  namespace sv1 = sales::v1;
  const v1::Customer customer = CreateCustomer();
  auto sales = sv1::SalesService::NewStub(testing::Connect(stack_->gateway_address()));
  sv1::CreateContactRecordRequest record;
  record.mutable_record()->set_customer_id(customer.id());
  record.mutable_record()->set_method(sv1::PHONE);
  record.mutable_record()->set_subject("依赖挂起");
  sv1::ContactRecord created;
  ASSERT_TRUE(sales->CreateContactRecord(Context().get(), record, &created).ok());

  stack_->Process("customer").Signal(SIGSTOP);
  struct Resume {
    testing::Stack* stack;
    ~Resume() { stack->Process("customer").Signal(SIGCONT); }
  } resume{stack_};
  // As many calls that need the customer service as sales has threads (4).
  constexpr auto kDeadline = std::chrono::seconds(5);
  const auto sent = Clock::now();
  std::vector<std::future<grpc::Status>> waiting;
  for (int i = 0; i < 4; ++i) {
    waiting.push_back(std::async(std::launch::async, [&] {
      sv1::ContactRecord r;
      return sales->CreateContactRecord(Context(kDeadline).get(), record, &r);
    }));
  }
  // Three of sales' four threads wait on the customer service.
  ASSERT_TRUE(
      testing::Eventually([&] { return SalesCallsInFlight(*stack_, "CreateContactRecord") >= 3; },
                          std::chrono::seconds(3)));
  // The fourth waits up to a second for a place, then is refused.
  const auto asked = Clock::now();
  sv1::ListProductsResponse products;
  const grpc::Status listed =
      sales->ListProducts(Context(std::chrono::seconds(3)).get(), {}, &products);
  EXPECT_TRUE(listed.ok()) << "a call needing no other service: " << listed.error_message();
  EXPECT_LT(Clock::now() - asked, std::chrono::milliseconds(2500));

  int refused = 0;
  for (auto& call : waiting) {
    const grpc::Status status = call.get();
    EXPECT_TRUE(status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED)
        << status.error_code() << " " << status.error_message();
    if (status.error_code() == grpc::StatusCode::UNAVAILABLE) ++refused;
  }
  EXPECT_EQ(refused, 1) << "past the budget a call is refused, not held";
  EXPECT_LT(Clock::now() - sent, kDeadline + std::chrono::seconds(2)) << "deadlines were kept";

  stack_->Process("customer").Signal(SIGCONT);
  EXPECT_TRUE(testing::Eventually(
      [&] {
        sv1::ContactRecord r;
        return sales->CreateContactRecord(Context().get(), record, &r).ok();
      },
      std::chrono::seconds(10)));
}

// A stream waiting on the database holds one of the handler threads, never
// the completion-queue thread (the customer service has one here): the
// service's other calls are still served meanwhile.
TEST_F(ResilienceTest, AStreamWaitingOnTheDatabaseLeavesOtherCallsServed) {
  CreateCustomer();
  TableLock lock("customers");
  std::future<grpc::Status> exported = std::async(std::launch::async, [this] {
    std::unique_ptr<grpc::ClientContext> context = Context(std::chrono::seconds(30));
    auto reader = stub_->ExportCustomers(context.get(), v1::ExportCustomersRequest());
    v1::ExportCustomersResponse piece;
    while (reader->Read(&piece)) {
    }
    return reader->Finish();
  });
  const auto waiting_on_the_lock = [] {
    const std::string out = testing::MariaDbServer::Get().Sql(
        "SELECT COUNT(*) FROM information_schema.PROCESSLIST "
        "WHERE DB = 'crm_customer' AND STATE LIKE 'Waiting for table%lock'");
    return absl::StripAsciiWhitespace(out) != "0";
  };
  ASSERT_TRUE(testing::Eventually(waiting_on_the_lock, std::chrono::seconds(10)));

  const auto asked = Clock::now();
  common::v1::ListChangesRequest changes;
  changes.set_page_size(1);
  common::v1::ListChangesResponse page;
  const grpc::Status listed =
      stub_->ListChanges(Context(std::chrono::seconds(5)).get(), changes, &page);
  EXPECT_TRUE(listed.ok()) << listed.error_code() << " " << listed.error_message();
  EXPECT_LT(Clock::now() - asked, std::chrono::seconds(2));

  lock.Release();
  const grpc::Status status = exported.get();
  EXPECT_TRUE(status.ok()) << status.error_message();
}

// A new call sent through the gateway while the only backend of its service
// drains is served, or refused at once as UNAVAILABLE (the gateway stops
// sending to a backend that says NOT_SERVING; a client retries): never left
// waiting until its deadline. It once did wait, about one run in four at
// e29900e (then disabled); the cause was not found, and 25 runs now (15 of
// them with handler threads, 10 with CRM_HANDLER_THREADS=0 set for the
// stack) never waited.
TEST_F(ResilienceTest, ACallSentWhileTheOnlyBackendDrainsIsServedOrRefusedAtOnce) {
  v1::Customer customer = CreateCustomer();
  stack_->Process("customer").Signal(SIGTERM);
  EXPECT_TRUE(WaitForHealth("crm.customer.v1.CustomerService",
                            grpc::health::v1::HealthCheckResponse::NOT_SERVING,
                            std::chrono::milliseconds(1500)));
  v1::GetCustomerRequest get;
  get.set_id(customer.id());
  v1::Customer read;
  const auto sent = Clock::now();
  const grpc::Status during_drain =
      stub_->GetCustomer(Context(std::chrono::seconds(10)).get(), get, &read);
  EXPECT_TRUE(during_drain.ok() || during_drain.error_code() == grpc::StatusCode::UNAVAILABLE)
      << during_drain.error_code() << " " << during_drain.error_message();
  EXPECT_LT(Clock::now() - sent, std::chrono::seconds(3)) << "the call waited";
  EXPECT_EQ(stack_->Process("customer").Wait(std::chrono::seconds(20)), 0);
}

TEST_F(ResilienceTest, SigtermOnTheGatewayLetsInFlightCallsFinish) {
  v1::Customer customer = CreateCustomer();
  RowLock lock(customer.id());
  auto update = UpdateInBackground(customer);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ASSERT_EQ(update.wait_for(std::chrono::seconds(0)), std::future_status::timeout);

  stack_->Process("gateway").Signal(SIGTERM);
  EXPECT_TRUE(WaitForHealth("", grpc::health::v1::HealthCheckResponse::NOT_SERVING,
                            std::chrono::milliseconds(1500)));
  lock.Release();
  grpc::Status status = update.get();
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(stack_->Process("gateway").Wait(std::chrono::seconds(20)), 0);
}

}  // namespace
}  // namespace crm
