// Starting and stopping the processes a test runs (MariaDB, services).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace crm::testing {

class ChildProcess {
 public:
  ChildProcess() = default;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();  // SIGKILL if still running

  // Starts argv[0] with the current environment plus `env`; stdout and stderr
  // go to `log_path` (appended).
  void Start(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
             const std::string& log_path);

  bool running();
  void Signal(int signal_number);
  // Waits for exit; returns the exit status, or -1 on timeout.
  int Wait(std::chrono::milliseconds timeout);
  // SIGTERM, wait, then SIGKILL if needed.
  void Stop(std::chrono::milliseconds grace = std::chrono::seconds(30));
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

// Runs a shell command to completion; returns its exit status (and its output
// in `output` when given).
int RunCommand(const std::string& command, std::string* output = nullptr);

// The ports a process started with --ports-file bound (0: that listener is
// off or not on TCP).
struct BoundPorts {
  int grpc = 0;
  int metrics = 0;
};

// Waits until `child` has written `ports_file` (common/grpc_server.h) and
// returns what it says. Throws, with the tail of `log_path`, when the child
// exits first or nothing comes within `timeout`.
BoundPorts WaitForBoundPorts(ChildProcess& child, const std::string& ports_file,
                             const std::string& log_path,
                             std::chrono::milliseconds timeout = std::chrono::seconds(30));

// A new private directory under TMPDIR (or /tmp), removed by RemoveTree.
std::string MakeTempDir(const std::string& prefix);
void RemoveTree(const std::string& path);

std::string ReadFile(const std::string& path);

}  // namespace crm::testing
