// reporting_bench: the reporting service at scale, through the gateway
// (reporting_bench.sh drives it beside the same GROUP BYs in MariaDB).
//
//   reporting_bench --mode=products|gen|wait|reports|export|lag|rebuild
//                   --target=HOST:PORT --username=U   (password: CRM_PASSWORD)
//
//   products  creates the benchmark's products through sales when fewer exist
//   gen-customers  writes customer_change_log.tsv: a creation change for
//             each customer in --customers-file (see reporting_bench_gen.h)
//   gen       writes orders.tsv, order_lines.tsv and change_log.tsv (see
//             reporting_bench_gen.h) for --orders orders of --lines lines
//   wait      waits until the read model has every change of every feed;
//             prints "RESULT seconds=…"
//   reports   asks each report --reps times over --period-start..--period-end;
//             prints "REPORT name median_ms=… p95_ms=… rows=…" per report
//   export    streams ExportReport of --list (customers or orders); prints
//             "RESULT rows=… counted=… seconds=… rows_per_s=… mib=…"
//   lag       creates one-line orders at --rate a second for --seconds while
//             polling GetFeedStatus every 20 ms: per order, the time from its
//             acknowledgement until the read model has applied a sales change
//             committed after it; prints "RESULT writes=… rate=… p50_ms=…
//             p99_ms=… max_ms=… failed=…"
//   rebuild   RebuildReadModel, then wait: "RESULT seconds=…"
#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/base/config.h"
#include "common/base/dates.h"
#include "common/db/record_helpers.h"
#include "crm/customer/v1/customer_service.grpc.pb.h"
#include "crm/reporting/v1/reporting_service.grpc.pb.h"
#include "crm/sales/v1/sales_service.grpc.pb.h"
#include "tests/perf/perf_calls.h"
#include "tests/perf/perf_login.h"
#include "tests/perf/reporting_bench_gen.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace rv1 = crm::reporting::v1;
namespace sv1 = crm::sales::v1;
using crm::perf::Authorized;

void Check(const grpc::Status& status, const std::string& what) {
  crm::perf::CheckOrExit(status, "reporting_bench", what);
}

double MsSince(Clock::time_point begin) {
  return std::chrono::duration<double, std::milli>(Clock::now() - begin).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

constexpr int kProducts = 40;

void MakeProducts(sv1::SalesService::Stub& sales, const std::string& user) {
  sv1::ListProductsRequest list;
  list.set_page_size(100);
  sv1::ListProductsResponse listed;
  Check(sales.ListProducts(Authorized(user).get(), list, &listed), "list products");
  int have = 0;
  for (const sv1::Product& p : listed.products()) have += p.name().rfind("报表产品", 0) == 0;
  for (int i = have; i < kProducts; ++i) {
    sv1::CreateProductRequest create;
    sv1::Product& p = *create.mutable_product();
    p.set_name(absl::StrFormat("报表产品%02d", i));
    p.set_model(absl::StrFormat("RB-%02d", i));
    p.set_specification("标准");
    p.set_unit("台");
    p.mutable_list_price()->set_minor_units(1'999 + 7'919 * i);
    p.mutable_cost_price()->set_minor_units((1'999 + 7'919 * i) * (55 + i % 30) / 100);
    p.set_vat_rate_percent(i % 5 == 0 ? 6 : 13);
    sv1::Product made;
    Check(sales.CreateProduct(Authorized(user).get(), create, &made), "create product");
  }
}

// Each feed's head: the sequence of its last change, asked of the source.
std::map<std::string, int64_t> FeedHeads(rv1::ReportingService::Stub& reports,
                                         const std::string& user) {
  rv1::GetFeedStatusResponse feeds;
  Check(reports.GetFeedStatus(Authorized(user).get(), {}, &feeds), "feed status");
  std::map<std::string, int64_t> at;
  for (const rv1::FeedStatus& f : feeds.feeds()) at[f.feed()] = f.last_sequence();
  return at;
}

// Waits until every feed's position reaches `heads` and holds still for a
// second (nothing left to apply); returns the seconds waited. A wait of many
// minutes outlives an access token: `login` gives a fresh one.
double WaitApplied(rv1::ReportingService::Stub& reports, std::string user,
                   const std::function<std::string()>& login,
                   const std::map<std::string, int64_t>& heads) {
  const auto begin = Clock::now();
  std::map<std::string, int64_t> last;
  auto still_since = Clock::now();
  for (;;) {
    rv1::GetFeedStatusResponse feeds;
    const grpc::Status status = reports.GetFeedStatus(Authorized(user).get(), {}, &feeds);
    if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
      user = login();
      continue;
    }
    if (status.ok()) {
      std::map<std::string, int64_t> at;
      bool reached = true;
      double lag = 0;
      for (const rv1::FeedStatus& f : feeds.feeds()) {
        at[f.feed()] = f.last_sequence();
        auto head = heads.find(f.feed());
        if (head != heads.end() && f.last_sequence() < head->second) reached = false;
        lag = std::max(lag, f.lag_seconds());
      }
      if (at != last) {
        last = at;
        still_since = Clock::now();
      }
      // Lag is below the poll interval while a consumer keeps up; positions
      // unchanged for 1.5 s mean nothing was left to apply.
      // After a rebuild the roll-ups are derived once the replay ends.
      if (reached && !feeds.rollups_pending() && lag < 2.0 && MsSince(still_since) > 1500) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return MsSince(begin) / 1000 - 1.5;
}

rv1::Period PeriodOf(const std::string& start, const std::string& end) {
  rv1::Period p;
  p.set_start_date(start);
  p.set_end_date(end);
  return p;
}

// Whether a report answered; says why not otherwise (the run goes on).
bool Answered(const grpc::Status& status, const std::string& what) {
  if (!status.ok())
    std::cerr << "reporting_bench: " << what << ": " << status.error_message() << "\n";
  return status.ok();
}

// Times `call` (returns the rows it got, -1 when it failed) `reps` times.
template <typename Call>
void TimeReport(const std::string& name, int reps, Call call) {
  std::vector<double> ms;
  int64_t rows = 0;
  for (int i = 0; i < reps; ++i) {
    const auto begin = Clock::now();
    rows = call();
    ms.push_back(MsSince(begin));
    if (rows < 0) {
      std::cout << absl::StrFormat("REPORT %s failed_after_ms=%.0f\n", name, ms.back());
      return;
    }
  }
  std::cout << absl::StrFormat("REPORT %s median_ms=%.1f p95_ms=%.1f rows=%d\n", name, Median(ms),
                               Percentile(ms, 0.95), rows)
            << std::flush;
}

void Reports(rv1::ReportingService::Stub& r, const std::string& user, const rv1::Period& period,
             int last_year, int reps) {
  auto ctx = [&] {
    auto c = Authorized(user);
    c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
    return c;
  };
  TimeReport("sales_by_month", reps, [&] {
    rv1::GetSalesReportRequest q;
    *q.mutable_period() = period;
    q.set_bucket(rv1::MONTH);
    rv1::SalesReport a;
    if (!Answered(r.GetSalesReport(ctx().get(), q, &a), "sales report")) return int64_t{-1};
    return int64_t{a.rows_size()};
  });
  TimeReport("sales_by_region_year", reps, [&] {
    rv1::GetSalesReportRequest q;
    *q.mutable_period() = period;
    q.set_bucket(rv1::YEAR);
    q.set_grouping(rv1::BY_REGION);
    rv1::SalesReport a;
    if (!Answered(r.GetSalesReport(ctx().get(), q, &a), "sales by region")) return int64_t{-1};
    return int64_t{a.rows_size()};
  });
  TimeReport("abc_first_page", reps, [&] {
    rv1::GetAbcAnalysisRequest q;
    *q.mutable_period() = period;
    q.set_page_size(100);
    rv1::AbcAnalysis a;
    if (!Answered(r.GetAbcAnalysis(ctx().get(), q, &a), "abc")) return int64_t{-1};
    return int64_t{a.rows_size()};
  });
  TimeReport("product_sales", reps, [&] {
    rv1::GetProductSalesRequest q;
    *q.mutable_period() = period;
    rv1::ProductSales a;
    if (!Answered(r.GetProductSales(ctx().get(), q, &a), "product sales")) return int64_t{-1};
    return int64_t{a.rows_size()};
  });
  TimeReport("contribution_first_page", reps, [&] {
    rv1::GetCustomerContributionRequest q;
    *q.mutable_period() = period;
    q.set_page_size(100);
    rv1::CustomerContribution a;
    if (!Answered(r.GetCustomerContribution(ctx().get(), q, &a), "contribution"))
      return int64_t{-1};
    return int64_t{a.rows_size()};
  });
  TimeReport("customer_composition", reps, [&] {
    rv1::GetCustomerCompositionRequest q;
    q.set_dimension(rv1::REGION);
    rv1::CustomerComposition a;
    if (!Answered(r.GetCustomerComposition(ctx().get(), q, &a), "composition")) return int64_t{-1};
    return int64_t{a.rows_size()};
  });
  TimeReport("seasonal_index", reps, [&] {
    rv1::GetSeasonalIndexRequest q;
    q.set_last_year(last_year);
    rv1::SeasonalIndex a;
    if (!Answered(r.GetSeasonalIndex(ctx().get(), q, &a), "seasonal")) return int64_t{-1};
    return int64_t{a.months_size()};
  });
  TimeReport("churn_first_page", reps, [&] {
    rv1::GetChurnListRequest q;
    q.set_page_size(100);
    rv1::ChurnList a;
    if (!Answered(r.GetChurnList(ctx().get(), q, &a), "churn")) return int64_t{-1};
    return int64_t{a.rows_size()};
  });
  TimeReport("evaluation", reps, [&] {
    rv1::GetSalesPersonEvaluationRequest q;
    *q.mutable_period() = period;
    rv1::SalesPersonEvaluation a;
    if (!Answered(r.GetSalesPersonEvaluation(ctx().get(), q, &a), "evaluation")) return int64_t{-1};
    return int64_t{a.rows_size()};
  });
  TimeReport("receivables_first_page", reps, [&] {
    rv1::GetReceivablesReportRequest q;
    q.set_grouping(rv1::RECEIVABLES_BY_CUSTOMER);
    q.set_page_size(1000);
    rv1::ReceivablesReport a;
    if (!Answered(r.GetReceivablesReport(ctx().get(), q, &a), "receivables")) return int64_t{-1};
    return int64_t{a.rows_size()};
  });
  // Walked to the end (the total comes with the first page).
  TimeReport("receivables_by_customer", reps, [&] {
    rv1::GetReceivablesReportRequest q;
    q.set_grouping(rv1::RECEIVABLES_BY_CUSTOMER);
    q.set_page_size(1000);
    int64_t rows = 0;
    for (;;) {
      rv1::ReceivablesReport a;
      if (!Answered(r.GetReceivablesReport(ctx().get(), q, &a), "receivables")) return int64_t{-1};
      rows += a.rows_size();
      if (a.next_page_token().empty()) return rows;
      q.set_page_token(a.next_page_token());
    }
  });
  TimeReport("dashboard", reps, [&] {
    rv1::GetDashboardRequest q;
    *q.mutable_period() = period;
    rv1::Dashboard a;
    if (!Answered(r.GetDashboard(ctx().get(), q, &a), "dashboard")) return int64_t{-1};
    return int64_t{1};
  });
}

void Export(rv1::ReportingService::Stub& r, const std::string& user, const std::string& list) {
  rv1::ExportReportRequest request;
  request.mutable_list()->set_list(list == "customers" ? rv1::CUSTOMERS : rv1::ORDERS);
  grpc::ClientContext context;
  context.AddMetadata("authorization", user);
  const auto begin = Clock::now();
  auto reader = r.ExportReport(&context, request);
  rv1::ExportChunk chunk;
  int64_t bytes = 0, counted = -1, lines = 0;
  while (reader->Read(&chunk)) {
    bytes += static_cast<int64_t>(chunk.csv().size());
    lines += std::count(chunk.csv().begin(), chunk.csv().end(), '\n');
    if (chunk.last()) counted = chunk.rows();
  }
  Check(reader->Finish(), "export");
  const double seconds = MsSince(begin) / 1000;
  std::cout << absl::StrFormat("RESULT rows=%d counted=%d seconds=%.2f rows_per_s=%.0f mib=%.1f\n",
                               lines - 1, counted, seconds, (lines - 1) / seconds,
                               bytes / 1048576.0);
}

void Lag(sv1::SalesService::Stub& sales, rv1::ReportingService::Stub& reports,
         crm::customer::v1::CustomerService::Stub& customers, const std::string& user, int rate,
         int seconds) {
  crm::customer::v1::ListCustomersRequest list;
  list.set_page_size(1);
  crm::customer::v1::ListCustomersResponse listed;
  Check(customers.ListCustomers(Authorized(user).get(), list, &listed), "list customers");
  sv1::ListProductsRequest products;
  products.set_page_size(1);
  sv1::ListProductsResponse product;
  Check(sales.ListProducts(Authorized(user).get(), products, &product), "list products");
  if (listed.customers().empty() || product.products().empty()) {
    Check(grpc::Status(grpc::NOT_FOUND, "no customer or product"), "lag set-up");
  }
  // Polls: (when asked, the last applied sales change's commit time).
  std::mutex mu;
  std::vector<std::pair<absl::Time, absl::Time>> polls;  // (seen at, applied up to)
  std::atomic<bool> done{false};
  std::thread poller([&] {
    while (!done) {
      rv1::GetFeedStatusResponse feeds;
      if (reports.GetFeedStatus(Authorized(user).get(), {}, &feeds).ok()) {
        for (const rv1::FeedStatus& f : feeds.feeds()) {
          if (f.feed() != "sales") continue;
          std::lock_guard<std::mutex> lock(mu);
          polls.push_back({absl::Now(), crm::FromTimestamp(f.last_change_time())});
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  std::atomic<int64_t> failed{0};
  const int writers = 8;
  std::vector<std::thread> threads;
  std::vector<std::vector<absl::Time>> acks(writers);
  const auto start = Clock::now();
  const int64_t total = int64_t{rate} * seconds;
  std::atomic<int64_t> next{0};
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      for (;;) {
        const int64_t n = next++;
        if (n >= total) return;
        // Write n is due at n / rate seconds after the start.
        std::this_thread::sleep_until(start + std::chrono::microseconds(n * 1'000'000 / rate));
        sv1::CreateOrderRequest create;
        create.mutable_order()->set_customer_id(listed.customers(0).id());
        sv1::OrderLine* line = create.mutable_order()->add_lines();
        line->set_product_id(product.products(0).id());
        line->set_quantity_milli(1000);
        sv1::Order order;
        if (sales.CreateOrder(Authorized(user).get(), create, &order).ok()) {
          acks[w].push_back(absl::Now());
        } else {
          ++failed;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  const double took = MsSince(start) / 1000;
  // One more write (not counted), so the last ones have a later change to
  // be seen by.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  {
    sv1::CreateOrderRequest create;
    create.mutable_order()->set_customer_id(listed.customers(0).id());
    sv1::OrderLine* line = create.mutable_order()->add_lines();
    line->set_product_id(product.products(0).id());
    line->set_quantity_milli(1000);
    sv1::Order order;
    Check(sales.CreateOrder(Authorized(user).get(), create, &order), "the last order");
  }
  std::this_thread::sleep_for(std::chrono::seconds(3));
  done = true;
  poller.join();
  std::vector<double> lags;
  for (const auto& per_writer : acks) {
    for (absl::Time ack : per_writer) {
      // The first poll whose applied change was committed after the ack.
      for (const auto& [seen, applied] : polls) {
        if (seen >= ack && applied >= ack) {
          lags.push_back(absl::ToDoubleMilliseconds(seen - ack));
          break;
        }
      }
    }
  }
  std::cout << absl::StrFormat(
      "RESULT writes=%d rate=%.0f seen=%d p50_ms=%.0f p99_ms=%.0f max_ms=%.0f failed=%d\n",
      total - failed, (total - failed) / took, lags.size(), Percentile(lags, 0.5),
      Percentile(lags, 0.99), Percentile(lags, 1.0), failed.load());
}

std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

}  // namespace

int main(int argc, char** argv) {
  crm::Config config(argc, argv);
  const std::string mode = config.GetString("mode", "reports", "what to do (see the top)");
  const std::string target = config.GetString("target", "127.0.0.1:50051", "gateway address");
  const std::string username = config.GetString("username", "admin", "who asks");
  const std::string password = config.GetString("password", "", "that user's password");
  const std::string period_start = config.GetString("period-start", "", "reports: first day");
  const std::string period_end = config.GetString("period-end", "", "reports: last day");
  const int reps = static_cast<int>(config.GetInt("reps", 5, "reports: calls of each"));
  const std::string list = config.GetString("list", "orders", "export: customers or orders");
  const int rate = static_cast<int>(config.GetInt("rate", 200, "lag: writes a second"));
  const int seconds = static_cast<int>(config.GetInt("seconds", 60, "lag: for how long"));
  const int64_t orders = config.GetInt("orders", 1000000, "gen: orders");
  const int lines = static_cast<int>(config.GetInt("lines", 5, "gen: lines per order"));
  const std::string customers_file = config.GetString("customers-file", "", "gen: ids");
  const std::string products_file = config.GetString("products-file", "", "gen: TSV");
  const std::string owner = config.GetString("owner", "", "gen: id<TAB>dept id<TAB>path");
  const std::string first = config.GetString("first", "", "gen: order id,line id,sequence");
  const std::string last_day = config.GetString("last-day", "", "gen: the latest order day");
  const std::string out_dir = config.GetString("out-dir", ".", "gen: where the files go");
  if (absl::Status status = config.Finish(); !status.ok()) {
    std::cerr << status.message() << "\n" << config.Usage("reporting_bench");
    return 2;
  }
  if (config.help_requested()) {
    std::cout << config.Usage("reporting_bench");
    return 0;
  }

  if (mode == "gen-customers") {
    int64_t sequence = 0;
    if (!absl::SimpleAtoi(first, &sequence)) {
      std::cerr << "reporting_bench gen-customers: --first is the first sequence\n";
      return 2;
    }
    if (absl::Status status = crm::perf::GenerateCustomerChanges(
            customers_file, sequence, username, out_dir + "/customer_change_log.tsv");
        !status.ok()) {
      std::cerr << "reporting_bench gen-customers: " << status.message() << "\n";
      return 2;
    }
    return 0;
  }
  if (mode == "gen") {
    crm::perf::OrderGeneration g;
    g.orders = orders;
    g.lines_per_order = lines;
    std::vector<std::string> ids = absl::StrSplit(first, ',');
    std::vector<std::string> who = absl::StrSplit(owner, '\t');
    absl::StatusOr<absl::CivilDay> day = crm::ParseIsoDate(last_day);
    if (ids.size() != 3 || who.size() != 3 || !day.ok() ||
        !absl::SimpleAtoi(ids[0], &g.first_order_id) ||
        !absl::SimpleAtoi(ids[1], &g.first_line_id) ||
        !absl::SimpleAtoi(ids[2], &g.first_sequence) || !absl::SimpleAtoi(who[0], &g.owner_id) ||
        !absl::SimpleAtoi(who[1], &g.owner_department_id)) {
      std::cerr << "reporting_bench gen: --first, --owner and --last-day are required\n";
      return 2;
    }
    g.owner_department_path = who[2];
    g.last_day = *day;
    g.actor = username;
    g.out_dir = out_dir;
    for (const std::string& line : ReadLines(customers_file)) {
      int64_t id = 0;
      if (absl::SimpleAtoi(line, &id)) g.customer_ids.push_back(id);
    }
    for (const std::string& line : ReadLines(products_file)) {
      std::vector<std::string> f = absl::StrSplit(line, '\t');
      crm::perf::BenchProduct p;
      if (f.size() != 8 || !absl::SimpleAtoi(f[0], &p.id) ||
          !absl::SimpleAtoi(f[5], &p.price_fen) || !absl::SimpleAtoi(f[6], &p.cost_fen) ||
          !absl::SimpleAtoi(f[7], &p.vat_percent)) {
        continue;
      }
      p.name = f[1];
      p.model = f[2];
      p.specification = f[3];
      p.unit = f[4];
      g.products.push_back(std::move(p));
    }
    if (absl::Status status = crm::perf::GenerateOrders(g); !status.ok()) {
      std::cerr << "reporting_bench gen: " << status.message() << "\n";
      return 2;
    }
    return 0;
  }

  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetMaxReceiveMessageSize(64 << 20);
  auto channel = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
  const auto login = [&] {
    return crm::perf::BearerOrExit(channel, "reporting_bench", username, password);
  };
  const std::string user = login();
  auto sales = sv1::SalesService::NewStub(channel);
  auto reports = rv1::ReportingService::NewStub(channel);
  auto customers = crm::customer::v1::CustomerService::NewStub(channel);
  if (mode == "products") {
    MakeProducts(*sales, user);
  } else if (mode == "wait") {
    // The heads: what each source holds now (ListChanges after the stored
    // position, page by page, would be exact; the position once still is).
    std::map<std::string, int64_t> heads;
    std::cout << absl::StrFormat("RESULT seconds=%.1f\n",
                                 WaitApplied(*reports, user, login, heads));
  } else if (mode == "reports") {
    int last_year = 0;
    absl::SimpleAtoi(period_end.substr(0, 4), &last_year);
    Reports(*reports, user, PeriodOf(period_start, period_end), last_year, reps);
  } else if (mode == "export") {
    Export(*reports, user, list);
  } else if (mode == "lag") {
    Lag(*sales, *reports, *customers, user, rate, seconds);
  } else if (mode == "rebuild") {
    const std::map<std::string, int64_t> heads = FeedHeads(*reports, user);
    rv1::RebuildReadModelResponse rebuilt;
    Check(reports->RebuildReadModel(Authorized(user).get(), {}, &rebuilt), "rebuild");
    std::cout << absl::StrFormat("RESULT seconds=%.1f\n",
                                 WaitApplied(*reports, user, login, heads));
  } else {
    std::cerr << "reporting_bench: unknown --mode " << mode << "\n";
    return 2;
  }
  return 0;
}
