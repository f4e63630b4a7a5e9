// Connector error classification.
#include "common/db/mysql_errors.h"

#include <cppconn/exception.h>

#include "common/base/logging.h"
#include "common/base/status_util.h"

namespace crm {

bool IsConnectionLost(int code) {
  switch (code) {
    case 2002:  // can't connect through socket
    case 2003:  // can't connect to server
    case 2006:  // server has gone away
    case 2013:  // lost connection during query
    case 2055:  // lost connection (system error)
    case 4031:  // disconnected by the server for inactivity
    case 1927:  // connection was killed (MariaDB)
      return true;
    default:
      return false;
  }
}

bool IsTransactionRetryable(int code) {
  return code == mysql_error::kDeadlock || code == mysql_error::kLockWaitTimeout;
}

absl::Status MapSqlError(const sql::SQLException& e, absl::string_view operation) {
  const int code = e.getErrorCode();
  log::Warn("database error", {{"operation", operation},
                               {"mysql_error", code},
                               {"sql_state", e.getSQLState()},
                               {"detail", e.what()}});
  if (code == mysql_error::kDuplicateKey) {
    return absl::AlreadyExistsError("a record with the same unique value already exists");
  }
  if (IsTransactionRetryable(code)) {
    return absl::AbortedError("the operation conflicted with a concurrent change; retry it");
  }
  if (code == mysql_error::kStatementTimeout) {
    return absl::DeadlineExceededError("the database query took too long");
  }
  if (IsConnectionLost(code) || code == 1040 /* too many connections */) {
    return absl::UnavailableError("the database is unavailable; retry later");
  }
  // States an operator puts right (or a failover does): the caller can only
  // retry later, and nothing was written.
  if (code == mysql_error::kReadOnly || code == mysql_error::kReadOnlyTransaction) {
    return WithErrorInfo(
        absl::UnavailableError("the database accepts no writes at the moment; retry later"),
        "DATABASE_READ_ONLY");
  }
  if (code == mysql_error::kDiskFull || code == mysql_error::kTableFull) {
    return WithErrorInfo(
        absl::UnavailableError("the database has no room to write at the moment; retry later"),
        "DATABASE_FULL");
  }
  return absl::InternalError("internal database error");
}

}  // namespace crm
