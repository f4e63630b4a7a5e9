// The gRPC server series every process exports, per method (the names the
// go-grpc-prometheus convention uses, so existing dashboards fit):
//   grpc_server_started_total{grpc_service,grpc_method}
//   grpc_server_handled_total{grpc_service,grpc_method,grpc_code}
//   grpc_server_handling_seconds{grpc_service,grpc_method}   (histogram)
//   grpc_server_calls_in_flight{grpc_service,grpc_method}
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/base/metrics.h"

namespace crm {

class MethodMetrics {
 public:
  // The series of "/package.Service/Method", created once and kept for the
  // process's life. A path whose method no linked proto declares is counted as
  // service and method "unknown", so a client cannot grow the label set.
  static MethodMetrics& ForPath(absl::string_view path);
  static MethodMetrics& For(absl::string_view service, absl::string_view method);

  void Started();
  void Handled(absl::StatusCode code, std::chrono::steady_clock::duration elapsed);

 private:
  MethodMetrics(std::string service, std::string method);

  const metrics::Labels labels_;
  metrics::Counter& started_;
  metrics::Gauge& in_flight_;
  metrics::Histogram& latency_;
  // One counter per status code, created when the code first occurs.
  std::array<std::atomic<metrics::Counter*>, 17> handled_{};
};

}  // namespace crm
