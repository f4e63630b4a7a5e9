// ImportSession (the client stream's protocol: options, rows or CSV, end) and
// ExportStream (list pages to CSV pieces).
#include "services/customer/bulk_handlers.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/base/dates.h"
#include "common/base/logging.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/sql_where.h"
#include "common/text/csv.h"
#include "services/customer/bulk_loads.h"
#include "services/customer/contact_repository.h"
#include "services/customer/customer_csv.h"
#include "services/customer/customer_handlers.h"
#include "services/customer/customer_repository.h"
#include "services/customer/grade_policy.h"
#include "services/customer/import_writer.h"

namespace crm::customer {
namespace {

constexpr int kMaxReportedErrors = 1000;
constexpr size_t kWritersPerImport = 2;

// The threads an import writes its batches on, started once for the import
// (not per batch). Jobs run in the order given; the destructor finishes the
// queued ones and joins.
class WriterThreads {
 public:
  explicit WriterThreads(size_t count) {
    for (size_t i = 0; i < count; ++i) threads_.emplace_back([this] { Loop(); });
  }
  ~WriterThreads() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (std::thread& t : threads_) t.join();
  }

  std::future<absl::Status> Run(std::function<absl::Status()> job) {
    std::packaged_task<absl::Status()> task(std::move(job));
    std::future<absl::Status> done = task.get_future();
    {
      std::lock_guard<std::mutex> lock(mu_);
      jobs_.push_back(std::move(task));
    }
    wake_.notify_one();
    return done;
  }

 private:
  void Loop() {
    for (;;) {
      std::packaged_task<absl::Status()> job;
      {
        std::unique_lock<std::mutex> lock(mu_);
        wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
        if (jobs_.empty()) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      job();
    }
  }

  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::packaged_task<absl::Status()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

class ImportSession : public ImportHandler {
 public:
  ImportSession(const CallContext& call, std::unique_ptr<ImportWriter> importer,
                std::unique_ptr<BulkLoads::Running> running)
      : call_(call),
        running_(std::move(running)),
        importer_(std::move(importer)),
        reader_([this](CsvReader::Record& record) { return OnRecord(record); }),
        started_(std::chrono::steady_clock::now()) {}

  absl::Status OnMessage(const v1::ImportCustomersRequest& message) override {
    using Request = v1::ImportCustomersRequest;
    if (ended_) return InvalidField("end", "nothing may follow the `end` message");
    if (message.part_case() == Request::kOptions) {
      if (options_seen_) return InvalidField("options", "come once, first");
      options_seen_ = true;
      return absl::OkStatus();  // read by ImportCustomers from the first message
    }
    if (!options_seen_) return InvalidField("options", "the first message must be `options`");
    switch (message.part_case()) {
      case Request::kRows:
        if (kind_ == Kind::kCsv) return MixedKinds();
        kind_ = Kind::kMessages;
        if (running_) running_->Progress();
        for (const v1::ImportRow& row : message.rows().rows()) {
          ImportCandidate candidate;
          candidate.row = ++rows_read_;
          candidate.data = row;
          CRM_RETURN_IF_ERROR(Add(std::move(candidate)));
        }
        return absl::OkStatus();
      case Request::kCsvChunk:
        if (kind_ == Kind::kMessages) return MixedKinds();
        kind_ = Kind::kCsv;
        if (running_) running_->Progress();
        return InChunk(reader_.Feed(message.csv_chunk()));
      case Request::kEnd:
        if (kind_ == Kind::kCsv) CRM_RETURN_IF_ERROR(InChunk(reader_.Finish()));
        CRM_RETURN_IF_ERROR(Flush());
        CRM_RETURN_IF_ERROR(AwaitAllWrites());
        ended_ = true;
        return absl::OkStatus();
      default:
        return InvalidField("part", "an empty message: set options, rows, csv_chunk or end");
    }
  }

  absl::Status OnEnd(v1::ImportCustomersResponse* response) override {
    if (!ended_) {
      // Batches already handed over complete: whole batches only.
      AwaitAllWrites().IgnoreError();
      return InvalidField(
          "end",
          absl::StrCat("the stream closed without its `end` message: rows up to ", rows_written_,
                       " were imported, the ", rows_read_ - rows_written_, " rows after were not"));
    }
    *response = std::move(response_);
    response->set_rows_read(rows_read_);
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started_);
    log::Info("import finished", {{"rows", rows_read_},
                                  {"created", response->created()},
                                  {"updated", response->updated()},
                                  {"failed", response->failed()},
                                  {"dry_run", response->dry_run() ? "true" : "false"},
                                  {"elapsed_ms", static_cast<int64_t>(elapsed.count())}});
    return absl::OkStatus();
  }

  void SetDryRun(bool dry_run) { response_.set_dry_run(dry_run); }

 private:
  enum class Kind { kNone, kMessages, kCsv };

  // The CSV reader's and header's errors name the line; as the stream's
  // errors they name the field too, for the BadRequest clients decode.
  static absl::Status InChunk(absl::Status status) {
    if (status.code() != absl::StatusCode::kInvalidArgument || !FieldViolationsOf(status).empty()) {
      return status;
    }
    return InvalidField("csv_chunk", std::string(status.message()));
  }

  static absl::Status MixedKinds() {
    return InvalidField("part", "send either `rows` or `csv_chunk` messages, not both");
  }

  absl::Status OnRecord(CsvReader::Record& record) {
    if (!layout_) {
      CRM_ASSIGN_OR_RETURN(CustomerCsvLayout layout, CustomerCsvLayout::FromHeader(record));
      layout_ = std::move(layout);
      return absl::OkStatus();
    }
    ImportCandidate candidate;
    candidate.row = ++rows_read_;
    std::vector<CsvFieldError> errors;
    candidate.data = layout_->Read(record, errors);
    for (auto& [field, message] : errors) {
      v1::ImportRowError& e = candidate.read_errors.emplace_back();
      e.set_row(candidate.row);
      e.set_field(field);
      e.set_message(message);
    }
    return Add(std::move(candidate));
  }

  absl::Status Add(ImportCandidate candidate) {
    pending_bytes_ += candidate.data.ByteSizeLong();
    pending_.push_back(std::move(candidate));
    if (pending_.size() >= static_cast<size_t>(kImportBatchRows) ||
        pending_bytes_ >= kImportBatchBytes) {
      return Flush();
    }
    return absl::OkStatus();
  }

  // Prepares the pending rows here, then writes them on other threads while
  // this one reads on: the service's CPU work and the database's overlap,
  // and so do two batches' writes (kWritersPerImport), whose transactions
  // only queue at the change log's sequence. A dry run writes nothing and
  // checks one batch at a time (each check needs the rows before it).
  absl::Status Flush() {
    if (pending_.empty()) return absl::OkStatus();
    CRM_RETURN_IF_ERROR(importer_->Prepare(pending_));
    const size_t writers = response_.dry_run() ? 1 : kWritersPerImport;
    while (writes_.size() >= writers) CRM_RETURN_IF_ERROR(AwaitOldestWrite());
    auto write = std::make_unique<Write>();
    write->batch = std::move(pending_);
    pending_.clear();
    pending_bytes_ = 0;
    Write* w = write.get();
    const int64_t number = ++batches_;
    w->done = writers_.Run([this, w, number] {
      log::ScopedContext scope(call_.request_id, call_.method);
      return importer_->WriteBatch(number, w->batch, w->tally);
    });
    writes_.push_back(std::move(write));
    return absl::OkStatus();
  }

  absl::Status AwaitAllWrites() {
    absl::Status first_error;
    while (!writes_.empty()) {
      absl::Status s = AwaitOldestWrite();
      if (first_error.ok()) first_error = s;
    }
    return first_error;
  }

  // Waits for the oldest batch being written and counts it in.
  absl::Status AwaitOldestWrite() {
    std::unique_ptr<Write> write = std::move(writes_.front());
    writes_.pop_front();
    CRM_RETURN_IF_ERROR(write->done.get());
    ImportTally& tally = write->tally;
    rows_written_ = write->batch.back().row;
    response_.set_created(response_.created() + tally.created);
    response_.set_updated(response_.updated() + tally.updated);
    response_.set_failed(response_.failed() + tally.failed);
    for (auto& error : tally.errors) {
      if (response_.errors_size() >= kMaxReportedErrors) {
        response_.set_errors_truncated(true);
        break;
      }
      *response_.add_errors() = std::move(error);
    }
    return absl::OkStatus();
  }

  const CallContext& call_;
  std::unique_ptr<BulkLoads::Running> running_;  // for the session's life
  std::unique_ptr<ImportWriter> importer_;
  CsvReader reader_;
  std::optional<CustomerCsvLayout> layout_;
  std::vector<ImportCandidate> pending_;
  size_t pending_bytes_ = 0;  // of pending_'s rows as read
  // A batch being written on its own thread.
  struct Write {
    std::vector<ImportCandidate> batch;
    ImportTally tally;
    std::future<absl::Status> done;
  };
  std::deque<std::unique_ptr<Write>> writes_;
  // After what its jobs use: it finishes them and joins before those go.
  WriterThreads writers_{kWritersPerImport};
  v1::ImportCustomersResponse response_;
  Kind kind_ = Kind::kNone;
  bool options_seen_ = false;
  bool ended_ = false;
  int64_t rows_read_ = 0;
  int64_t batches_ = 0;       // handed to writers so far
  int64_t rows_written_ = 0;  // the last row of the last batch written
  std::chrono::steady_clock::time_point started_;
};

// The options arrive in the first message, after ImportCustomers: the session
// makes its importer then.
class DeferredImport : public ImportHandler {
 public:
  using MakeImporter = std::function<std::unique_ptr<ImportWriter>(const v1::ImportOptions&)>;
  DeferredImport(const CallContext& call, MakeImporter make,
                 std::unique_ptr<BulkLoads::Running> running)
      : call_(call), make_(std::move(make)), running_(std::move(running)) {}

  absl::Status OnMessage(const v1::ImportCustomersRequest& message) override {
    if (!session_) {
      if (!message.has_options()) {
        return InvalidField("options", "the first message must be `options`");
      }
      const v1::ImportOptions& options = message.options();
      if (!v1::ImportOptions::Mode_IsValid(options.mode())) {
        return InvalidField("options.mode", "is not an import mode");
      }
      session_ = std::make_unique<ImportSession>(call_, make_(options), std::move(running_));
      session_->SetDryRun(options.dry_run());
    }
    return session_->OnMessage(message);
  }
  absl::Status OnEnd(v1::ImportCustomersResponse* response) override {
    if (!session_) return InvalidField("options", "the stream closed before any message");
    return session_->OnEnd(response);
  }

 private:
  const CallContext& call_;
  MakeImporter make_;
  std::unique_ptr<BulkLoads::Running> running_;  // handed to the session
  std::unique_ptr<ImportSession> session_;
};

// Each customer's primary contact, by customer id.
std::map<int64_t, v1::Contact> PrimaryContacts(Database& db, const CallContext& call,
                                               const std::vector<v1::Customer>& customers,
                                               absl::Status& status) {
  std::map<int64_t, v1::Contact> contacts;
  if (customers.empty()) return contacts;
  status = db.Run("customer.export.contacts", call.deadline, [&](MySqlConnection& c) {
    sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(
        "SELECT customer_id, name, mobile_phone, office_phone, email, position FROM contacts"
        " WHERE is_primary = 1 AND deleted_at IS NULL AND customer_id IN (",
        InPlaceholders(customers.size()), ")"));
    for (size_t i = 0; i < PaddedInSize(customers.size()); ++i) {
      stmt.setInt64(static_cast<int>(i + 1), customers[std::min(i, customers.size() - 1)].id());
    }
    std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
    while (rs->next()) {
      v1::Contact& contact = contacts[rs->getInt64(1)];
      contact.set_name(rs->getString(2));
      contact.set_mobile_phone(rs->getString(3));
      contact.set_office_phone(rs->getString(4));
      contact.set_email(rs->getString(5));
      contact.set_position(rs->getString(6));
    }
    return absl::OkStatus();
  });
  return contacts;
}

class ExportStream : public ExportHandler {
 public:
  ExportStream(Database& db, CustomerRepository& customers, const CallContext& call,
               v1::ListCustomersRequest query)
      : db_(db), customers_(customers), call_(call), query_(std::move(query)) {}

  absl::StatusOr<bool> Next(v1::ExportCustomersResponse* message) override {
    if (done_) return false;
    std::string csv;
    if (!header_sent_) {
      AppendCsvRecord(csv, CustomerCsvHeader());
      header_sent_ = true;
    }
    CRM_ASSIGN_OR_RETURN(CustomerPage page, customers_.List(call_, query_, kExportPageRows, after_,
                                                            /*count_total=*/false));
    absl::Status status;
    const std::map<int64_t, v1::Contact> contacts =
        PrimaryContacts(db_, call_, page.customers, status);
    CRM_RETURN_IF_ERROR(status);
    for (const v1::Customer& customer : page.customers) {
      auto contact = contacts.find(customer.id());
      AppendCsvRecord(
          csv, CustomerCsvRecord(customer, contact == contacts.end() ? nullptr : &contact->second));
    }
    if (page.has_more) {
      const v1::Customer& last = page.customers.back();
      after_ = ListPosition{OrderValue(last, query_.order_by()), last.id()};
    } else {
      done_ = true;
    }
    message->set_csv_chunk(std::move(csv));
    return true;
  }

 private:
  Database& db_;
  CustomerRepository& customers_;
  const CallContext& call_;
  const v1::ListCustomersRequest query_;
  std::optional<ListPosition> after_;
  bool header_sent_ = false;
  bool done_ = false;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ImportHandler>> BulkHandlers::ImportCustomers(
    const CallContext& call) {
  std::unique_ptr<BulkLoads::Running> running;
  if (loads_ != nullptr) {
    running = loads_->TryStart();
    if (!running) {
      return absl::ResourceExhaustedError(
          absl::StrCat(BulkLoads::kMaxRunning,
                       " imports are running in this service; retry when one has finished"));
    }
  }
  return std::make_unique<DeferredImport>(
      call,
      [this, &call](const v1::ImportOptions& options) {
        CreateDefaults defaults{grades_.Current(),
                                FormatIsoDate(absl::ToCivilDay(call.Now(), zone_))};
        return std::make_unique<ImportWriter>(db_, customers_, contacts_, call, options,
                                              std::move(defaults));
      },
      std::move(running));
}

absl::StatusOr<std::unique_ptr<ExportHandler>> BulkHandlers::ExportCustomers(
    const CallContext& call, const v1::ExportCustomersRequest& request) {
  const v1::ListCustomersRequest& query = request.query();
  if (query.page_size() != 0)
    return InvalidField("query.page_size", "must be empty: all pages are exported");
  if (!query.page_token().empty()) return InvalidField("query.page_token", "must be empty");
  if (absl::Status s = ValidateListRequest(query); !s.ok()) {
    FieldViolations v;
    for (auto& [field, message] : FieldViolationsOf(s))
      v.Add(absl::StrCat("query.", field), message);
    return v.ToStatus();
  }
  return std::make_unique<ExportStream>(db_, customers_, call, query);
}

}  // namespace crm::customer
