// Connection pool implementation.
#include "common/db/mysql_pool.h"

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

#include "absl/strings/str_cat.h"
#include "common/base/logging.h"

namespace crm {
namespace {

sql::mysql::MySQL_Driver* Driver() {
  static sql::mysql::MySQL_Driver* driver = sql::mysql::get_mysql_driver_instance();
  return driver;
}

// The connector needs mysql_thread_init/end on every thread that touches a
// connection; this runs it once per thread, on first use, and at thread exit.
struct ThreadRegistration {
  ThreadRegistration() { Driver()->threadInit(); }
  ~ThreadRegistration() { Driver()->threadEnd(); }
};

void EnsureThreadRegistered() { thread_local ThreadRegistration registration; }

// Session settings every connection gets: UTC times and strict SQL so that bad
// data is an error, never a silent truncation.
constexpr char kSessionSetup[] =
    "SET SESSION time_zone = '+00:00', "
    "sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,"
    "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'";

}  // namespace

MySqlConnection::MySqlConnection(std::unique_ptr<sql::Connection> connection,
                                 int statement_cache_size)
    : connection_(std::move(connection)),
      statement_cache_size_(static_cast<size_t>(std::max(1, statement_cache_size))),
      last_used_(std::chrono::steady_clock::now()) {}

MySqlConnection::~MySqlConnection() {
  // Statements must go before their connection.
  statements_.clear();
  plain_statement_.reset();
  try {
    if (connection_) connection_->close();
  } catch (const sql::SQLException&) {
    // Closing a dead connection may fail; nothing to do.
  }
}

sql::PreparedStatement& MySqlConnection::Prepare(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    TrimStatements(/*checkout_over=*/false);  // room first, so the bound holds with this one
    std::unique_ptr<sql::PreparedStatement> stmt(connection_->prepareStatement(sql));
    it = statements_.emplace(sql, CachedStatement{std::move(stmt), {}, 0}).first;
    recency_.push_front(&it->first);
  } else {
    it->second.statement->clearParameters();
    recency_.splice(recency_.begin(), recency_, it->second.recency);
  }
  it->second.recency = recency_.begin();
  it->second.checkout = checkout_;
  return *it->second.statement;
}

void MySqlConnection::TrimStatements(bool checkout_over) {
  while (statements_.size() >= statement_cache_size_ + (checkout_over ? 1 : 0)) {
    auto oldest = statements_.find(*recency_.back());
    if (!checkout_over && oldest->second.checkout == checkout_) return;  // all in use
    recency_.pop_back();
    statements_.erase(oldest);  // the connector closes it on the server
  }
}

int64_t MySqlConnection::LastInsertId() {
  std::unique_ptr<sql::ResultSet> rs(Prepare("SELECT LAST_INSERT_ID()").executeQuery());
  rs->next();
  return rs->getInt64(1);
}

void MySqlConnection::Execute(const std::string& sql) {
  if (!plain_statement_) plain_statement_.reset(connection_->createStatement());
  plain_statement_->execute(sql);
}

PooledConnection::PooledConnection(PooledConnection&& other) noexcept
    : pool_(other.pool_), slot_(other.slot_), connection_(other.connection_) {
  other.pool_ = nullptr;
}

PooledConnection::~PooledConnection() {
  if (pool_ != nullptr) pool_->Release(slot_);
}

MySqlPool::MySqlPool(MySqlOptions options) : options_(std::move(options)) {
  Driver();  // create the driver singleton before any worker thread races to it
  slots_.resize(std::max(1, options_.pool_size));
  for (size_t i = slots_.size(); i > 0; --i) idle_.push_back(i - 1);
}

MySqlPool::~MySqlPool() {
  EnsureThreadRegistered();
  slots_.clear();
}

absl::StatusOr<PooledConnection> MySqlPool::Acquire() {
  return Acquire(std::chrono::steady_clock::now() +
                 std::chrono::milliseconds(options_.acquire_timeout_ms));
}

absl::StatusOr<PooledConnection> MySqlPool::Acquire(Deadline deadline) {
  EnsureThreadRegistered();
  size_t slot;
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (idle_.empty()) {
      auto started = std::chrono::steady_clock::now();
      ++waits_;
      bool got = available_.wait_until(lock, deadline, [&] { return !idle_.empty(); });
      wait_micros_ += std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - started)
                          .count();
      if (!got) {
        ++timeouts_;
        return absl::ResourceExhaustedError("no database connection became free in time");
      }
    }
    slot = idle_.back();
    idle_.pop_back();
  }
  // Slots are owned by one checkout at a time, so the rest needs no lock.
  std::unique_ptr<MySqlConnection>& connection = slots_[slot];
  auto now = std::chrono::steady_clock::now();
  if (connection && !connection->broken() &&
      now - connection->last_used_ > std::chrono::milliseconds(options_.validate_after_idle_ms)) {
    bool valid = false;
    try {
      valid = connection->raw().isValid();
    } catch (const sql::SQLException&) {
    }
    if (!valid) connection->MarkBroken();
  }
  if (!connection || connection->broken()) {
    if (connection) ++replaced_;
    connection.reset();
    if (absl::Status status = Open(connection); !status.ok()) {
      Release(slot);
      return status;
    }
  }
  connection->BeginCheckout();
  return PooledConnection(this, slot, connection.get());
}

absl::Status MySqlPool::Open(std::unique_ptr<MySqlConnection>& slot) {
  sql::ConnectOptionsMap props;
  props["hostName"] = sql::SQLString(options_.socket.empty()
                                         ? absl::StrCat("tcp://", options_.host, ":", options_.port)
                                         : absl::StrCat("unix://", options_.socket));
  props["userName"] = sql::SQLString(options_.user);
  props["password"] = sql::SQLString(options_.password);
  props["schema"] = sql::SQLString(options_.database);
  props["OPT_CONNECT_TIMEOUT"] = options_.connect_timeout_s;
  props["OPT_READ_TIMEOUT"] = options_.read_timeout_s;
  props["OPT_WRITE_TIMEOUT"] = options_.write_timeout_s;
  props["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
  try {
    std::unique_ptr<sql::Connection> raw(Driver()->connect(props));
    auto connection =
        std::make_unique<MySqlConnection>(std::move(raw), options_.statement_cache_size);
    connection->Execute(kSessionSetup);
    slot = std::move(connection);
    return absl::OkStatus();
  } catch (const sql::SQLException& e) {
    ++connect_failures_;
    log::Warn("database connect failed", {{"host", options_.host},
                                          {"socket", options_.socket},
                                          {"port", options_.port},
                                          {"database", options_.database},
                                          {"mysql_error", e.getErrorCode()},
                                          {"detail", e.what()}});
    return absl::UnavailableError("the database is unavailable; retry later");
  }
}

void MySqlPool::Release(size_t slot) {
  std::unique_ptr<MySqlConnection>& connection = slots_[slot];
  if (connection) {
    if (connection->broken()) {
      connection.reset();  // reopened by the next checkout of this slot
      ++replaced_;
    } else {
      connection->last_used_ = std::chrono::steady_clock::now();
      try {
        connection->TrimStatements(/*checkout_over=*/true);
      } catch (const sql::SQLException&) {
        connection.reset();  // closing failed: the connection is in doubt
        ++replaced_;
      }
    }
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    idle_.push_back(slot);
  }
  available_.notify_one();
}

MySqlPoolStats MySqlPool::Stats() const {
  MySqlPoolStats stats;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stats.size = static_cast<int>(slots_.size());
    stats.in_use = static_cast<int>(slots_.size() - idle_.size());
  }
  stats.waits = waits_;
  stats.wait_micros = wait_micros_;
  stats.timeouts = timeouts_;
  stats.replaced = replaced_;
  stats.connect_failures = connect_failures_;
  return stats;
}

}  // namespace crm
