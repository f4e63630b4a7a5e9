// Idempotent creates (a create carrying a request id): the shape every
// repository's Create shares.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "common/database.h"

namespace crm {

// Runs `insert(connection)` in a transaction, unless `replay(connection)`
// finds the record an earlier call with the same request key created (it
// returns a pointer-like value, null for none). When the insert fails with
// ALREADY_EXISTS while a key is given, a concurrent retry with the same id
// committed first (the request-id unique key): its record is the answer.
template <typename Record, typename Insert, typename Replay>
absl::StatusOr<Record> CreateOnce(Database& db, const std::string& operation, Deadline deadline,
                                  bool has_request_key, Insert insert, Replay replay) {
  absl::StatusOr<Record> result =
      db.RunInTransaction(operation, deadline, [&](MySqlConnection& c) -> absl::StatusOr<Record> {
        if (has_request_key) {
          if (auto first = replay(c)) return Record(*first);
        }
        return insert(c);
      });
  if (result.status().code() != absl::StatusCode::kAlreadyExists || !has_request_key) {
    return result;
  }
  return db.Run(operation + ".replay", deadline, [&](MySqlConnection& c) -> absl::StatusOr<Record> {
    if (auto first = replay(c)) return Record(*first);
    return result.status();
  });
}

}  // namespace crm
