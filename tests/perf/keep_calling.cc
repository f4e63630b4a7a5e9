// keep_calling: a client that keeps calling every service through the gateway
// until told to stop, then says how many calls failed and whether every write
// it was told succeeded is really there. tests/perf/rolling_restart.sh runs it
// while deploy/local/restart.sh replaces each process in turn.
//
//   keep_calling --target=HOST:PORT [--username=admin] [--threads=4] [--stop-file=F]
//   [--careful=false]
//                [--seconds=N]
//
// Each thread loops over: CreateCustomer (with a request id), GetCustomer of
// what it created, ListChanges of sales, feedback, reporting and org. It stops
// when the stop file appears (or after --seconds), then reads back every
// acknowledged customer. The password comes from CRM_PASSWORD. The last line
// is "RESULT calls=N failed=N lost_writes=N p50_ms=… p99_ms=… max_ms=…" and the
// exit code is 0 only if nothing failed and nothing was lost.
#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/base/config.h"
#include "crm/customer/v1/customer_service.grpc.pb.h"
#include "crm/feedback/v1/feedback_service.grpc.pb.h"
#include "crm/org/v1/org_service.grpc.pb.h"
#include "crm/reporting/v1/reporting_service.grpc.pb.h"
#include "crm/sales/v1/sales_service.grpc.pb.h"
#include "tests/perf/perf_login.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace customer = crm::customer::v1;
using crm::common::v1::ListChangesRequest;
using crm::common::v1::ListChangesResponse;

struct Tally {
  std::mutex mu;
  int64_t calls = 0;
  std::map<std::string, int64_t> failures;  // "method: CODE message" -> count
  std::vector<double> latency_ms;
  std::vector<int64_t> acknowledged_ids;

  void Record(const std::string& method, const grpc::Status& status, double ms) {
    std::lock_guard<std::mutex> lock(mu);
    ++calls;
    latency_ms.push_back(ms);
    if (!status.ok()) {
      ++failures[absl::StrCat(method, ": ", status.error_code(), " ", status.error_message())];
    }
  }
};

class Caller {
 public:
  Caller(std::shared_ptr<grpc::Channel> channel, std::string bearer, Tally& tally, bool careful)
      : careful_(careful),
        customers_(customer::CustomerService::NewStub(channel)),
        org_(crm::org::v1::OrgService::NewStub(channel)),
        sales_(crm::sales::v1::SalesService::NewStub(channel)),
        feedback_(crm::feedback::v1::FeedbackService::NewStub(channel)),
        reporting_(crm::reporting::v1::ReportingService::NewStub(channel)),
        bearer_(std::move(bearer)),
        tally_(tally) {}

  void OneRound(const std::string& request_id) {
    customer::CreateCustomerRequest create;
    create.set_request_id(request_id);
    create.mutable_customer()->set_name("滚动重启客户-" + request_id);
    create.mutable_customer()->set_city("上海");
    create.mutable_customer()->set_region_code("east");
    customer::Customer created;
    grpc::Status status = Timed("CreateCustomer", [&](grpc::ClientContext* c) {
      return customers_->CreateCustomer(c, create, &created);
    });
    if (status.ok()) {
      {
        std::lock_guard<std::mutex> lock(tally_.mu);
        tally_.acknowledged_ids.push_back(created.id());
      }
      customer::GetCustomerRequest get;
      get.set_id(created.id());
      customer::Customer read;
      Timed("GetCustomer",
            [&](grpc::ClientContext* c) { return customers_->GetCustomer(c, get, &read); });
    }
    ListChangesRequest changes;
    changes.set_page_size(1);
    ListChangesResponse out;
    Timed("sales.ListChanges",
          [&](grpc::ClientContext* c) { return sales_->ListChanges(c, changes, &out); });
    Timed("feedback.ListChanges",
          [&](grpc::ClientContext* c) { return feedback_->ListChanges(c, changes, &out); });
    Timed("reporting.ListChanges",
          [&](grpc::ClientContext* c) { return reporting_->ListChanges(c, changes, &out); });
    Timed("org.ListChanges",
          [&](grpc::ClientContext* c) { return org_->ListChanges(c, changes, &out); });
  }

  bool Exists(int64_t id) {
    customer::GetCustomerRequest get;
    get.set_id(id);
    customer::Customer read;
    grpc::ClientContext context;
    Prepare(&context);
    return customers_->GetCustomer(&context, get, &read).ok() && read.id() == id;
  }

 private:
  void Prepare(grpc::ClientContext* context) {
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    context->set_wait_for_ready(careful_);
    context->AddMetadata("authorization", bearer_);
  }

  template <typename Call>
  grpc::Status Timed(const std::string& method, Call call) {
    grpc::ClientContext context;
    Prepare(&context);
    const auto started = Clock::now();
    grpc::Status status = call(&context);
    tally_.Record(method, status,
                  std::chrono::duration<double, std::milli>(Clock::now() - started).count());
    return status;
  }

  const bool careful_;
  std::unique_ptr<customer::CustomerService::Stub> customers_;
  std::unique_ptr<crm::org::v1::OrgService::Stub> org_;
  std::unique_ptr<crm::sales::v1::SalesService::Stub> sales_;
  std::unique_ptr<crm::feedback::v1::FeedbackService::Stub> feedback_;
  std::unique_ptr<crm::reporting::v1::ReportingService::Stub> reporting_;
  std::string bearer_;
  Tally& tally_;
};

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<size_t>(p * values.size()))];
}

bool FileExists(const std::string& path) {
  struct stat st;
  return !path.empty() && stat(path.c_str(), &st) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  crm::Config config(argc, argv);
  const std::string target = config.GetString("target", "127.0.0.1:50051", "gateway address");
  const std::string username = config.GetString("username", "admin", "user to act as");
  const std::string password = config.GetString("password", "", "that user's password");
  const int threads = static_cast<int>(config.GetInt("threads", 4, "concurrent callers"));
  const std::string stop_file = config.GetString("stop-file", "", "stop once this file exists");
  const int seconds =
      static_cast<int>(config.GetInt("seconds", 0, "stop after this long (0: no limit)"));
  const bool careful = config.GetBool("careful", true,
                                      "health-check each address and wait for a ready one (false: "
                                      "a plain channel, for comparison)");
  if (absl::Status status = config.Finish(); !status.ok()) {
    std::cerr << "keep_calling: " << status.message() << "\n" << config.Usage("keep_calling");
    return 2;
  }
  // A client as an internal system should configure it: round_robin over
  // whatever the name resolves to, each address health-checked (a draining
  // gateway says NOT_SERVING and gets no new calls), calls that wait for a
  // ready address within their deadline, and no retry policy.
  grpc::ChannelArguments args;
  args.SetServiceConfigJSON(
      careful
          ? R"({"loadBalancingConfig":[{"round_robin":{}}],"healthCheckConfig":{"serviceName":""}})"
          : R"({"loadBalancingConfig":[{"round_robin":{}}]})");
  auto channel = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
  const std::string bearer = crm::perf::BearerOrExit(channel, "keep_calling", username, password);

  Tally tally;
  std::atomic<bool> stop{false};
  const auto started = Clock::now();
  std::vector<std::thread> workers;
  const std::string run_id =
      std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      Caller caller(channel, bearer, tally, careful);
      for (int i = 0; !stop.load(); ++i) caller.OneRound(absl::StrCat(run_id, "-", t, "-", i));
    });
  }
  while (!stop.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const bool timed_out = seconds > 0 && Clock::now() - started > std::chrono::seconds(seconds);
    if (timed_out || FileExists(stop_file)) stop = true;
  }
  for (auto& worker : workers) worker.join();

  // Nothing acknowledged may be missing afterwards.
  Caller checker(channel, bearer, tally, /*careful=*/true);
  int64_t lost = 0;
  for (int64_t id : tally.acknowledged_ids) {
    if (!checker.Exists(id)) ++lost;
  }
  int64_t failed = 0;
  for (const auto& [what, count] : tally.failures) {
    std::cout << "failed " << count << "x " << what << "\n";
    failed += count;
  }
  std::cout << absl::StrFormat(
      "RESULT calls=%d failed=%d acknowledged_writes=%d lost_writes=%d p50_ms=%.1f p99_ms=%.1f "
      "max_ms=%.1f\n",
      tally.calls, failed, tally.acknowledged_ids.size(), lost, Percentile(tally.latency_ms, 0.5),
      Percentile(tally.latency_ms, 0.99), Percentile(tally.latency_ms, 1.0));
  return failed == 0 && lost == 0 ? 0 : 1;
}
