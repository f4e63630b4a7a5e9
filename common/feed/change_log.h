// The transactional outbox: change rows written with the data, read as a feed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/rpc/call_context.h"

namespace google::protobuf {
class Message;
}
namespace crm::common::v1 {
class ListAuditEventsRequest;
class ListAuditEventsResponse;
class ListChangesRequest;
class ListChangesResponse;
}  // namespace crm::common::v1

namespace crm {

class Database;
class MySqlConnection;

// Values of crm.common.v1.ChangeOperation.
enum class ChangeOp { kCreate = 1, kUpdate = 2, kDelete = 3 };

// Records that `state` (the entity after the change) was created, updated or
// deleted by the call; `previous`, when given, is the entity before it (same
// type), kept with the names of the top-level fields that differ. Must run
// inside the caller's open transaction, as its last statement: it locks the
// feed's sequence counter until commit, which is what keeps sequence order
// equal to commit order. Throws sql::SQLException.
void AppendChange(MySqlConnection& connection, const CallContext& call, ChangeOp op,
                  int64_t entity_id, const google::protobuf::Message& state,
                  const google::protobuf::Message* previous = nullptr);

// The top-level fields of `after` that differ from `before` (same type), by
// name, in field order; etag and update_time (which every edit moves) left out.
std::vector<std::string> ChangedFields(const google::protobuf::Message& before,
                                       const google::protobuf::Message& after);

// One change of a batch (AppendChanges); `state` must outlive the call.
struct ChangeRecord {
  ChangeOp op;
  int64_t entity_id;
  const google::protobuf::Message* state;
};

// AppendChange for many changes at once (bulk import): one sequence
// reservation and multi-row inserts; the changes get consecutive sequences in
// the order given. Same rules as AppendChange (last statements of the
// transaction).
void AppendChanges(MySqlConnection& connection, const CallContext& call,
                   const std::vector<ChangeRecord>& changes);

// The highest sequence appended so far, read under a shared lock on the
// sequence counter: it waits for an append in flight to commit. Every change
// up to it is then visible to any read view created afterwards. Sequence
// order alone is not enough for a reader: MariaDB builds a read view by
// walking the active transactions without stopping commits, so a view can
// see sequence n + 1 and miss n (n committed while the walk was under way);
// a feed that skipped n would never deliver it. Call it outside a
// transaction (autocommit), where the lock ends with the statement, and
// bound the read by it (`sequence <= ?`). Throws sql::SQLException.
int64_t CommittedSequence(MySqlConnection& connection);

// Serves ListChanges: changes after request.after_sequence, oldest first.
// With `entity_type`, only changes of that type (sequences keep commit order).
absl::Status ListChanges(Database& db, const CallContext& call,
                         const common::v1::ListChangesRequest& request,
                         common::v1::ListChangesResponse* response,
                         const std::string& entity_type = "");

// Serves ListAuditEvents: changes filtered by actor, entity and time, newest first.
absl::Status ListAuditEvents(Database& db, const CallContext& call,
                             const common::v1::ListAuditEventsRequest& request,
                             common::v1::ListAuditEventsResponse* response);

}  // namespace crm
