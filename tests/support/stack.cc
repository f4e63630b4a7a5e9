// Stack: launching the service binaries of this build.
#include "tests/support/stack.h"

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <signal.h>

#include <cstdio>
#include <stdexcept>
#include <thread>

#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/support/mariadb_server.h"

namespace crm::testing {

const std::vector<std::string>& Stack::ProcessNames() {
  static const std::vector<std::string> names = {"customer", "sales",     "feedback",
                                                 "org",      "reporting", "gateway"};
  return names;
}

const std::vector<std::string>& CrmServiceNames() {
  static const std::vector<std::string> names = {
      "crm.customer.v1.CustomerService", "crm.sales.v1.SalesService",
      "crm.feedback.v1.FeedbackService", "crm.org.v1.OrgService",
      "crm.reporting.v1.ReportingService"};
  return names;
}

Stack::Stack(StackOptions options) : options_(options), dir_(MakeTempDir("crm-stack")) {
  for (const std::string& name : ProcessNames()) {
    processes_[name] = std::make_unique<ChildProcess>();
  }
}

Stack::~Stack() {
  // The gateway first, so no call reaches a stopping backend through it; then
  // the backends drain together.
  processes_["gateway"]->Stop(std::chrono::seconds(15));
  for (auto& [name, process] : processes_) process->Signal(SIGTERM);
  for (auto& [name, process] : processes_) process->Stop(std::chrono::seconds(15));
  RemoveTree(dir_);
}

std::string Stack::Address(const std::string& process) const {
  if (process == "gateway") return "127.0.0.1:" + std::to_string(ports_.at(process));
  return "unix:" + dir_ + "/" + process + ".sock";
}

std::string Stack::LogPath(const std::string& process) const {
  return dir_ + "/" + process + ".log";
}

void Stack::StartProcess(const std::string& process) {
  MariaDbServer& db = MariaDbServer::Get();
  std::vector<std::string> argv;
  std::map<std::string, std::string> env;
  const std::string ports_file = dir_ + "/" + process + ".ports";
  std::remove(ports_file.c_str());
  const std::string common_flags[] = {
      "--listen=" + (process == "gateway" ? std::string("127.0.0.1:0") : Address(process)),
      "--drain-ms=" + std::to_string(options_.drain_ms),
      "--metrics-port=0",
      "--ports-file=" + ports_file,
      "--log-level=" + options_.log_level,
      "--shutdown-grace-ms=" + std::to_string(options_.shutdown_grace_ms)};
  env["CRM_IDENTITY_KEY"] = kTestIdentityKey;
  if (process == "gateway") {
    argv = {std::string(CRM_BINARY_DIR) + "/services/gateway/crm-gateway"};
    for (const std::string& backend : ProcessNames()) {
      if (backend != "gateway") argv.push_back("--" + backend + "-addr=" + Address(backend));
    }
    argv.push_back("--health-poll-ms=200");
    argv.push_back("--credential-refresh-ms=200");
    for (const std::string& flag : options_.gateway_flags) argv.push_back(flag);
    env["CRM_TOKEN_SECRET"] = kTestTokenSecret;
  } else {
    argv = {std::string(CRM_BINARY_DIR) + "/services/crm-" + process, "--db-socket=" + db.socket(),
            "--readiness-interval-ms=200"};
    env["CRM_DB_PASSWORD"] = db.ServicePassword(process);
  }
  if (process == "customer" || process == "sales" || process == "feedback") {
    argv.push_back("--org-addr=" + Address("org"));
    argv.push_back("--org-feed-interval-ms=200");
  }
  if (process == "sales" || process == "feedback") {
    argv.push_back("--customer-addr=" + Address("customer"));
  }
  if (process == "feedback") argv.push_back("--sla-check-interval-ms=100");
  if (process == "reporting") {
    for (const char* source : {"org", "customer", "sales", "feedback"}) {
      argv.push_back(std::string("--") + source + "-addr=" + Address(source));
    }
    argv.push_back("--feed-interval-ms=200");
  }
  if (process == "customer") {
    argv.push_back("--feedback-addr=" + Address("feedback"));
    argv.push_back("--feedback-feed-interval-ms=200");
    argv.push_back("--sales-addr=" + Address("sales"));
    argv.push_back("--sales-feed-interval-ms=200");
    argv.push_back("--pool-recycle-check-ms=200");
  }
  if (auto flags = options_.backend_flags.find(process); flags != options_.backend_flags.end()) {
    for (const std::string& flag : flags->second) argv.push_back(flag);
  }
  if (process == "org") {
    env["CRM_TOKEN_SECRET"] = kTestTokenSecret;
    env["CRM_ADMIN_PASSWORD"] = kTestAdminPassword;
    // Still argon2id, with less memory and time than production: tests log in often.
    argv.push_back("--password-hash-ops=1");
    argv.push_back("--password-hash-memory-kib=8192");
  }
  for (const std::string& flag : common_flags) argv.push_back(flag);
  ChildProcess& child = *processes_.at(process);
  child.Start(argv, env, LogPath(process));
  const BoundPorts bound = WaitForBoundPorts(child, ports_file, LogPath(process));
  ports_[process] = bound.grpc;
  metrics_ports_[process] = bound.metrics;
}

void Stack::Start() {
  for (const std::string& name : ProcessNames()) StartProcess(name);
  if (!WaitAllServing()) {
    std::string logs;
    for (const std::string& name : ProcessNames()) logs += name + ":\n" + Log(name) + "\n";
    throw std::runtime_error("the stack did not become SERVING:\n" + logs);
  }
}

bool Stack::WaitServing(const std::string& service, int timeout_ms) const {
  auto stub = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel(gateway_address(), grpc::InsecureChannelCredentials()));
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < give_up) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(1));
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    if (stub->Check(&context, request, &response).ok() &&
        response.status() == grpc::health::v1::HealthCheckResponse::SERVING) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

bool Stack::WaitAllServing(int timeout_ms) const {
  if (!WaitServing("", timeout_ms)) return false;
  for (const std::string& service : CrmServiceNames()) {
    if (!WaitServing(service, timeout_ms)) return false;
  }
  return true;
}

}  // namespace crm::testing
