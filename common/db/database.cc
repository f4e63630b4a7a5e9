// Non-template parts of Database.
#include "common/db/database.h"

#include <cppconn/connection.h>

#include "common/base/logging.h"

namespace crm::database_internal {

absl::Status MapUnexpected(const std::exception& e, absl::string_view operation) {
  log::Error("unexpected error", {{"operation", operation}, {"detail", e.what()}});
  return absl::InternalError("internal error");
}

absl::Status MapAndMark(MySqlConnection& connection, const sql::SQLException& e,
                        absl::string_view operation) {
  if (IsConnectionLost(e.getErrorCode())) connection.MarkBroken();
  return MapSqlError(e, operation);
}

void Begin(MySqlConnection& connection) { connection.Execute("START TRANSACTION"); }

void BeginSnapshot(MySqlConnection& connection) {
  connection.Execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
}

// COMMIT and ROLLBACK as statements: Connector/C++ 1.1's commit() and
// rollback() ignore the server's answer, so a connection lost before the
// commit would report a rolled-back write as committed.
void Commit(MySqlConnection& connection) { connection.Execute("COMMIT"); }

void RollbackQuietly(MySqlConnection& connection) {
  try {
    connection.Execute("ROLLBACK");
  } catch (const sql::SQLException&) {
    // If even ROLLBACK fails the session is unusable; never hand it out again.
    connection.MarkBroken();
  }
}

}  // namespace crm::database_internal
