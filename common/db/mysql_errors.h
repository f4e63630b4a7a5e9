// The one place connector errors become status codes.
#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace sql {
class SQLException;
}

namespace crm {

// MySQL/MariaDB error numbers the services react to.
namespace mysql_error {
inline constexpr int kDuplicateKey = 1062;
inline constexpr int kLockWaitTimeout = 1205;
inline constexpr int kDeadlock = 1213;
inline constexpr int kStatementTimeout = 1969;     // MariaDB max_statement_time
inline constexpr int kReadOnly = 1290;             // running with --read-only
inline constexpr int kReadOnlyTransaction = 1792;  // a write in a read-only transaction
inline constexpr int kDiskFull = 1021;
inline constexpr int kTableFull = 1114;  // InnoDB's answer when its files cannot grow
inline constexpr int kServerGone = 2006;
inline constexpr int kLostConnection = 2013;
}  // namespace mysql_error

// True when the connection is unusable after this error and must be replaced.
bool IsConnectionLost(int error_code);

// True when retrying the whole transaction may succeed (deadlock, lock wait).
bool IsTransactionRetryable(int error_code);

// Maps a connector error to the status a client sees, and logs the detail,
// which never leaves the process: duplicate key -> ALREADY_EXISTS, deadlock or
// lock wait -> ABORTED, lost connection -> UNAVAILABLE, anything else -> INTERNAL.
// `operation` names what was being done, for the log.
absl::Status MapSqlError(const sql::SQLException& e, absl::string_view operation);

}  // namespace crm
