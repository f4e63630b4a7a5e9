// The pool's daily recycle at scale (pool_recycle_bench.sh loads the
// customers and drives it). Measures, through the gateway:
//   - the dry run: who would go back tomorrow (time, how many);
//   - the run on demand (started by the call, going on in the background):
//     time until GetPoolRecycleRun says it finished, how many went back;
//   - claims of pool customers by a sales person (claim then release, one
//     caller) for `seconds` before the run and during it: p50, p99, max, so
//     whether the run's locks hold claims up shows as their difference.
// The level's rule (30 days without a follow-up, no holding limit, no
// cooldown) is set by the tool as the administrator.
#include <grpcpp/create_channel.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "common/base/config.h"
#include "crm/customer/v1/customer_service.grpc.pb.h"
#include "tests/perf/perf_calls.h"
#include "tests/perf/perf_login.h"

namespace customer = crm::customer::v1;
using crm::perf::Authorized;
using crm::perf::CheckOrExit;
using crm::perf::Latencies;
using Clock = std::chrono::steady_clock;

namespace {

double MsSince(Clock::time_point begin) {
  return std::chrono::duration<double, std::milli>(Clock::now() - begin).count();
}

// Claims and releases the pool customers `ids` in turn until `stop`.
void ClaimLoop(customer::CustomerService::Stub& stub, const std::string& bearer,
               const std::vector<int64_t>& ids, const std::atomic<bool>& stop, Latencies& claims) {
  for (size_t i = 0; !stop.load(); ++i) {
    const int64_t id = ids[i % ids.size()];
    customer::ClaimCustomerRequest claim;
    claim.set_id(id);
    customer::Customer claimed;
    const auto begin = Clock::now();
    const grpc::Status status = stub.ClaimCustomer(Authorized(bearer).get(), claim, &claimed);
    claims.Add(MsSince(begin));
    if (!status.ok()) {
      ++claims.failed;
      continue;
    }
    customer::ReleaseCustomerRequest release;
    release.set_id(id);
    customer::Customer released;
    if (!stub.ReleaseCustomer(Authorized(bearer).get(), release, &released).ok()) ++claims.failed;
  }
}

}  // namespace

int main(int argc, char** argv) {
  crm::Config config(argc, argv);
  const std::string target = config.GetString("target", "127.0.0.1:50051", "gateway address");
  const std::string admin_password =
      config.GetString("admin-password", "", "the administrator's password");
  const std::string claimer = config.GetString("claimer", "sales.east", "who claims");
  const std::string claimer_password =
      config.GetString("claimer-password", "Demo-passw0rd", "their password");
  const std::string level = config.GetString("level", "normal", "the level of the loaded rows");
  const std::string pool_ids = config.GetString("pool-ids", "", "first:last pool customer ids");
  const int seconds = static_cast<int>(config.GetInt("seconds", 5, "seconds of claims before"));
  if (absl::Status status = config.Finish(); !status.ok()) {
    std::cerr << status.message() << "\n" << config.Usage("pool_recycle_bench");
    return 2;
  }
  if (config.help_requested()) {
    std::cout << config.Usage("pool_recycle_bench");
    return 0;
  }
  int64_t first = 0, last = 0;
  if (std::sscanf(pool_ids.c_str(), "%ld:%ld", &first, &last) != 2 || first <= 0 || last < first) {
    std::cerr << "pool_recycle_bench: --pool-ids=first:last is required\n";
    return 2;
  }
  std::vector<int64_t> ids;
  for (int64_t id = first; id <= last; ++id) ids.push_back(id);

  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  auto channel = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
  const std::string admin =
      crm::perf::BearerOrExit(channel, "pool_recycle_bench", "admin", admin_password);
  const std::string sales =
      crm::perf::BearerOrExit(channel, "pool_recycle_bench", claimer, claimer_password);
  auto stub = customer::CustomerService::NewStub(channel);

  customer::SetPoolRuleRequest rule;
  rule.mutable_rule()->set_level_code(level);
  rule.mutable_rule()->set_recycle_no_follow_up_days(30);
  customer::PoolRule set;
  CheckOrExit(stub->SetPoolRule(Authorized(admin).get(), rule, &set), "pool_recycle_bench",
              "set the pool rule");

  customer::RunPoolRecycleRequest dry;
  dry.set_dry_run(true);
  customer::RunPoolRecycleResponse dry_result;
  auto begin = Clock::now();
  auto context = Authorized(admin);
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(10));
  CheckOrExit(stub->RunPoolRecycle(context.get(), dry, &dry_result), "pool_recycle_bench",
              "dry run");
  const double dry_ms = MsSince(begin);

  // Claims alone, then claims during the run.
  Latencies before, during;
  std::atomic<bool> stop{false};
  std::thread baseline([&] { ClaimLoop(*stub, sales, ids, stop, before); });
  std::this_thread::sleep_for(std::chrono::seconds(seconds));  // a measuring window, not a wait
  stop = true;
  baseline.join();
  stop = false;
  std::thread racing([&] { ClaimLoop(*stub, sales, ids, stop, during); });
  customer::RunPoolRecycleRequest run;
  customer::RunPoolRecycleResponse run_result;
  begin = Clock::now();
  context = Authorized(admin);
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(30));
  CheckOrExit(stub->RunPoolRecycle(context.get(), run, &run_result), "pool_recycle_bench", "run");
  customer::GetPoolRecycleRunRequest get;
  get.set_id(run_result.run_id());
  customer::PoolRecycleRun progress;
  do {  // polled every 100 ms: the run's end is known to within that
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CheckOrExit(stub->GetPoolRecycleRun(Authorized(admin).get(), get, &progress),
                "pool_recycle_bench", "read the run");
  } while (!progress.has_finish_time());
  const double run_ms = MsSince(begin);
  stop = true;
  racing.join();
  std::cout << absl::StrFormat(
      "RESULT dry_ms=%.0f dry_total=%d run_ms=%.0f recycled=%d claims_before=%d "
      "claim_before_p50_ms=%.2f claim_before_p99_ms=%.2f claim_before_max_ms=%.2f "
      "claims_during=%d claim_during_p50_ms=%.2f claim_during_p99_ms=%.2f "
      "claim_during_max_ms=%.2f failed=%d\n",
      dry_ms, dry_result.total(), run_ms, progress.recycled(), before.count(),
      before.Percentile(0.5), before.Percentile(0.99), before.Percentile(1.0), during.count(),
      during.Percentile(0.5), during.Percentile(0.99), during.Percentile(1.0),
      before.failed.load() + during.failed.load());
  return 0;
}
