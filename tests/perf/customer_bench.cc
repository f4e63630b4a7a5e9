// customer_bench: the client side of tests/perf/customer_bench.sh (import and
// search at scale). Built on demand: cmake --build BUILD --target customer_bench
//
//   customer_bench import --target=HOST:PORT --csv=FILE --username=U [--password=P]
//       ImportCustomers (MODE_CREATE) of a CSV file streamed in --chunk-kib pieces
//       (64 KiB; the file is never held in memory); prints rows/s and the counts.
//   customer_bench search --target=HOST:PORT --queries=FILE --username=U [--reps=K]
//       SearchCustomers (page_size 20) of every query, one call at a time: one
//       unmeasured warm-up pass, then K passes; latency percentiles overall, per
//       query category, and the slowest queries.
//   customer_bench like --db-port=N --db-password=P --queries=FILE [--reps=K]
//       The same queries as LIKE '%q%' scans of the customers table (the
//       baseline): SELECT id FROM customers WHERE deleted_at IS NULL AND (name
//       LIKE ? OR keywords LIKE ? OR phone LIKE ?) ORDER BY id LIMIT 20.
//   customer_bench transfer --target=HOST:PORT --ids=FILE --username=ADMIN
//       --to-username=U --to-password=P
//       TransferCustomer of each id (one per line) to U's employee, so that a
//       visibility-limited user owns a share of the data.
//
// Passwords may come from the environment (CRM_PASSWORD, CRM_TO_PASSWORD,
// CRM_DB_PASSWORD) instead of flags. The query file holds one query per line:
// "category<TAB>fuzzy|exact<TAB>text". Each command ends with one line
// "RESULT <command> key=value ..." for scripts.
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <mysql_driver.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/base/config.h"
#include "crm/customer/v1/customer_service.grpc.pb.h"
#include "crm/org/v1/org_service.grpc.pb.h"
#include "tests/perf/perf_login.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace v1 = crm::customer::v1;

double Seconds(Clock::time_point from) {
  return std::chrono::duration<double>(Clock::now() - from).count();
}

struct Query {
  std::string category;
  bool exact = false;
  std::string text;
};

std::vector<Query> ReadQueries(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "customer_bench: cannot read " << path << "\n";
    std::exit(2);
  }
  std::vector<Query> queries;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> parts = absl::StrSplit(line, absl::MaxSplits('\t', 2));
    if (parts.size() != 3) continue;
    queries.push_back({parts[0], parts[1] == "exact", parts[2]});
  }
  return queries;
}

// Latency samples in milliseconds.
class Stats {
 public:
  void Add(double ms) { samples_.push_back(ms); }
  size_t size() const { return samples_.size(); }
  // Nearest-rank percentile.
  double Percentile(double p) {
    if (samples_.empty()) return 0;
    std::sort(samples_.begin(), samples_.end());
    size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * samples_.size()));
    return samples_[std::min(samples_.size(), std::max<size_t>(rank, 1)) - 1];
  }
  double Max() {
    return samples_.empty() ? 0 : *std::max_element(samples_.begin(), samples_.end());
  }
  std::string Line() {
    return absl::StrFormat("n=%-5d p50 %8.2f ms  p99 %8.2f ms  max %8.2f ms", samples_.size(),
                           Percentile(50), Percentile(99), Max());
  }

 private:
  std::vector<double> samples_;
};

// Per query: the worst and the typical latency, and what it found.
struct QueryResult {
  const Query* query;
  Stats latency;
  int64_t total = -1;
  bool total_exact = true;
  int results = 0;
  std::string error;
};

std::string Bearer(const std::shared_ptr<grpc::Channel>& channel, const std::string& username,
                   const std::string& password, crm::common::v1::Identity* identity = nullptr) {
  return crm::perf::BearerOrExit(channel, "customer_bench", username, password, identity);
}

int Import(const std::shared_ptr<grpc::Channel>& channel, const std::string& bearer,
           const std::string& csv_path, size_t chunk_bytes, bool upsert, bool dry_run) {
  std::ifstream in(csv_path, std::ios::binary);
  if (!in) {
    std::cerr << "customer_bench: cannot read " << csv_path << "\n";
    return 2;
  }
  in.seekg(0, std::ios::end);
  const int64_t file_bytes = in.tellg();
  in.seekg(0);

  auto stub = v1::CustomerService::NewStub(channel);
  grpc::ClientContext context;
  context.AddMetadata("authorization", bearer);
  v1::ImportCustomersResponse response;
  const Clock::time_point start = Clock::now();
  std::unique_ptr<grpc::ClientWriter<v1::ImportCustomersRequest>> writer(
      stub->ImportCustomers(&context, &response));

  v1::ImportCustomersRequest request;
  request.mutable_options()->set_mode(upsert ? v1::ImportOptions::MODE_UPSERT
                                             : v1::ImportOptions::MODE_CREATE);
  request.mutable_options()->set_dry_run(dry_run);
  bool open = writer->Write(request);
  std::string buffer(chunk_bytes, '\0');
  int64_t sent = 0, chunks = 0;
  Clock::time_point last_report = start;
  while (open && in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const std::streamsize got = in.gcount();
    if (got <= 0) break;
    request.Clear();
    request.set_csv_chunk(buffer.data(), static_cast<size_t>(got));
    open = writer->Write(request);
    sent += got;
    ++chunks;
    if (Seconds(last_report) >= 15) {
      last_report = Clock::now();
      std::cerr << absl::StrFormat("  import: %.0f%% of the file sent after %.0f s\n",
                                   100.0 * sent / std::max<int64_t>(file_bytes, 1), Seconds(start));
    }
  }
  if (open) {
    request.Clear();
    request.mutable_end();
    writer->Write(request);
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  const double seconds = Seconds(start);
  if (!status.ok()) {
    std::cerr << "customer_bench: ImportCustomers failed after " << seconds << " s (" << sent
              << " of " << file_bytes << " bytes sent): " << status.error_code() << " "
              << status.error_message() << "\n";
    return 1;
  }
  std::cout << absl::StrFormat(
      "import: %d bytes in %d chunks, %.2f s: rows_read %d, created %d, updated %d, failed %d%s\n",
      sent, chunks, seconds, response.rows_read(), response.created(), response.updated(),
      response.failed(), response.dry_run() ? " (dry run)" : "");
  for (int i = 0; i < std::min(response.errors_size(), 10); ++i) {
    const v1::ImportRowError& e = response.errors(i);
    std::cout << "  row " << e.row() << " " << e.field() << ": " << e.message()
              << (e.duplicate_of_code().empty() ? ""
                                                : " (duplicate of " + e.duplicate_of_code() + ")")
              << "\n";
  }
  if (response.errors_size() > 10) {
    std::cout << "  ... " << response.errors_size() - 10 << " more errors"
              << (response.errors_truncated() ? " (truncated)" : "") << "\n";
  }
  std::cout << absl::StrFormat(
      "RESULT import seconds=%.3f rows_read=%d created=%d updated=%d failed=%d rows_per_s=%.0f\n",
      seconds, response.rows_read(), response.created(), response.updated(), response.failed(),
      response.rows_read() / std::max(seconds, 1e-9));
  return 0;
}

// Runs `call` for every query: a warm-up pass, then `reps` measured passes
// (pass after pass, so a query never follows itself); prints the report.
int MeasureQueries(const std::string& command, const std::vector<Query>& queries, int reps,
                   int warmup, int slowest,
                   const std::function<bool(const Query&, QueryResult&)>& call) {
  std::vector<QueryResult> per_query(queries.size());
  for (size_t i = 0; i < queries.size(); ++i) per_query[i].query = &queries[i];
  Stats cold, all;
  std::map<std::string, Stats> by_category;
  int errors = 0;
  for (int pass = -warmup; pass < reps; ++pass) {
    for (size_t i = 0; i < queries.size(); ++i) {
      QueryResult& r = per_query[i];
      const Clock::time_point start = Clock::now();
      const bool ok = call(queries[i], r);
      const double ms = Seconds(start) * 1000;
      if (!ok) {
        ++errors;
        continue;
      }
      if (pass < 0) {
        if (pass == -warmup) cold.Add(ms);
        continue;
      }
      all.Add(ms);
      r.latency.Add(ms);
      by_category[queries[i].category].Add(ms);
    }
  }
  std::cout << absl::StrFormat(
      "%s: %d queries, %d warm-up and %d measured passes, one call at a time\n", command,
      queries.size(), warmup, reps);
  if (warmup > 0) std::cout << absl::StrFormat("  %-12s %s\n", "first pass", cold.Line());
  for (auto& [category, stats] : by_category) {
    std::cout << absl::StrFormat("  %-12s %s\n", category, stats.Line());
  }
  std::cout << absl::StrFormat("  %-12s %s\n", "ALL", all.Line());
  std::vector<QueryResult*> order;
  for (QueryResult& r : per_query) order.push_back(&r);
  std::sort(order.begin(), order.end(),
            [](QueryResult* a, QueryResult* b) { return a->latency.Max() > b->latency.Max(); });
  std::cout << "  slowest queries (max / median ms, matches, category, mode, query):\n";
  for (int i = 0; i < std::min<int>(slowest, order.size()); ++i) {
    QueryResult& r = *order[i];
    std::cout << absl::StrFormat(
        "    %8.2f %8.2f  %6s%s  %-10s %-5s %s%s\n", r.latency.Max(), r.latency.Percentile(50),
        r.total < 0 ? "?" : absl::StrCat(r.total), r.total_exact ? " " : "+", r.query->category,
        r.query->exact ? "exact" : "fuzzy", r.query->text,
        r.error.empty() ? "" : "  ERROR " + r.error);
  }
  if (errors > 0) std::cout << "  " << errors << " calls failed\n";
  std::cout << absl::StrFormat("RESULT %s n=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d\n",
                               command, all.size(), all.Percentile(50), all.Percentile(99),
                               all.Max(), errors);
  return errors > 0 ? 1 : 0;
}

int Search(const std::shared_ptr<grpc::Channel>& channel, const std::string& bearer,
           const std::vector<Query>& queries, int reps, int warmup, int page_size, int slowest,
           const std::string& label) {
  auto stub = v1::CustomerService::NewStub(channel);
  return MeasureQueries(label, queries, reps, warmup, slowest, [&](const Query& q, QueryResult& r) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", bearer);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    v1::SearchCustomersRequest request;
    request.set_query(q.text);
    request.set_mode(q.exact ? v1::SearchCustomersRequest::MODE_EXACT
                             : v1::SearchCustomersRequest::MODE_FUZZY);
    request.set_page_size(page_size);
    v1::SearchCustomersResponse response;
    grpc::Status status = stub->SearchCustomers(&context, request, &response);
    if (!status.ok()) {
      r.error = status.error_message();
      return false;
    }
    r.total = response.total_size();
    r.total_exact = response.total_size_exact();
    r.results = response.results_size();
    return true;
  });
}

std::string EscapeLike(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

int Like(const std::string& host, int port, const std::string& user, const std::string& password,
         const std::string& database, const std::vector<Query>& queries, int reps, int warmup,
         int slowest) {
  std::unique_ptr<sql::Connection> connection;
  std::unique_ptr<sql::PreparedStatement> stmt;
  try {
    sql::ConnectOptionsMap props;
    props["hostName"] = sql::SQLString(absl::StrCat("tcp://", host, ":", port));
    props["userName"] = sql::SQLString(user);
    props["password"] = sql::SQLString(password);
    props["schema"] = sql::SQLString(database);
    props["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
    connection.reset(sql::mysql::get_mysql_driver_instance()->connect(props));
    stmt.reset(connection->prepareStatement(
        "SELECT id FROM customers WHERE deleted_at IS NULL AND"
        " (name LIKE ? OR keywords LIKE ? OR phone LIKE ?) ORDER BY id LIMIT 20"));
  } catch (const sql::SQLException& e) {
    std::cerr << "customer_bench: database: " << e.what() << "\n";
    return 1;
  }
  return MeasureQueries(
      "like", queries, reps, warmup, slowest, [&](const Query& q, QueryResult& r) {
        // Exact mode compares whole fields; fuzzy is the LIKE scan.
        const std::string pattern = q.exact ? EscapeLike(q.text) : "%" + EscapeLike(q.text) + "%";
        try {
          for (int i = 1; i <= 3; ++i) stmt->setString(i, pattern);
          std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
          int n = 0;
          while (rs->next()) ++n;
          r.total = n;
          r.total_exact = n < 20;
          return true;
        } catch (const sql::SQLException& e) {
          r.error = e.what();
          return false;
        }
      });
}

int Transfer(const std::shared_ptr<grpc::Channel>& channel, const std::string& bearer,
             const std::string& ids_path, int64_t employee_id) {
  std::ifstream in(ids_path);
  if (!in) {
    std::cerr << "customer_bench: cannot read " << ids_path << "\n";
    return 2;
  }
  auto stub = v1::CustomerService::NewStub(channel);
  const Clock::time_point start = Clock::now();
  int64_t done = 0, failed = 0;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    grpc::ClientContext context;
    context.AddMetadata("authorization", bearer);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    v1::TransferCustomerRequest request;
    request.set_id(std::stoll(line));
    request.set_employee_id(employee_id);
    v1::Customer response;
    grpc::Status status = stub->TransferCustomer(&context, request, &response);
    if (status.ok()) {
      ++done;
    } else if (++failed <= 5) {
      std::cerr << "customer_bench: transfer " << line << ": " << status.error_message() << "\n";
    }
  }
  const double seconds = Seconds(start);
  std::cout << absl::StrFormat("RESULT transfer done=%d failed=%d seconds=%.2f\n", done, failed,
                               seconds);
  return failed > 0 ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: customer_bench import|search|like|transfer --flag=value ...\n";
    return 2;
  }
  const std::string command = argv[1];
  crm::Config config(argc - 1, argv + 1);
  const std::string target = config.GetString("target", "127.0.0.1:50051", "gateway address");
  std::string username, password;
  if (command != "like") {
    username = config.GetString("username", "admin", "user to call as");
    password = config.GetString("password", "", "that user's password (env CRM_PASSWORD)");
  }
  std::string csv, queries_path, ids, to_username, to_password, db_host, db_user, db_password,
      db_name, label;
  int64_t chunk_kib = 64, reps = 5, warmup = 1, page_size = 20, slowest = 15, db_port = 0;
  bool upsert = false, dry_run = false;
  if (command == "import") {
    csv = config.GetString("csv", "", "the CSV file to import");
    chunk_kib = config.GetInt("chunk-kib", 64, "size of each csv_chunk message");
    upsert = config.GetBool("upsert", false, "MODE_UPSERT instead of MODE_CREATE");
    dry_run = config.GetBool("dry-run", false, "check only");
  } else if (command == "search" || command == "like") {
    queries_path = config.GetString("queries", "", "query file (category TAB mode TAB text)");
    reps = config.GetInt("reps", 5, "measured passes over the queries");
    warmup = config.GetInt("warmup", 1, "unmeasured passes first");
    slowest = config.GetInt("slowest", 15, "how many of the slowest queries to list");
    if (command == "search") {
      page_size = config.GetInt("page-size", 20, "SearchCustomers page_size");
      label = config.GetString("label", "search", "name of this run in the output");
    } else {
      db_host = config.GetString("db-host", "127.0.0.1", "MariaDB host");
      db_port = config.GetInt("db-port", 33061, "MariaDB port");
      db_user = config.GetString("db-user", "crm_customer", "database user");
      db_password = config.GetString("db-password", "", "its password (env CRM_DB_PASSWORD)");
      db_name = config.GetString("db-name", "crm_customer", "the customer schema");
    }
  } else if (command == "transfer") {
    ids = config.GetString("ids", "", "file of customer ids, one per line");
    to_username = config.GetString("to-username", "sales.east", "the new owner");
    to_password = config.GetString("to-password", "", "their password (env CRM_TO_PASSWORD)");
  } else {
    std::cerr << "customer_bench: unknown command '" << command << "'\n";
    return 2;
  }
  if (absl::Status status = config.Finish(); !status.ok()) {
    std::cerr << "customer_bench: " << status.message() << "\n";
    return 2;
  }

  if (command == "like") {
    return Like(db_host, static_cast<int>(db_port), db_user, db_password, db_name,
                ReadQueries(queries_path), static_cast<int>(reps), static_cast<int>(warmup),
                static_cast<int>(slowest));
  }
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  auto channel = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
  const std::string bearer = Bearer(channel, username, password);
  if (command == "import") {
    return Import(channel, bearer, csv, static_cast<size_t>(chunk_kib) * 1024, upsert, dry_run);
  }
  if (command == "search") {
    const std::vector<Query> queries = ReadQueries(queries_path);
    return Search(channel, bearer, queries, static_cast<int>(reps), static_cast<int>(warmup),
                  static_cast<int>(page_size), static_cast<int>(slowest), label);
  }
  crm::common::v1::Identity identity;
  Bearer(channel, to_username, to_password, &identity);
  if (identity.employee_id() == 0) {
    std::cerr << "customer_bench: " << to_username << " is no employee\n";
    return 1;
  }
  return Transfer(channel, bearer, ids, identity.employee_id());
}
