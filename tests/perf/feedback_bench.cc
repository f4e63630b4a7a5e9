// feedback_bench: the feedback service's figures, through the gateway.
//
//   feedback_bench --target=HOST:PORT --username=sales.head --mode=seed|measure
//                  [--seconds=10] [--threads=8] [--customer-id=N]
//
// The password comes from CRM_PASSWORD. --mode=seed creates one service
// request (its owner columns are what feedback_bench.sh copies into the
// bulk-loaded rows). --mode=measure, with the table loaded:
//   1. creates requests from --threads callers for --seconds (p50/p99);
//   2. lists the first page (50, newest first, with total_size) from
//      --threads callers for --seconds (p50/p99);
//   3. pages through ListAtRisk (500 a page) to the end, three times: the
//      time to find every request at risk, and how many there were.
// The last line: "RESULT create_per_s=… create_p50_ms=… create_p99_ms=…
// list_per_s=… list_p50_ms=… list_p99_ms=… at_risk=N at_risk_ms=… failed=N".
#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "common/base/config.h"
#include "crm/customer/v1/customer_service.grpc.pb.h"
#include "crm/feedback/v1/feedback_service.grpc.pb.h"
#include "tests/perf/perf_calls.h"
#include "tests/perf/perf_login.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace fb = crm::feedback::v1;

using crm::perf::Authorized;
using crm::perf::Latencies;

void Check(const grpc::Status& status, const std::string& what) {
  crm::perf::CheckOrExit(status, "feedback_bench", what);
}

fb::CreateServiceRequestRequest NewRequest(int64_t customer_id) {
  fb::CreateServiceRequestRequest create;
  create.mutable_service_request()->set_type(fb::REPAIR);
  create.mutable_service_request()->set_priority(fb::NORMAL);
  create.mutable_service_request()->set_customer_id(customer_id);
  create.mutable_service_request()->set_subject("设备无法开机");
  create.mutable_service_request()->set_description("客户来电：设备通电后无反应");
  return create;
}

// `call` from `threads` callers for `seconds`; returns calls per second.
template <typename Call>
double RunFor(int threads, int seconds, Latencies& latencies, Call call) {
  const auto started = Clock::now();
  const auto until = started + std::chrono::seconds(seconds);
  std::vector<std::thread> callers;
  for (int t = 0; t < threads; ++t) {
    callers.emplace_back([&] {
      while (Clock::now() < until) {
        const auto begin = Clock::now();
        if (!call()) ++latencies.failed;
        latencies.Add(std::chrono::duration<double, std::milli>(Clock::now() - begin).count());
      }
    });
  }
  for (auto& c : callers) c.join();
  return static_cast<double>(latencies.count()) /
         std::chrono::duration<double>(Clock::now() - started).count();
}

}  // namespace

int main(int argc, char** argv) {
  crm::Config config(argc, argv);
  const std::string target = config.GetString("target", "127.0.0.1:50051", "gateway address");
  const std::string username = config.GetString("username", "sales.head", "who works requests");
  const std::string password = config.GetString("password", "", "that user's password");
  const std::string mode = config.GetString("mode", "measure", "seed or measure");
  const int seconds = static_cast<int>(config.GetInt("seconds", 10, "seconds per timed part"));
  const int threads = static_cast<int>(config.GetInt("threads", 8, "callers at once"));
  int64_t customer_id = config.GetInt("customer-id", 0, "0: the first customer the user sees");
  if (absl::Status status = config.Finish(); !status.ok()) {
    std::cerr << status.message() << "\n" << config.Usage("feedback_bench");
    return 2;
  }
  if (config.help_requested()) {
    std::cout << config.Usage("feedback_bench");
    return 0;
  }
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  auto channel = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
  const std::string user = crm::perf::BearerOrExit(channel, "feedback_bench", username, password);
  auto stub = fb::FeedbackService::NewStub(channel);
  if (customer_id == 0) {
    auto customers = crm::customer::v1::CustomerService::NewStub(channel);
    crm::customer::v1::ListCustomersRequest list;
    list.set_page_size(1);
    crm::customer::v1::ListCustomersResponse listed;
    Check(customers->ListCustomers(Authorized(user).get(), list, &listed), "list customers");
    if (listed.customers().empty()) Check(grpc::Status(grpc::NOT_FOUND, "no customer"), "seed");
    customer_id = listed.customers(0).id();
  }

  if (mode == "seed") {
    fb::ServiceRequest created;
    Check(stub->CreateServiceRequest(Authorized(user).get(), NewRequest(customer_id), &created),
          "create");
    std::cout << "SEED id=" << created.id() << "\n";
    return 0;
  }

  Latencies creates;
  const double create_rate = RunFor(threads, seconds, creates, [&] {
    fb::ServiceRequest created;
    return stub->CreateServiceRequest(Authorized(user).get(), NewRequest(customer_id), &created)
        .ok();
  });
  Latencies lists;
  const double list_rate = RunFor(threads, seconds, lists, [&] {
    fb::ListServiceRequestsRequest list;
    list.set_page_size(50);
    fb::ListServiceRequestsResponse listed;
    return stub->ListServiceRequests(Authorized(user).get(), list, &listed).ok() &&
           listed.service_requests_size() == 50;
  });
  // Every request at risk, page by page; the median of three walks.
  std::vector<double> walks;
  int64_t at_risk = 0;
  for (int walk = 0; walk < 3; ++walk) {
    const auto begin = Clock::now();
    fb::ListSlaRequestsRequest request;
    request.set_page_size(500);
    at_risk = 0;
    for (;;) {
      fb::ListSlaRequestsResponse page;
      Check(stub->ListAtRisk(Authorized(user).get(), request, &page), "list at risk");
      at_risk += page.service_requests_size();
      if (page.next_page_token().empty()) break;
      request.set_page_token(page.next_page_token());
    }
    walks.push_back(std::chrono::duration<double, std::milli>(Clock::now() - begin).count());
  }
  std::sort(walks.begin(), walks.end());
  std::cout << absl::StrFormat(
      "RESULT create_per_s=%.1f create_p50_ms=%.2f create_p99_ms=%.2f list_per_s=%.1f "
      "list_p50_ms=%.2f list_p99_ms=%.2f at_risk=%d at_risk_ms=%.1f failed=%d\n",
      create_rate, creates.Percentile(0.5), creates.Percentile(0.99), list_rate,
      lists.Percentile(0.5), lists.Percentile(0.99), at_risk, walks[1],
      creates.failed.load() + lists.failed.load());
  return 0;
}
