// rate_bench: calls through the gateway that tests/perf/run.sh puts beside
// MariaDB's own rates (customer_create_bench.sh, announcement_pull_bench.sh).
//
//   rate_bench --mode=create-customers --target=HOST:PORT --username=U
//              [--seconds=10] [--threads=8]
//       CreateCustomer from --threads callers for --seconds, every call a new
//       customer (its own name and request id); "RESULT create_per_s=…
//       p50_ms=… p99_ms=… failed=N".
//   rate_bench --mode=pull-announcements --target=HOST:PORT --username=U
//              [--reps=5] [--page-size=1000]
//       ListAnnouncementChanges from cursor 0 to the end, as the OA system
//       pulls, --reps times; "RESULT changes=… median_s=… changes_per_s=…".
//
// The password comes from CRM_PASSWORD (or --password).
#include <grpcpp/channel.h>
#include <grpcpp/create_channel.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/base/config.h"
#include "crm/customer/v1/customer_service.grpc.pb.h"
#include "crm/org/v1/org_service.grpc.pb.h"
#include "tests/perf/perf_calls.h"
#include "tests/perf/perf_login.h"

namespace {

using Clock = std::chrono::steady_clock;

int CreateCustomers(const std::shared_ptr<grpc::Channel>& channel, const std::string& bearer,
                    int threads, int seconds) {
  auto stub = crm::customer::v1::CustomerService::NewStub(channel);
  // Names unique across runs on the same database: the duplicate check
  // refuses a second customer of the same name in a city.
  const std::string run = absl::StrCat(absl::ToUnixMicros(absl::Now()));
  std::atomic<int64_t> next{0};
  crm::perf::Latencies latencies;
  const auto stop_at = Clock::now() + std::chrono::seconds(seconds);
  const double took = crm::perf::RunCallers(
      threads, latencies,
      [&]() -> std::optional<bool> {
        const int64_t n = next.fetch_add(1);
        crm::customer::v1::CreateCustomerRequest request;
        request.set_request_id(absl::StrCat("rate-", run, "-", n));
        request.mutable_customer()->set_name(absl::StrCat("速率客户", run, "号", n));
        request.mutable_customer()->set_region_code("east");
        request.mutable_customer()->set_city("上海");
        request.mutable_customer()->set_phone(absl::StrFormat("021%08d", n % 100000000));
        crm::customer::v1::Customer created;
        const grpc::Status status =
            stub->CreateCustomer(crm::perf::Authorized(bearer).get(), request, &created);
        if (!status.ok() && latencies.failed == 0) {
          std::cerr << "rate_bench: CreateCustomer: " << status.error_message() << "\n";
        }
        return status.ok();
      },
      [&] { return Clock::now() < stop_at; });
  const int64_t failed = latencies.failed;
  std::cout << absl::StrFormat("RESULT create_per_s=%.0f p50_ms=%.2f p99_ms=%.2f failed=%d\n",
                               static_cast<double>(latencies.count() - failed) / took,
                               latencies.Percentile(0.5), latencies.Percentile(0.99), failed);
  return failed == 0 ? 0 : 1;
}

int PullAnnouncements(const std::shared_ptr<grpc::Channel>& channel, const std::string& bearer,
                      int reps, int page_size) {
  auto stub = crm::org::v1::OrgService::NewStub(channel);
  std::vector<double> seconds;
  int64_t changes = 0;
  for (int rep = 0; rep < reps; ++rep) {
    const auto started = Clock::now();
    crm::org::v1::ListAnnouncementChangesRequest request;
    request.set_page_size(page_size);
    int64_t pulled = 0;
    for (bool more = true; more;) {
      crm::org::v1::ListAnnouncementChangesResponse page;
      crm::perf::CheckOrExit(
          stub->ListAnnouncementChanges(crm::perf::Authorized(bearer).get(), request, &page),
          "rate_bench", "ListAnnouncementChanges");
      pulled += page.changes_size();
      request.set_after_cursor(page.last_cursor());
      more = page.has_more();
    }
    seconds.push_back(std::chrono::duration<double>(Clock::now() - started).count());
    changes = pulled;
  }
  std::sort(seconds.begin(), seconds.end());
  const double median = seconds[seconds.size() / 2];
  std::cout << absl::StrFormat("RESULT changes=%d median_s=%.3f changes_per_s=%.0f\n", changes,
                               median, static_cast<double>(changes) / median);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  crm::Config config(argc, argv);
  const std::string mode = config.GetString("mode", "", "create-customers or pull-announcements");
  const std::string target = config.GetString("target", "127.0.0.1:50051", "gateway address");
  const std::string username = config.GetString("username", "sales.east", "who calls");
  const std::string password =
      config.GetString("password", "", "that user's password (env CRM_PASSWORD)");
  const int seconds = static_cast<int>(config.GetInt("seconds", 10, "how long to create"));
  const int threads = static_cast<int>(config.GetInt("threads", 8, "callers creating"));
  const int reps = static_cast<int>(config.GetInt("reps", 5, "pulls from the start"));
  const int page_size = static_cast<int>(config.GetInt("page-size", 1000, "changes a page"));
  if (absl::Status status = config.Finish();
      !status.ok() || reps < 1 || (mode != "create-customers" && mode != "pull-announcements")) {
    std::cerr << "rate_bench: " << (status.ok() ? "--mode and --reps" : status.message()) << "\n"
              << config.Usage("rate_bench");
    return 2;
  }
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  auto channel = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
  const std::string bearer = crm::perf::BearerOrExit(channel, "rate_bench", username, password);
  if (mode == "create-customers") return CreateCustomers(channel, bearer, threads, seconds);
  return PullAnnouncements(channel, bearer, reps, page_size);
}
