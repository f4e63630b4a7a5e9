// Transport security of the running processes: the gateway serving TLS and
// mutual TLS to clients, and the gateway calling a backend over TLS
// (internal-tls), with certificates openssl makes for this test alone.
#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/support/child_process.h"
#include "tests/support/mariadb_server.h"
#include "tests/support/session.h"
#include "tests/support/stack.h"
#include "tests/support/waiting.h"

namespace crm {
namespace {

using grpc::health::v1::HealthCheckResponse;
using Clock = std::chrono::steady_clock;

void Run(const std::string& command) {
  std::string output;
  if (testing::RunCommand(command, &output) != 0) {
    throw std::runtime_error("failed: " + command + "\n" + output);
  }
}

// Two certificate authorities as a deployment would have them (one for the
// servers, one for the internal systems calling in), a third that nobody
// trusts, and their leaf certificates. Elliptic-curve keys: made in
// milliseconds.
class Certificates {
 public:
  explicit Certificates(std::string dir) : dir_(std::move(dir)) {
    MakeCa("server-ca");
    MakeCa("client-ca");
    MakeCa("stranger-ca");
    // The gateway's certificate, for clients that dial 127.0.0.1 or localhost.
    MakeLeaf("gateway", "server-ca", "subjectAltName=IP:127.0.0.1,DNS:localhost", "serverAuth");
    // A backend's, under its service name only: reaching it by IP address
    // needs internal-tls-server-name.
    MakeLeaf("org", "server-ca", "subjectAltName=DNS:org.crm.internal", "serverAuth");
    MakeLeaf("internal-system", "client-ca", "subjectAltName=DNS:internal-system", "clientAuth");
    MakeLeaf("stranger", "stranger-ca", "subjectAltName=IP:127.0.0.1", "serverAuth,clientAuth");
  }

  std::string Pem(const std::string& name) const { return dir_ + "/" + name + ".pem"; }
  std::string Key(const std::string& name) const { return dir_ + "/" + name + ".key"; }
  std::string Read(const std::string& file) const { return testing::ReadFile(file); }

 private:
  static std::string NewKey() { return "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"; }

  void MakeCa(const std::string& name) {
    Run("openssl req -x509 " + NewKey() + " -days 2 -subj /CN=crm-test-" + name + " -keyout " +
        Key(name) + " -out " + Pem(name));
  }

  void MakeLeaf(const std::string& name, const std::string& ca, const std::string& san,
                const std::string& usage) {
    const std::string csr = dir_ + "/" + name + ".csr";
    const std::string ext = dir_ + "/" + name + ".ext";
    Run("openssl req " + NewKey() + " -subj /CN=" + name + " -keyout " + Key(name) + " -out " +
        csr);
    Run("printf '%s\\n' '" + san + "' 'basicConstraints=CA:FALSE' 'extendedKeyUsage=" + usage +
        "' > " + ext);
    Run("openssl x509 -req -days 2 -in " + csr + " -CA " + Pem(ca) + " -CAkey " + Key(ca) +
        " -CAcreateserial -extfile " + ext + " -out " + Pem(name));
  }

  std::string dir_;
};

// One process of this build on a port of 127.0.0.1 the kernel picks (the
// process reports it), logging to its own file; stopped (briefly drained)
// when destroyed.
class Process {
 public:
  Process(const std::string& dir, const std::string& name, std::vector<std::string> argv,
          std::map<std::string, std::string> env)
      : log_path_(dir + "/" + name + ".log"), ports_file_(dir + "/" + name + ".ports") {
    argv.push_back("--listen=127.0.0.1:0");
    argv.push_back("--ports-file=" + ports_file_);
    argv.push_back("--drain-ms=100");
    env["CRM_METRICS_PORT"] = "-1";
    env["CRM_IDENTITY_KEY"] = testing::kTestIdentityKey;
    env["CRM_TOKEN_SECRET"] = testing::kTestTokenSecret;
    child_.Start(argv, env, log_path_);
  }
  ~Process() { child_.Stop(std::chrono::seconds(10)); }

  // Until the process reports the port it listens on; false if it exited
  // first.
  bool WaitListening() {
    try {
      port_ = testing::WaitForBoundPorts(child_, ports_file_, log_path_).grpc;
    } catch (const std::runtime_error&) {
      return false;
    }
    return port_ > 0;
  }

  // Once WaitListening said true.
  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string log() const { return testing::ReadFile(log_path_); }
  testing::ChildProcess& child() { return child_; }

 private:
  int port_ = 0;
  std::string log_path_;
  std::string ports_file_;
  testing::ChildProcess child_;
};

grpc::SslCredentialsOptions Trusting(const Certificates& certs, const std::string& ca) {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = certs.Read(certs.Pem(ca));
  return options;
}

grpc::SslCredentialsOptions WithClientCertificate(grpc::SslCredentialsOptions options,
                                                  const Certificates& certs,
                                                  const std::string& leaf) {
  options.pem_cert_chain = certs.Read(certs.Pem(leaf));
  options.pem_private_key = certs.Read(certs.Key(leaf));
  return options;
}

std::shared_ptr<grpc::Channel> Tls(const std::string& address,
                                   const grpc::SslCredentialsOptions& options) {
  return grpc::CreateChannel(address, grpc::SslCredentials(options));
}

std::shared_ptr<grpc::Channel> Plaintext(const std::string& address) {
  return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
}

// The health check of `service` ("": the process itself) over `channel`.
grpc::Status Check(const std::shared_ptr<grpc::Channel>& channel, const std::string& service,
                   HealthCheckResponse* response) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  return grpc::health::v1::Health::NewStub(channel)->Check(&context, request, response);
}

bool WaitServing(const std::shared_ptr<grpc::Channel>& channel, const std::string& service,
                 std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  const auto give_up = Clock::now() + timeout;
  while (Clock::now() < give_up) {
    HealthCheckResponse response;
    if (Check(channel, service, &response).ok() &&
        response.status() == HealthCheckResponse::SERVING) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

constexpr char kOrgService[] = "crm.org.v1.OrgService";

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(testing::MakeTempDir("crm-tls"));
    certs_ = new Certificates(*dir_);
    plain_org_ = StartOrg("org-plain", {});
    if (!plain_org_->WaitListening()) throw std::runtime_error("org: " + plain_org_->log());
  }

  static void TearDownTestSuite() {
    delete plain_org_;
    delete certs_;
    testing::RemoveTree(*dir_);
    delete dir_;
  }

  static Process* StartOrg(const std::string& name, std::vector<std::string> flags) {
    testing::MariaDbServer& db = testing::MariaDbServer::Get();
    std::vector<std::string> argv = {std::string(CRM_BINARY_DIR) + "/services/crm-org",
                                     "--db-socket=" + db.socket(),
                                     // Still argon2id, with less memory and time than production.
                                     "--password-hash-ops=1", "--password-hash-memory-kib=8192"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    return new Process(*dir_, name, argv,
                       {{"CRM_DB_PASSWORD", db.ServicePassword("org")},
                        {"CRM_ADMIN_PASSWORD", testing::kTestAdminPassword}});
  }

  // A gateway whose org backend is `org` (the others point at sockets nobody
  // serves: these tests need only org).
  static std::unique_ptr<Process> StartGateway(const std::string& name, const Process& org,
                                               std::vector<std::string> flags) {
    std::vector<std::string> argv = {std::string(CRM_BINARY_DIR) + "/services/gateway/crm-gateway",
                                     "--org-addr=" + org.address(), "--health-poll-ms=200",
                                     "--credential-refresh-ms=200", "--backend-channels=1"};
    for (const char* backend : {"customer", "sales", "feedback", "reporting"}) {
      argv.push_back(std::string("--") + backend + "-addr=unix:" + *dir_ + "/absent-" + backend +
                     ".sock");
    }
    argv.insert(argv.end(), flags.begin(), flags.end());
    return std::make_unique<Process>(*dir_, name, argv, std::map<std::string, std::string>{});
  }

  // A customer process calling `org` (its settings and change feed).
  static std::unique_ptr<Process> StartCustomer(const std::string& name, const Process& org,
                                                std::vector<std::string> flags) {
    testing::MariaDbServer& db = testing::MariaDbServer::Get();
    std::vector<std::string> argv = {std::string(CRM_BINARY_DIR) + "/services/crm-customer",
                                     "--db-socket=" + db.socket(), "--org-addr=" + org.address(),
                                     "--org-feed-interval-ms=200", "--settings-refresh-ms=200"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    return std::make_unique<Process>(
        *dir_, name, argv,
        std::map<std::string, std::string>{{"CRM_DB_PASSWORD", db.ServicePassword("customer")}});
  }

  static std::vector<std::string> ServeTls(const std::string& leaf) {
    return {"--tls-cert-file=" + certs_->Pem(leaf), "--tls-key-file=" + certs_->Key(leaf)};
  }

  // An org backend that serves TLS only and, as internal systems would,
  // demands a client certificate from the client CA.
  static std::unique_ptr<Process> StartTlsOrg(const std::string& name) {
    std::vector<std::string> flags = ServeTls("org");
    flags.push_back("--tls-client-ca-file=" + certs_->Pem("client-ca"));
    flags.push_back("--tls-require-client-cert=true");
    return std::unique_ptr<Process>(StartOrg(name, flags));
  }

  // The settings of a caller of that backend; without a certificate it is refused.
  static std::vector<std::string> InternalTls(bool with_certificate) {
    std::vector<std::string> flags = {"--internal-tls=true",
                                      "--internal-tls-ca-file=" + certs_->Pem("server-ca"),
                                      "--internal-tls-server-name=org.crm.internal"};
    if (with_certificate) {
      flags.push_back("--internal-tls-cert-file=" + certs_->Pem("internal-system"));
      flags.push_back("--internal-tls-key-file=" + certs_->Key("internal-system"));
    }
    return flags;
  }

  // Logging in goes through the gateway to the org backend and back.
  static absl::Status LogIn(const std::shared_ptr<grpc::Channel>& gateway) {
    return testing::Login(gateway, "admin", testing::kTestAdminPassword).status();
  }

  static std::string* dir_;
  static Certificates* certs_;
  static Process* plain_org_;
};

std::string* TlsTest::dir_ = nullptr;
Certificates* TlsTest::certs_ = nullptr;
Process* TlsTest::plain_org_ = nullptr;

TEST_F(TlsTest, GatewayServesTlsToClientsThatTrustItsCa) {
  auto gateway = StartGateway("gateway-tls", *plain_org_, ServeTls("gateway"));
  ASSERT_TRUE(gateway->WaitListening()) << gateway->log();
  auto trusted = Tls(gateway->address(), Trusting(*certs_, "server-ca"));
  ASSERT_TRUE(WaitServing(trusted, kOrgService)) << gateway->log();
  EXPECT_EQ(LogIn(trusted), absl::OkStatus());
  // The same by name: the certificate carries localhost as well.
  EXPECT_EQ(
      LogIn(Tls("localhost:" + std::to_string(gateway->port()), Trusting(*certs_, "server-ca"))),
      absl::OkStatus());

  HealthCheckResponse response;
  grpc::Status plaintext = Check(Plaintext(gateway->address()), "", &response);
  EXPECT_EQ(plaintext.error_code(), grpc::StatusCode::UNAVAILABLE) << plaintext.error_message();
  grpc::Status untrusted =
      Check(Tls(gateway->address(), Trusting(*certs_, "stranger-ca")), "", &response);
  EXPECT_EQ(untrusted.error_code(), grpc::StatusCode::UNAVAILABLE) << untrusted.error_message();

  // Paths may be logged, the key never.
  EXPECT_EQ(gateway->log().find("PRIVATE KEY"), std::string::npos);
  EXPECT_NE(gateway->log().find("serving TLS"), std::string::npos) << gateway->log();
}

TEST_F(TlsTest, MutualTlsAdmitsOnlyClientsWithACertificateFromTheClientCa) {
  std::vector<std::string> flags = ServeTls("gateway");
  flags.push_back("--tls-client-ca-file=" + certs_->Pem("client-ca"));
  flags.push_back("--tls-require-client-cert=true");
  auto gateway = StartGateway("gateway-mtls", *plain_org_, flags);
  ASSERT_TRUE(gateway->WaitListening()) << gateway->log();
  const grpc::SslCredentialsOptions trusting = Trusting(*certs_, "server-ca");
  auto internal_system =
      Tls(gateway->address(), WithClientCertificate(trusting, *certs_, "internal-system"));
  ASSERT_TRUE(WaitServing(internal_system, kOrgService)) << gateway->log();
  EXPECT_EQ(LogIn(internal_system), absl::OkStatus());

  HealthCheckResponse response;
  grpc::Status anonymous = Check(Tls(gateway->address(), trusting), "", &response);
  EXPECT_EQ(anonymous.error_code(), grpc::StatusCode::UNAVAILABLE) << anonymous.error_message();
  grpc::Status stranger = Check(
      Tls(gateway->address(), WithClientCertificate(trusting, *certs_, "stranger")), "", &response);
  EXPECT_EQ(stranger.error_code(), grpc::StatusCode::UNAVAILABLE) << stranger.error_message();
  grpc::Status plaintext = Check(Plaintext(gateway->address()), "", &response);
  EXPECT_EQ(plaintext.error_code(), grpc::StatusCode::UNAVAILABLE) << plaintext.error_message();
}

TEST_F(TlsTest, InternalTlsReachesABackendThatServesOnlyTls) {
  std::unique_ptr<Process> org = StartTlsOrg("org-tls");
  ASSERT_TRUE(org->WaitListening()) << org->log();
  auto gateway = StartGateway("gateway-internal-tls", *org, InternalTls(true));
  ASSERT_TRUE(gateway->WaitListening()) << gateway->log();
  auto client = Plaintext(gateway->address());
  ASSERT_TRUE(WaitServing(client, kOrgService)) << gateway->log() << org->log();
  EXPECT_EQ(LogIn(client), absl::OkStatus());

  // The backend really refuses what is not TLS with a client certificate: a
  // gateway without internal-tls, and one without a certificate, cannot reach
  // it, while they themselves are up.
  auto plaintext_gateway = StartGateway("gateway-plain", *org, {});
  auto anonymous_gateway = StartGateway("gateway-no-cert", *org, InternalTls(false));
  for (Process* failing : {plaintext_gateway.get(), anonymous_gateway.get()}) {
    ASSERT_TRUE(failing->WaitListening()) << failing->log();
    auto channel = Plaintext(failing->address());
    // Up, but never ready: without org it cannot learn API keys and token
    // revocations, so it reports NOT_SERVING for itself and every service.
    HealthCheckResponse response;
    ASSERT_TRUE(testing::Eventually([&] { return Check(channel, "", &response).ok(); }))
        << failing->log();
    // A few health polls, so a success would have had its chance.
    std::this_thread::sleep_for(std::chrono::seconds(1));
    ASSERT_TRUE(Check(channel, "", &response).ok());
    EXPECT_EQ(response.status(), HealthCheckResponse::NOT_SERVING) << failing->log();
    ASSERT_TRUE(Check(channel, kOrgService, &response).ok());
    EXPECT_EQ(response.status(), HealthCheckResponse::NOT_SERVING) << failing->log();
    const absl::Status login = LogIn(channel);
    EXPECT_EQ(login.code(), absl::StatusCode::kUnavailable) << login;
  }
  // And the TLS gateway still gets through.
  EXPECT_EQ(LogIn(client), absl::OkStatus());
}

// The other caller of a backend: customer follows org's settings and change
// feed over the same switch.
TEST_F(TlsTest, CustomerCallsOrgOverInternalTls) {
  std::unique_ptr<Process> org = StartTlsOrg("org-tls-for-customer");
  ASSERT_TRUE(org->WaitListening()) << org->log();
  auto tls_customer = StartCustomer("customer-tls", *org, InternalTls(true));
  auto plain_customer = StartCustomer("customer-plain", *org, {});
  ASSERT_TRUE(tls_customer->WaitListening()) << tls_customer->log();
  ASSERT_TRUE(plain_customer->WaitListening()) << plain_customer->log();
  // Both poll org every 200 ms: once the plaintext one has failed, the TLS
  // one has had its chances to fail too.
  constexpr char kFeedFailure[] = "cannot follow a change feed";
  constexpr char kSettingsFailure[] = "cannot read the grade thresholds";
  const auto give_up = Clock::now() + std::chrono::seconds(10);
  while (Clock::now() < give_up && plain_customer->log().find(kFeedFailure) == std::string::npos) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_NE(plain_customer->log().find(kFeedFailure), std::string::npos) << plain_customer->log();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const std::string log = tls_customer->log();
  EXPECT_EQ(log.find(kFeedFailure), std::string::npos) << log;
  EXPECT_EQ(log.find(kSettingsFailure), std::string::npos) << log;
}

// A process that cannot serve what was asked of it must not start (serving
// plaintext instead would be worse), and must say which setting is wrong.
TEST_F(TlsTest, InconsistentOrUnreadableTlsSettingsStopStartUp) {
  const std::string missing = *dir_ + "/no-such.pem";
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--tls-cert-file=" + certs_->Pem("gateway")}, "--tls-key-file"},
      {{"--tls-key-file=" + certs_->Key("gateway")}, "--tls-cert-file"},
      {{"--tls-cert-file=" + certs_->Pem("gateway"), "--tls-key-file=" + missing},
       "--tls-key-file"},
      {{"--tls-cert-file=" + certs_->Pem("gateway"), "--tls-key-file=" + certs_->Key("gateway"),
        "--tls-require-client-cert=true"},
       "--tls-client-ca-file"},
      {{"--tls-client-ca-file=" + certs_->Pem("client-ca")}, "--tls-cert-file"},
      {{"--tls-cert-file=" + certs_->Pem("gateway"), "--tls-key-file=" + certs_->Key("stranger")},
       "not a matching pair"},
      {{"--internal-tls=true", "--internal-tls-ca-file=" + missing}, "--internal-tls-ca-file"},
      {{"--internal-tls=true", "--internal-tls-cert-file=" + certs_->Pem("internal-system")},
       "--internal-tls-key-file"},
  };
  int n = 0;
  for (const auto& [flags, named] : cases) {
    auto gateway = StartGateway("gateway-bad-" + std::to_string(++n), *plain_org_, flags);
    const int exit_code = gateway->child().Wait(std::chrono::seconds(10));
    EXPECT_GT(exit_code, 0) << flags.back();
    EXPECT_NE(gateway->log().find(named), std::string::npos)
        << flags.back() << " should name " << named << ":\n"
        << gateway->log();
  }
}

}  // namespace
}  // namespace crm
