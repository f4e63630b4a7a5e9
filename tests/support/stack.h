// The whole system for end-to-end tests: the five backends and the gateway,
// against this binary's MariaDB, each logging to its own file. No port is
// chosen here: backends listen on Unix sockets in the stack's directory (a
// restarted backend is found where it was), the gateway and every metrics
// page on a port the kernel picks, which each process reports (--ports-file).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/child_process.h"

namespace crm::testing {

// The secrets every test stack runs with.
inline constexpr char kTestIdentityKey[] = "test-identity-key-0123456789abcdef0123456789";
inline constexpr char kTestTokenSecret[] = "test-token-secret-0123456789abcdef0123456789";
inline constexpr char kTestAdminPassword[] = "admin-Passw0rd!";

struct StackOptions {
  int drain_ms = 200;  // short, so tests that stop processes stay quick
  int shutdown_grace_ms = 10000;
  std::string log_level = "info";
  // More flags for the gateway (a low limit to test it).
  std::vector<std::string> gateway_flags;
  // More flags for a backend, by process name ("feedback": its test clock).
  std::map<std::string, std::vector<std::string>> backend_flags;
};

class Stack {
 public:
  // The process names: the backends, then "gateway".
  static const std::vector<std::string>& ProcessNames();

  explicit Stack(StackOptions options = {});
  ~Stack();

  // Starts every process and waits until the gateway reports all five
  // services SERVING.
  void Start();

  std::string gateway_address() const { return Address("gateway"); }
  // gRPC target of a process: "unix:/…/customer.sock", "127.0.0.1:41234".
  std::string Address(const std::string& process) const;
  // The process's Prometheus page, http://127.0.0.1:<port>/metrics.
  int MetricsPort(const std::string& process) const { return metrics_ports_.at(process); }
  ChildProcess& Process(const std::string& process) { return *processes_.at(process); }
  std::string LogPath(const std::string& process) const;
  std::string Log(const std::string& process) const { return ReadFile(LogPath(process)); }

  // (Re)starts one process (after it was stopped or killed).
  void StartProcess(const std::string& process);
  // Waits until `service` (a full name, or "" for the gateway) is SERVING at
  // the gateway; false on timeout.
  bool WaitServing(const std::string& service, int timeout_ms = 20000) const;
  bool WaitAllServing(int timeout_ms = 30000) const;

 private:
  StackOptions options_;
  std::string dir_;
  std::map<std::string, int> ports_;  // the gateway's, as last reported
  std::map<std::string, int> metrics_ports_;
  std::map<std::string, std::unique_ptr<ChildProcess>> processes_;
};

// Full names of the five CRM services.
const std::vector<std::string>& CrmServiceNames();

}  // namespace crm::testing
