// MetricsServer on cpp-httplib; process figures from /proc.
#include "common/base/metrics_server.h"

#include <dirent.h>
#include <httplib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/base/metrics.h"

namespace crm::metrics {

MetricsServer::MetricsServer() : server_(std::make_unique<httplib::Server>()) {}

MetricsServer::~MetricsServer() {
  if (thread_.joinable()) {
    server_->stop();
    thread_.join();
  }
}

void MetricsServer::AddPage(const std::string& path,
                            std::function<std::pair<int, std::string>()> page) {
  server_->Get(path,
               [page = std::move(page)](const httplib::Request&, httplib::Response& response) {
                 auto [status, text] = page();
                 response.status = status;
                 response.set_content(text, "text/plain; charset=utf-8");
               });
}

absl::Status MetricsServer::Start(const std::string& host, int port, bool reuse_port) {
  // Scrapes are rare: one worker thread, not the library's default pool.
  server_->new_task_queue = [] { return new httplib::ThreadPool(1); };
  server_->set_socket_options([reuse_port](socket_t sock) {
    int on = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    if (reuse_port) setsockopt(sock, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on));
  });
  server_->Get("/metrics", [](const httplib::Request&, httplib::Response& response) {
    response.set_content(Registry::Global().Render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  if (port == 0) {
    port_ = server_->bind_to_any_port(host);
  } else if (server_->bind_to_port(host, port)) {
    port_ = port;
  }
  if (port_ <= 0) {
    return absl::UnavailableError(absl::StrCat("cannot serve metrics on ", host, ":", port));
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return absl::OkStatus();
}

namespace {

struct ProcessFigures {
  double cpu_seconds = 0;
  double resident_bytes = 0;
  double virtual_bytes = 0;
  double start_time_seconds = 0;
  double threads = 0;
  double open_fds = 0;
};

double BootTimeSeconds() {
  std::ifstream stat("/proc/stat");
  std::string key;
  double value = 0;
  while (stat >> key) {
    if (key == "btime") {
      stat >> value;
      return value;
    }
    stat.ignore(1 << 16, '\n');
  }
  return 0;
}

ProcessFigures ReadProcessFigures() {
  ProcessFigures figures;
  std::ifstream file("/proc/self/stat");
  std::string line;
  std::getline(file, line);
  // The command name (field 2) may hold spaces: fields are counted after its ')'.
  const size_t close = line.rfind(')');
  if (close == std::string::npos) return figures;
  std::istringstream rest(line.substr(close + 2));
  std::vector<std::string> fields;  // fields[0] is field 3 (state)
  for (std::string field; rest >> field;) fields.push_back(field);
  if (fields.size() < 22) return figures;
  static const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  static const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  static const double boot = BootTimeSeconds();
  figures.cpu_seconds = (std::stod(fields[11]) + std::stod(fields[12])) / ticks;  // utime, stime
  figures.threads = std::stod(fields[17]);
  figures.start_time_seconds = boot + std::stod(fields[19]) / ticks;
  figures.virtual_bytes = std::stod(fields[20]);
  figures.resident_bytes = std::stod(fields[21]) * page;
  if (DIR* dir = opendir("/proc/self/fd")) {
    while (readdir(dir) != nullptr) ++figures.open_fds;
    closedir(dir);
    figures.open_fds -= 3;  // ".", ".." and the directory's own descriptor
  }
  return figures;
}

}  // namespace

void RegisterProcessMetrics() {
  static std::shared_ptr<void> collector = Registry::Global().AddCollector([](Exposition& out) {
    const ProcessFigures f = ReadProcessFigures();
    out.Counter("process_cpu_seconds_total", "User and system CPU time spent, in seconds.",
                f.cpu_seconds);
    out.Gauge("process_resident_memory_bytes", "Resident memory size in bytes.", f.resident_bytes);
    out.Gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", f.virtual_bytes);
    out.Gauge("process_open_fds", "Open file descriptors.", f.open_fds);
    out.Gauge("process_threads", "Threads of the process.", f.threads);
    out.Gauge("process_start_time_seconds",
              "Start time of the process since the Unix epoch, in seconds.", f.start_time_seconds);
  });
}

}  // namespace crm::metrics
