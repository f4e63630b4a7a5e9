// What the service benchmarks share: per-call latencies and their
// percentiles, an authorised call context, and stopping on a failed set-up
// call.
#pragma once

#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace crm::perf {

// Milliseconds per call, from many threads.
struct Latencies {
  std::mutex mu;
  std::vector<double> ms;
  std::atomic<int64_t> failed{0};

  void Add(double value) {
    std::lock_guard<std::mutex> lock(mu);
    ms.push_back(value);
  }
  double Percentile(double p) {
    std::lock_guard<std::mutex> lock(mu);
    if (ms.empty()) return 0;
    std::sort(ms.begin(), ms.end());
    return ms[std::min(ms.size() - 1, static_cast<size_t>(p * static_cast<double>(ms.size())))];
  }
  size_t count() {
    std::lock_guard<std::mutex> lock(mu);
    return ms.size();
  }
};

// A context with 30 s to run and `bearer` ("Bearer …") as its credential.
inline std::unique_ptr<grpc::ClientContext> Authorized(const std::string& bearer) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  context->AddMetadata("authorization", bearer);
  return context;
}

// Runs `call` from `threads` callers until `more()` says stop; each call's
// latency goes to `latencies` (a call returning nullopt made none, and ends
// its caller). Returns the seconds it took.
template <typename Call, typename More>
double RunCallers(int threads, Latencies& latencies, Call call, More more) {
  using Clock = std::chrono::steady_clock;
  const auto started = Clock::now();
  std::vector<std::thread> callers;
  for (int t = 0; t < threads; ++t) {
    callers.emplace_back([&] {
      while (more()) {
        const auto begin = Clock::now();
        const std::optional<bool> ok = call();
        if (!ok) return;
        if (!*ok) ++latencies.failed;
        latencies.Add(std::chrono::duration<double, std::milli>(Clock::now() - begin).count());
      }
    });
  }
  for (auto& c : callers) c.join();
  return std::chrono::duration<double>(Clock::now() - started).count();
}

// Exits with 2, saying which benchmark and what failed, unless `status` is OK.
inline void CheckOrExit(const grpc::Status& status, const char* program, const std::string& what) {
  if (status.ok()) return;
  std::cerr << program << ": " << what << ": " << status.error_message() << "\n";
  std::exit(2);
}

}  // namespace crm::perf
