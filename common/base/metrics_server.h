// The metrics endpoint: GET /metrics answers the registry's page (Prometheus
// text format) on its own HTTP port, served by cpp-httplib on one thread of
// its own, apart from the gRPC threads. The same port can answer plain HTTP
// health pages, for probes that cannot speak gRPC over TLS.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include "absl/status/status.h"

namespace httplib {
class Server;
}

namespace crm::metrics {

class MetricsServer {
 public:
  MetricsServer();
  ~MetricsServer();  // stops serving

  // GET `path` answers the status code and text `page` returns. Before Start().
  void AddPage(const std::string& path, std::function<std::pair<int, std::string>()> page);

  // Binds host:port (port 0 picks a free one) and serves in the background.
  // `reuse_port` lets a replacement process share the port (local restarts).
  absl::Status Start(const std::string& host, int port, bool reuse_port);
  int port() const { return port_; }

 private:
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

// Adds process_cpu_seconds_total, process_resident_memory_bytes,
// process_virtual_memory_bytes, process_open_fds, process_threads and
// process_start_time_seconds to every scrape (read from /proc/self).
void RegisterProcessMetrics();

}  // namespace crm::metrics
