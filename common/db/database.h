// Runs repository code on a pooled connection with errors mapped once.
#pragma once

#include <cppconn/exception.h>

#include <exception>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/db/mysql_errors.h"
#include "common/db/mysql_pool.h"

namespace crm {

namespace database_internal {
// Logs and maps a non-connector exception.
absl::Status MapUnexpected(const std::exception& e, absl::string_view operation);
// Maps a connector error and marks the connection for replacement when it died.
absl::Status MapAndMark(MySqlConnection& connection, const sql::SQLException& e,
                        absl::string_view operation);
void Begin(MySqlConnection& connection);
void BeginSnapshot(MySqlConnection& connection);
void Commit(MySqlConnection& connection);
// Rolls back, swallowing errors (the connection is marked broken if it failed).
void RollbackQuietly(MySqlConnection& connection);
constexpr int kMaxTransactionAttempts = 3;
}  // namespace database_internal

// Repositories call Run / RunInTransaction with a lambda taking a
// MySqlConnection&. The lambda returns absl::Status or absl::StatusOr<T> and may
// throw sql::SQLException; the exception never escapes: it is logged and mapped
// (see MapSqlError). `operation` names the work in logs ("customer.get").
class Database {
 public:
  explicit Database(MySqlPool& pool) : pool_(pool) {}

  template <typename Fn>
  auto Run(absl::string_view operation, Deadline deadline, Fn&& fn)
      -> std::invoke_result_t<Fn, MySqlConnection&> {
    auto connection = pool_.Acquire(deadline);
    if (!connection.ok()) return connection.status();
    MySqlConnection& c = **connection;
    try {
      return fn(c);
    } catch (const sql::SQLException& e) {
      return database_internal::MapAndMark(c, e, operation);
    } catch (const std::exception& e) {
      return database_internal::MapUnexpected(e, operation);
    }
  }

  // Runs fn between START TRANSACTION and COMMIT. A non-OK result or an
  // exception rolls back, so nothing is partly written. A deadlock or lock
  // wait timeout retries the whole transaction (fn must only touch the
  // database) up to three times before the client sees ABORTED.
  template <typename Fn>
  auto RunInTransaction(absl::string_view operation, Deadline deadline, Fn&& fn)
      -> std::invoke_result_t<Fn, MySqlConnection&> {
    using Result = std::invoke_result_t<Fn, MySqlConnection&>;
    auto connection = pool_.Acquire(deadline);
    if (!connection.ok()) return connection.status();
    MySqlConnection& c = **connection;
    for (int attempt = 1;; ++attempt) {
      try {
        database_internal::Begin(c);
        Result result = fn(c);
        if (result.ok()) {
          database_internal::Commit(c);
        } else {
          database_internal::RollbackQuietly(c);
        }
        return result;
      } catch (const sql::SQLException& e) {
        database_internal::RollbackQuietly(c);
        if (IsTransactionRetryable(e.getErrorCode()) &&
            attempt < database_internal::kMaxTransactionAttempts &&
            std::chrono::steady_clock::now() < deadline) {
          continue;
        }
        return database_internal::MapAndMark(c, e, operation);
      } catch (const std::exception& e) {
        database_internal::RollbackQuietly(c);
        return database_internal::MapUnexpected(e, operation);
      }
    }
  }

  // Runs fn's reads in one consistent snapshot (a read-only transaction): a
  // result built from several statements never mixes the states before and
  // after a write that commits between them. Nothing is retried.
  template <typename Fn>
  auto RunInSnapshot(absl::string_view operation, Deadline deadline, Fn&& fn)
      -> std::invoke_result_t<Fn, MySqlConnection&> {
    return Run(operation, deadline, [&](MySqlConnection& c) {
      database_internal::BeginSnapshot(c);
      try {
        auto result = fn(c);
        database_internal::Commit(c);
        return result;
      } catch (...) {
        // Never hand the connection on inside a read-only transaction.
        database_internal::RollbackQuietly(c);
        throw;
      }
    });
  }

  MySqlPool& pool() { return pool_; }

 private:
  MySqlPool& pool_;
};

}  // namespace crm
