// Process helpers for tests.
#include "tests/support/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace crm::testing {

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && running()) {
    kill(pid_, SIGKILL);
    Wait(std::chrono::seconds(5));
  }
}

void ChildProcess::Start(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& env,
                         const std::string& log_path) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry(*e);
    std::string key = entry.substr(0, entry.find('='));
    if (env.count(key) == 0) env_strings.push_back(entry);
  }
  for (const auto& [key, value] : env) env_strings.push_back(key + "=" + value);
  std::vector<char*> argv_c, env_c;
  for (const auto& a : argv) argv_c.push_back(const_cast<char*>(a.c_str()));
  argv_c.push_back(nullptr);
  for (const auto& e : env_strings) env_c.push_back(const_cast<char*>(e.c_str()));
  env_c.push_back(nullptr);
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
    }
    // If the test binary dies (a crash, a timeout), its services die with it.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    // Children must not inherit a blocked signal mask from the test runner.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execve(argv_c[0], argv_c.data(), env_c.data());
    _exit(127);
  }
}

bool ChildProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    pid_ = -1;
    return false;
  }
  return r == 0;
}

void ChildProcess::Signal(int signal_number) {
  if (pid_ > 0) kill(pid_, signal_number);
}

int ChildProcess::Wait(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return 0;
  const auto give_up = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (std::chrono::steady_clock::now() > give_up) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void ChildProcess::Stop(std::chrono::milliseconds grace) {
  if (!running()) return;
  Signal(SIGTERM);
  if (Wait(grace) == -1) {
    Signal(SIGKILL);
    Wait(std::chrono::seconds(5));
  }
}

int RunCommand(const std::string& command, std::string* output) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return -1;
  std::string text;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) text.append(buffer, n);
  int status = pclose(pipe);
  if (output != nullptr) *output = text;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

BoundPorts WaitForBoundPorts(ChildProcess& child, const std::string& ports_file,
                             const std::string& log_path, std::chrono::milliseconds timeout) {
  const auto give_up = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    // The process renames a complete file into place: it is there whole or not at all.
    std::ifstream in(ports_file);
    if (in) {
      BoundPorts ports;
      std::string line;
      while (std::getline(in, line)) {
        const size_t equals = line.find('=');
        if (equals == std::string::npos) continue;
        const int value = std::atoi(line.c_str() + equals + 1);
        if (line.compare(0, equals, "grpc_port") == 0) ports.grpc = value;
        if (line.compare(0, equals, "metrics_port") == 0) ports.metrics = value;
      }
      return ports;
    }
    if (!child.running()) {
      throw std::runtime_error("the process exited before listening:\n" + ReadFile(log_path));
    }
    if (std::chrono::steady_clock::now() > give_up) {
      throw std::runtime_error("the process did not report its ports:\n" + ReadFile(log_path));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string MakeTempDir(const std::string& prefix) {
  const char* base = std::getenv("TMPDIR");
  std::string templ = std::string(base != nullptr ? base : "/tmp") + "/" + prefix + "-XXXXXX";
  std::vector<char> buffer(templ.begin(), templ.end());
  buffer.push_back('\0');
  if (mkdtemp(buffer.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return std::string(buffer.data());
}

void RemoveTree(const std::string& path) {
  if (path.size() > 5) RunCommand("rm -rf '" + path + "'");
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace crm::testing
