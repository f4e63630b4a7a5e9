// MethodMetrics: one set of series per method, found by path once per call.
#include "common/rpc/call_metrics.h"

#include <map>
#include <memory>
#include <mutex>

#include "common/auth/permissions.h"

namespace crm {
namespace {

std::mutex& TableMutex() {
  static std::mutex mu;
  return mu;
}

std::map<std::string, std::unique_ptr<MethodMetrics>, std::less<>>& Table() {
  static auto* table = new std::map<std::string, std::unique_ptr<MethodMetrics>, std::less<>>();
  return *table;
}

}  // namespace

MethodMetrics::MethodMetrics(std::string service, std::string method)
    : labels_{{"grpc_service", std::move(service)}, {"grpc_method", std::move(method)}},
      started_(metrics::Registry::Global().GetCounter("grpc_server_started_total",
                                                      "RPCs started on the server.", labels_)),
      in_flight_(metrics::Registry::Global().GetGauge(
          "grpc_server_calls_in_flight", "RPCs started and not yet finished.", labels_)),
      latency_(metrics::Registry::Global().GetHistogram(
          "grpc_server_handling_seconds", "Time from accepting an RPC to its status, in seconds.",
          metrics::LatencyBuckets(), labels_)) {}

MethodMetrics& MethodMetrics::For(absl::string_view service, absl::string_view method) {
  const std::string key = std::string(service) + "/" + std::string(method);
  std::lock_guard<std::mutex> lock(TableMutex());
  auto& table = Table();
  auto it = table.find(key);
  if (it == table.end()) {
    it = table
             .emplace(key, std::unique_ptr<MethodMetrics>(
                               new MethodMetrics(std::string(service), std::string(method))))
             .first;
  }
  return *it->second;
}

MethodMetrics& MethodMetrics::ForPath(absl::string_view path) {
  // The gateway asks on every call: a method seen before is found by its path
  // (the table's key without the leading '/'), without building a key or
  // asking the descriptor pool. Only declared methods enter the table.
  if (!path.empty() && path[0] == '/') {
    std::lock_guard<std::mutex> lock(TableMutex());
    auto it = Table().find(path.substr(1));
    if (it != Table().end()) return *it->second;
  }
  const size_t slash = path.rfind('/');
  if (path.size() < 4 || path[0] != '/' || slash == 0 || slash == absl::string_view::npos ||
      !PolicyForPath(std::string(path)).declared) {
    return For("unknown", "unknown");
  }
  return For(path.substr(1, slash - 1), path.substr(slash + 1));
}

void MethodMetrics::Started() {
  started_.Increment();
  in_flight_.Add(1);
}

void MethodMetrics::Handled(absl::StatusCode code, std::chrono::steady_clock::duration elapsed) {
  in_flight_.Add(-1);
  latency_.Observe(std::chrono::duration<double>(elapsed).count());
  const size_t index = static_cast<size_t>(code) < handled_.size() ? static_cast<size_t>(code)
                                                                   : static_cast<size_t>(2);
  metrics::Counter* counter = handled_[index].load(std::memory_order_acquire);
  if (counter == nullptr) {
    metrics::Labels labels = labels_;
    labels.emplace_back("grpc_code",
                        absl::StatusCodeToString(static_cast<absl::StatusCode>(index)));
    counter = &metrics::Registry::Global().GetCounter(
        "grpc_server_handled_total", "RPCs finished on the server, by status code.", labels);
    handled_[index].store(counter, std::memory_order_release);
  }
  counter->Increment();
}

}  // namespace crm
