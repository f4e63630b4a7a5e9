// Start-up failures end a process cleanly: a port already taken, a database
// that never answers or refuses the password, a bad flag. Each gives exactly
// one error line naming the cause and a non-zero exit code; never an abort, a
// core dump or a process left hanging.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "common/backend/backend_main.h"
#include "common/base/process_start.h"
#include "common/db/database.h"
#include "common/feed/change_feed.h"
#include "common/rpc/service_methods.h"
#include "crm/sales/v1/sales_service.grpc.pb.h"
#include "tests/support/child_process.h"
#include "tests/support/mariadb_server.h"
#include "tests/support/stack.h"

namespace crm {
namespace {

// A TCP socket this test holds open and listening on a port the kernel chose:
// whatever else tries to bind that port while it lives must fail.
class HeldPort {
 public:
  HeldPort() : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || listen(fd_, 1) != 0) {
      throw std::runtime_error("cannot hold a port");
    }
    socklen_t length = sizeof(addr);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &length);
    port_ = ntohs(addr.sin_port);
  }
  ~HeldPort() { close(fd_); }
  int port() const { return port_; }

 private:
  int fd_;
  int port_ = 0;
};

struct Outcome {
  int exit_code = 0;
  std::string log;
  std::vector<std::string> error_lines;
};

class StartupTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::MakeTempDir("crm-startup"); }
  void TearDown() override { testing::RemoveTree(dir_); }

  // Runs a backend of this build to its end (at most 30 s).
  Outcome RunBackend(const std::string& name, std::vector<std::string> flags,
                     std::map<std::string, std::string> env = {}) {
    testing::MariaDbServer& db = testing::MariaDbServer::Get();
    std::vector<std::string> argv = {std::string(CRM_BINARY_DIR) + "/services/crm-" + name,
                                     "--db-socket=" + db.socket(), "--readiness-interval-ms=100",
                                     "--drain-ms=0"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    env.emplace("CRM_DB_PASSWORD", db.ServicePassword(name));
    return Run(name, argv, env);
  }

  Outcome RunGateway(std::vector<std::string> flags) {
    std::vector<std::string> argv = {std::string(CRM_BINARY_DIR) + "/services/gateway/crm-gateway",
                                     "--drain-ms=0"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    return Run("gateway", argv, {{"CRM_TOKEN_SECRET", testing::kTestTokenSecret}});
  }

  Outcome Run(const std::string& name, const std::vector<std::string>& argv,
              std::map<std::string, std::string> env) {
    env.emplace("CRM_IDENTITY_KEY", testing::kTestIdentityKey);
    const std::string log_path = dir_ + "/" + name + std::to_string(++runs_) + ".log";
    testing::ChildProcess child;
    child.Start(argv, env, log_path);
    Outcome outcome;
    outcome.exit_code = child.Wait(std::chrono::seconds(30));
    outcome.log = testing::ReadFile(log_path);
    std::istringstream lines(outcome.log);
    for (std::string line; std::getline(lines, line);) {
      if (line.find("\"level\":\"error\"") != std::string::npos)
        outcome.error_lines.push_back(line);
    }
    return outcome;
  }

  // Exit `code` by returning from main (not a signal, not a timeout), and
  // one error line that holds every one of `named`.
  static void ExpectCleanFailure(const Outcome& outcome, int code,
                                 const std::vector<std::string>& named) {
    EXPECT_EQ(outcome.exit_code, code) << outcome.log;
    ASSERT_EQ(outcome.error_lines.size(), 1u) << outcome.log;
    for (const std::string& text : named) {
      EXPECT_NE(outcome.error_lines[0].find(text), std::string::npos)
          << "should name " << text << ": " << outcome.error_lines[0];
    }
    EXPECT_EQ(outcome.log.find("assertion failed"), std::string::npos) << outcome.log;
  }

  std::string dir_;
  int runs_ = 0;
};

TEST_F(StartupTest, ABackendOnATakenPortExitsWithOneLine) {
  HeldPort taken;
  const std::string address = "127.0.0.1:" + std::to_string(taken.port());
  ExpectCleanFailure(RunBackend("sales", {"--listen=" + address, "--metrics-port=-1"}),
                     kExitCannotStart, {"cannot listen on " + address, "start-up failed"});
}

TEST_F(StartupTest, ABackendWhoseMetricsPortIsTakenExitsWithOneLine) {
  HeldPort taken;
  ExpectCleanFailure(
      RunBackend("sales",
                 {"--listen=127.0.0.1:0", "--metrics-port=" + std::to_string(taken.port())}),
      kExitCannotStart, {"cannot serve metrics on 127.0.0.1:" + std::to_string(taken.port())});
}

TEST_F(StartupTest, TheGatewayOnATakenPortExitsWithOneLine) {
  HeldPort taken;
  const std::string address = "127.0.0.1:" + std::to_string(taken.port());
  ExpectCleanFailure(RunGateway({"--listen=" + address, "--metrics-port=-1"}), kExitCannotStart,
                     {"cannot listen on " + address});
  HeldPort metrics;
  ExpectCleanFailure(
      RunGateway({"--listen=127.0.0.1:0", "--metrics-port=" + std::to_string(metrics.port())}),
      kExitCannotStart, {"cannot serve metrics"});
}

TEST_F(StartupTest, AnUnknownFlagOrBadValueExitsWithOneLineNamingIt) {
  ExpectCleanFailure(RunBackend("sales", {"--listen=127.0.0.1:0", "--no-such-flag=1"}),
                     kExitBadConfiguration, {"unknown flag --no-such-flag"});
  ExpectCleanFailure(RunBackend("sales", {"--listen=127.0.0.1:0", "--threads=many"}),
                     kExitBadConfiguration, {"threads: 'many' is not an integer"});
  ExpectCleanFailure(RunGateway({"--listen=127.0.0.1:0", "--log-level=loud"}),
                     kExitBadConfiguration, {"log-level: 'loud'"});
  ExpectCleanFailure(RunBackend("sales", {"--listen=127.0.0.1:0"}, {{"CRM_IDENTITY_KEY", "short"}}),
                     kExitBadConfiguration, {"identity-key"});
}

TEST_F(StartupTest, ABackendWhoseDatabaseNeverAnswersGivesUpWithOneLine) {
  ExpectCleanFailure(RunBackend("sales", {"--listen=127.0.0.1:0", "--metrics-port=-1",
                                          "--db-socket=" + dir_ + "/nobody-serves.sock",
                                          "--db-startup-timeout-s=1"}),
                     kExitCannotStart, {"db-startup-timeout-s", "the database is unavailable"});
}

TEST_F(StartupTest, ABackendWhosePasswordIsRefusedGivesUpWithOneLine) {
  ExpectCleanFailure(
      RunBackend("sales", {"--listen=127.0.0.1:0", "--metrics-port=-1", "--db-startup-timeout-s=1"},
                 {{"CRM_DB_PASSWORD", "not-the-password"}}),
      kExitCannotStart, {"db-startup-timeout-s"});
}

// A service whose wiring misses a method of its proto: calls of that method
// would wait for ever, so the process must not start serving at all.
class HalfWiredSales : public sales::v1::SalesService::AsyncService {
 public:
  HalfWiredSales(Database& db, AsyncMethods& methods) : change_log_(db) {
    ServiceMethods<HalfWiredSales> m(methods, this, sales::v1::SalesService::service_full_name());
    CRM_METHOD(m, ListChanges, &change_log_);  // ListAuditEvents forgotten
  }

 private:
  ChangeLogHandlers change_log_;
};

std::vector<MigrationFile> NoMigrations() { return {}; }

TEST_F(StartupTest, AServiceWithAnUnwiredMethodDoesNotStart) {
  BackendSpec spec;
  spec.name = "sales";
  spec.migrations = &NoMigrations;
  spec.make_services = [](BackendContext& context) -> absl::StatusOr<std::vector<BackendService>> {
    std::vector<BackendService> services;
    services.push_back({std::make_unique<HalfWiredSales>(context.db, context.methods),
                        sales::v1::SalesService::service_full_name()});
    return services;
  };
  const std::string identity = std::string("--identity-key=") + testing::kTestIdentityKey;
  const char* argv[] = {"crm-sales", identity.c_str(), "--listen=127.0.0.1:0", "--metrics-port=-1"};
  ::testing::internal::CaptureStdout();
  const int exit_code = crm::RunBackend(4, const_cast<char**>(argv), spec);
  const std::string log = ::testing::internal::GetCapturedStdout();
  EXPECT_EQ(exit_code, kExitCannotStart);
  // Every method without a handler is named (ListAuditEvents among them).
  const size_t named = log.find("crm.sales.v1.SalesService has no handler for ");
  EXPECT_NE(named, std::string::npos) << log;
  EXPECT_NE(log.find("ListAuditEvents", named), std::string::npos) << log;
}

}  // namespace
}  // namespace crm
