// receivables_bench: the receivable lists' figures, through the gateway.
//
//   receivables_bench --target=HOST:PORT --username=sales.head --mode=seed|measure
//                     [--walks=5] [--seconds=10] [--threads=4]
//
// The password comes from CRM_PASSWORD. --mode=seed creates one signed
// contract with a three-instalment plan (its owner columns are what
// receivables_bench.sh copies into the bulk-loaded rows). --mode=measure,
// with the tables loaded:
//   1. pages through ListReceivables (500 rows a page) to the end, by
//      customer, by owner and by department, --walks times each: the median
//      time of a whole walk and how many rows it had;
//   2. lists the first page of ListOverdueInstalments (50) from --threads
//      callers for --seconds (p50/p99).
// The last line: "RESULT customer_rows=N customer_ms=… owner_ms=…
// department_ms=… overdue_p50_ms=… overdue_p99_ms=… failed=N".
#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "common/base/config.h"
#include "crm/customer/v1/customer_service.grpc.pb.h"
#include "crm/sales/v1/sales_service.grpc.pb.h"
#include "tests/perf/perf_calls.h"
#include "tests/perf/perf_login.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace sales = crm::sales::v1;

using crm::perf::Authorized;
using crm::perf::Latencies;

void Check(const grpc::Status& status, const std::string& what) {
  crm::perf::CheckOrExit(status, "receivables_bench", what);
}

double MsSince(Clock::time_point begin) {
  return std::chrono::duration<double, std::milli>(Clock::now() - begin).count();
}

// A signed contract of 3,000.00 元 for the user's first customer, paid in
// three instalments.
int64_t Seed(sales::SalesService::Stub& stub, const std::shared_ptr<grpc::Channel>& channel,
             const std::string& user) {
  auto customers = crm::customer::v1::CustomerService::NewStub(channel);
  crm::customer::v1::ListCustomersRequest list;
  list.set_page_size(1);
  crm::customer::v1::ListCustomersResponse listed;
  Check(customers->ListCustomers(Authorized(user).get(), list, &listed), "list customers");
  if (listed.customers().empty()) Check(grpc::Status(grpc::NOT_FOUND, "no customer"), "seed");
  sales::CreateContractRequest create;
  create.mutable_contract()->set_customer_id(listed.customers(0).id());
  create.mutable_contract()->set_title("年度维保合同");
  create.mutable_contract()->mutable_amount()->set_minor_units(300000);
  create.mutable_contract()->set_start_date("2026-01-01");
  create.mutable_contract()->set_end_date("2026-12-31");
  sales::Contract contract;
  Check(stub.CreateContract(Authorized(user).get(), create, &contract), "create contract");
  sales::SignContractRequest sign;
  sign.set_id(contract.id());
  Check(stub.SignContract(Authorized(user).get(), sign, &contract), "sign contract");
  sales::SetPaymentPlanRequest plan;
  plan.set_contract_id(contract.id());
  for (const char* due : {"2026-03-31", "2026-06-30", "2026-09-30"}) {
    sales::Instalment& i = *plan.add_instalments();
    i.set_due_date(due);
    i.mutable_amount()->set_minor_units(100000);
  }
  sales::PaymentPlan set;
  Check(stub.SetPaymentPlan(Authorized(user).get(), plan, &set), "set plan");
  return contract.id();
}

// Median milliseconds of `walks` walks through every page; `rows` gets the
// row count of one.
double WalkReceivables(sales::SalesService::Stub& stub, const std::string& user,
                       sales::ReceivablesGrouping grouping, int walks, int64_t& rows) {
  std::vector<double> times;
  for (int walk = 0; walk < walks; ++walk) {
    const auto begin = Clock::now();
    sales::ListReceivablesRequest request;
    request.set_grouping(grouping);
    request.set_page_size(500);
    rows = 0;
    for (;;) {
      sales::ListReceivablesResponse page;
      Check(stub.ListReceivables(Authorized(user).get(), request, &page), "list receivables");
      rows += page.rows_size();
      if (page.next_page_token().empty()) break;
      request.set_page_token(page.next_page_token());
    }
    times.push_back(MsSince(begin));
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  crm::Config config(argc, argv);
  const std::string target = config.GetString("target", "127.0.0.1:50051", "gateway address");
  const std::string username = config.GetString("username", "sales.head", "whose receivables");
  const std::string password = config.GetString("password", "", "that user's password");
  const std::string mode = config.GetString("mode", "measure", "seed or measure");
  const int walks = static_cast<int>(config.GetInt("walks", 5, "walks of each grouping"));
  const int seconds = static_cast<int>(config.GetInt("seconds", 10, "seconds of overdue lists"));
  const int threads = static_cast<int>(config.GetInt("threads", 4, "callers at once"));
  if (absl::Status status = config.Finish(); !status.ok()) {
    std::cerr << status.message() << "\n" << config.Usage("receivables_bench");
    return 2;
  }
  if (config.help_requested()) {
    std::cout << config.Usage("receivables_bench");
    return 0;
  }
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  auto channel = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
  const std::string user =
      crm::perf::BearerOrExit(channel, "receivables_bench", username, password);
  auto stub = sales::SalesService::NewStub(channel);
  if (mode == "seed") {
    std::cout << "SEED id=" << Seed(*stub, channel, user) << "\n";
    return 0;
  }

  int64_t customer_rows = 0, owner_rows = 0, department_rows = 0;
  const double by_customer =
      WalkReceivables(*stub, user, sales::RECEIVABLES_GROUPING_CUSTOMER, walks, customer_rows);
  const double by_owner =
      WalkReceivables(*stub, user, sales::RECEIVABLES_GROUPING_OWNER, walks, owner_rows);
  const double by_department =
      WalkReceivables(*stub, user, sales::RECEIVABLES_GROUPING_DEPARTMENT, walks, department_rows);
  Latencies overdue;
  const auto until = Clock::now() + std::chrono::seconds(seconds);
  std::vector<std::thread> callers;
  for (int t = 0; t < threads; ++t) {
    callers.emplace_back([&] {
      while (Clock::now() < until) {
        const auto begin = Clock::now();
        sales::ListOverdueInstalmentsRequest request;
        request.set_page_size(50);
        sales::ListOverdueInstalmentsResponse page;
        if (!stub->ListOverdueInstalments(Authorized(user).get(), request, &page).ok() ||
            page.instalments_size() != 50) {
          ++overdue.failed;
        }
        overdue.Add(MsSince(begin));
      }
    });
  }
  for (auto& c : callers) c.join();
  std::cout << absl::StrFormat(
      "RESULT customer_rows=%d customer_ms=%.1f owner_rows=%d owner_ms=%.1f department_rows=%d "
      "department_ms=%.1f overdue_p50_ms=%.2f overdue_p99_ms=%.2f failed=%d\n",
      customer_rows, by_customer, owner_rows, by_owner, department_rows, by_department,
      overdue.Percentile(0.5), overdue.Percentile(0.99), overdue.failed.load());
  return 0;
}
