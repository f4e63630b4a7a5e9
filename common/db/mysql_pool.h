// A fixed-size pool of MySQL/MariaDB connections (Connector/C++ 1.1).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "common/base/deadline.h"

namespace sql {
class Connection;
class PreparedStatement;
class Statement;
}  // namespace sql

namespace crm {

struct MySqlOptions {
  std::string host = "127.0.0.1";
  int port = 3306;
  // A Unix socket path: when set, host and port are not used.
  std::string socket;
  std::string user;
  std::string password;
  std::string database;
  int pool_size = 8;
  int connect_timeout_s = 5;
  int read_timeout_s = 30;
  int write_timeout_s = 30;
  // A connection idle longer than this is pinged before it is handed out.
  int validate_after_idle_ms = 2000;
  // How long Acquire() waits for a free connection when the caller gives no deadline.
  int acquire_timeout_ms = 5000;
  // Prepared statements each connection keeps (least recently used go first).
  // Bounds the server's statements at pool_size x this per process, far under
  // MariaDB's max_prepared_stmt_count (16382) for every service together.
  int statement_cache_size = 64;
};

// One open connection plus its prepared-statement cache. Used by one thread at a
// time (the connector is not thread-safe per connection).
//
// The cache is bounded: past `statement_cache_size` statements the least
// recently used one is closed on the server. A statement used during the
// current checkout is never closed before the checkout ends (its caller may
// still hold it or a result set of it), so one checkout that prepares more
// than the bound grows the cache until the connection goes back to the pool.
class MySqlConnection {
 public:
  MySqlConnection(std::unique_ptr<sql::Connection> connection, int statement_cache_size);
  ~MySqlConnection();

  sql::Connection& raw() { return *connection_; }

  // A server-side prepared statement for `sql`, prepared once per connection and
  // reused while it stays cached; its parameters are cleared. The reference
  // stays valid until the connection goes back to the pool. Throws
  // sql::SQLException.
  sql::PreparedStatement& Prepare(const std::string& sql);

  // Statements prepared and cached on this connection now.
  size_t cached_statements() const { return statements_.size(); }

  // Runs a statement that takes no parameters (START TRANSACTION, SET ...).
  void Execute(const std::string& sql);

  // The AUTO_INCREMENT id of this session's last INSERT.
  int64_t LastInsertId();

  // Called when an error showed the connection is dead: it is replaced on release.
  void MarkBroken() { broken_ = true; }
  bool broken() const { return broken_; }

 private:
  friend class MySqlPool;
  struct CachedStatement {
    std::unique_ptr<sql::PreparedStatement> statement;
    std::list<const std::string*>::iterator recency;
    uint64_t checkout = 0;  // the checkout that last used it
  };
  // A new checkout: statements used before it may be closed from now on.
  void BeginCheckout() { ++checkout_; }
  // Closes least recently used statements past the bound, sparing those the
  // current checkout used unless `checkout_over` (the connection is idle).
  void TrimStatements(bool checkout_over);

  std::unique_ptr<sql::Connection> connection_;
  std::unique_ptr<sql::Statement> plain_statement_;
  const size_t statement_cache_size_;
  std::unordered_map<std::string, CachedStatement> statements_;
  std::list<const std::string*> recency_;  // keys of statements_, most recent first
  uint64_t checkout_ = 0;
  std::chrono::steady_clock::time_point last_used_;
  bool broken_ = false;
};

class MySqlPool;

// A connection checked out of the pool; returned when destroyed.
class PooledConnection {
 public:
  PooledConnection(PooledConnection&& other) noexcept;
  PooledConnection& operator=(PooledConnection&&) = delete;
  PooledConnection(const PooledConnection&) = delete;
  ~PooledConnection();

  MySqlConnection& operator*() { return *connection_; }
  MySqlConnection* operator->() { return connection_; }

 private:
  friend class MySqlPool;
  PooledConnection(MySqlPool* pool, size_t slot, MySqlConnection* connection)
      : pool_(pool), slot_(slot), connection_(connection) {}
  MySqlPool* pool_;
  size_t slot_;
  MySqlConnection* connection_;
};

struct MySqlPoolStats {
  int size = 0;
  int in_use = 0;
  int64_t waits = 0;        // checkouts that had to wait for a free connection
  int64_t wait_micros = 0;  // total time spent waiting
  int64_t timeouts = 0;     // checkouts that gave up
  int64_t replaced = 0;     // broken or failed-validation connections reopened
  int64_t connect_failures = 0;
};

// Fixed number of slots; connections open lazily and are validated on checkout
// when they were idle, reopened when marked broken. No auto-reconnect inside
// the connector: a lost connection surfaces as an error, never as a silently
// retried statement.
class MySqlPool {
 public:
  explicit MySqlPool(MySqlOptions options);
  ~MySqlPool();
  MySqlPool(const MySqlPool&) = delete;
  MySqlPool& operator=(const MySqlPool&) = delete;

  // Waits until `deadline` for a free connection: RESOURCE_EXHAUSTED on timeout,
  // UNAVAILABLE when the database cannot be reached.
  absl::StatusOr<PooledConnection> Acquire(Deadline deadline);
  absl::StatusOr<PooledConnection> Acquire();

  MySqlPoolStats Stats() const;
  const MySqlOptions& options() const { return options_; }

 private:
  friend class PooledConnection;
  void Release(size_t slot);
  absl::Status Open(std::unique_ptr<MySqlConnection>& slot);

  const MySqlOptions options_;
  mutable std::mutex mu_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<MySqlConnection>> slots_;
  std::vector<size_t> idle_;  // LIFO: the most recently used connection is reused first
  std::atomic<int64_t> waits_{0}, wait_micros_{0}, timeouts_{0}, replaced_{0}, connect_failures_{0};
};

}  // namespace crm
