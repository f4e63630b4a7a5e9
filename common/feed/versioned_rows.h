// The two write shapes every repository shares, written once. Both append the
// record's change row (the service's feed) in the same transaction.
//
// CreateOnce: the only way a record is created. The insert stores the
// caller's request key (create_request_id), so a retry with the same request
// id returns the record the first call made, even when the two race.
//
// UpdateVersioned: the only way a record with an etag changes. The row is
// locked, the etag checked (a stale one is ABORTED and nothing changes), the
// edit applied; an edit that changes nothing writes nothing (no new version,
// no change row); otherwise the row is written, its version and updated_at
// moved on, and the change appended.
//
// Both know the record's table by a RecordTable: its name, what it is called
// in errors, and how one is loaded.
#pragma once

#include <google/protobuf/util/message_differencer.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/record_helpers.h"
#include "common/feed/change_log.h"
#include "common/rpc/call_context.h"

namespace crm {

template <typename Record>
struct RecordTable {
  // The SQL table (a constant): its rows have id, version, updated_at and
  // create_request_id columns.
  const char* table;
  // What a record is called in messages: "competitor".
  const char* entity;
  // The record with `id`; null when there is none (or, for tables that keep
  // deleted rows, it is deleted). `for_update`: about to be changed, so
  // locked FOR UPDATE (and, for owned records, within what the caller may
  // change: a table made per call). Throws sql::SQLException.
  std::function<std::unique_ptr<Record>(MySqlConnection& connection, int64_t id, bool for_update)>
      load;
  // For owned records: whether the caller may still see record `id`. A
  // retried create whose record has since moved out of the caller's sight
  // (transferred, say) is ALREADY_EXISTS and shows nothing of it. Empty:
  // always.
  std::function<bool(MySqlConnection& connection, int64_t id)> visible = nullptr;

  absl::Status NotFound(int64_t id) const {
    return absl::NotFoundError(absl::StrCat(entity, " ", id, " not found"));
  }
};

// Creates a record: `insert(connection, request_key)` writes its row(s), with
// create_request_id = request_key (NULL when it is empty: no request id), and
// returns the new id or an error (which rolls everything back). The stored
// record is returned and its change appended. `request_id` is the request's;
// the key stored is the caller's (CallerRequestKey), so one caller's id never
// returns another caller's record.
//
// CreateOnceLocked is the same with `lock(connection)` (an absl::Status; an
// error is returned as is) run first in the transaction, before the request
// key is looked up: for records whose create locks a parent row (a contact's
// customer) and must read under that lock. InnoDB takes a transaction's
// snapshot at its first plain read, so the lookup must come after the lock,
// or a change committed while the lock was awaited stays invisible.
template <typename Record, typename Lock, typename Insert>
absl::StatusOr<Record> CreateOnceLocked(Database& db, const CallContext& call,
                                        const RecordTable<Record>& table,
                                        const std::string& request_id, Lock lock, Insert insert) {
  const std::string key = CallerRequestKey(call, request_id);
  const std::string operation = absl::StrCat(table.entity, ".create");
  // The first create's record; null when there was none; an error when it is
  // out of the caller's sight now.
  auto replay = [&](MySqlConnection& c) -> absl::StatusOr<std::unique_ptr<Record>> {
    const int64_t first = FindByRequestKey(c, table.table, key);
    if (first == 0) return nullptr;
    if (table.visible && !table.visible(c, first)) {
      return absl::AlreadyExistsError(
          absl::StrCat("this request_id was used by an earlier create whose ", table.entity,
                       " you can no longer see; use a new request_id"));
    }
    return table.load(c, first, /*for_update=*/false);
  };
  absl::StatusOr<Record> created = db.RunInTransaction(
      operation, call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<Record> {
        CRM_RETURN_IF_ERROR(lock(c));
        if (!key.empty()) {
          CRM_ASSIGN_OR_RETURN(std::unique_ptr<Record> first, replay(c));
          if (first) return std::move(*first);
        }
        absl::StatusOr<int64_t> id = insert(c, key);
        if (!id.ok()) return id.status();
        std::unique_ptr<Record> stored = table.load(c, *id, /*for_update=*/false);
        if (!stored) return absl::InternalError(absl::StrCat(table.entity, " vanished on create"));
        AppendChange(c, call, ChangeOp::kCreate, *id, *stored);
        return std::move(*stored);
      });
  // A concurrent retry with the same request id committed first: the
  // create_request_id unique key refused this one, and the first is the answer.
  if (created.status().code() != absl::StatusCode::kAlreadyExists || key.empty()) return created;
  return db.Run(operation + ".replay", call.deadline,
                [&](MySqlConnection& c) -> absl::StatusOr<Record> {
                  CRM_ASSIGN_OR_RETURN(std::unique_ptr<Record> first, replay(c));
                  if (first) return std::move(*first);
                  return created.status();
                });
}

template <typename Record, typename Insert>
absl::StatusOr<Record> CreateOnce(Database& db, const CallContext& call,
                                  const RecordTable<Record>& table, const std::string& request_id,
                                  Insert insert) {
  return CreateOnceLocked(
      db, call, table, request_id, [](MySqlConnection&) { return absl::OkStatus(); }, insert);
}

// Updates record `id`: locks it (NOT_FOUND when missing), checks `etag`
// (empty: no check), lets `edit(connection, record)` change it (an error
// rolls back), and, when the record then differs from what was stored, lets
// `write(connection, record)` write its fields, moves version and updated_at
// on and appends the change (as `op`: kDelete for a move to the recycle bin).
// Returns the record as stored.
//
// UpdateVersionedThen is the same with `last(connection, record)` (an
// absl::Status; an error rolls everything back) run after the record is
// written, just before its change is appended: for a step that locks a row
// many writes queue on (a hot product's stock), so the lock is held for as
// few statements as possible before the commit.
template <typename Record, typename Edit, typename Write, typename Last>
absl::StatusOr<Record> UpdateVersionedThen(Database& db, const CallContext& call,
                                           const RecordTable<Record>& table, int64_t id,
                                           const std::string& etag, Edit edit, Write write,
                                           Last last, ChangeOp op = ChangeOp::kUpdate) {
  return db.RunInTransaction(
      absl::StrCat(table.entity, ".update"), call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<Record> {
        std::unique_ptr<Record> record = table.load(c, id, /*for_update=*/true);
        if (!record) return table.NotFound(id);
        CRM_RETURN_IF_ERROR(CheckEtag(etag, VersionOfEtag(record->etag()), table.entity));
        const Record before = *record;
        CRM_RETURN_IF_ERROR(edit(c, *record));
        if (google::protobuf::util::MessageDifferencer::Equals(before, *record)) return before;
        write(c, *record);
        TouchVersion(c, table.table, id, call.Now());
        std::unique_ptr<Record> stored = table.load(c, id, /*for_update=*/false);
        if (!stored) return absl::InternalError(absl::StrCat(table.entity, " vanished on update"));
        CRM_RETURN_IF_ERROR(last(c, *stored));
        AppendChange(c, call, op, id, *stored, &before);
        return std::move(*stored);
      });
}

template <typename Record, typename Edit, typename Write>
absl::StatusOr<Record> UpdateVersioned(Database& db, const CallContext& call,
                                       const RecordTable<Record>& table, int64_t id,
                                       const std::string& etag, Edit edit, Write write,
                                       ChangeOp op = ChangeOp::kUpdate) {
  return UpdateVersionedThen(
      db, call, table, id, etag, edit, write,
      [](MySqlConnection&, const Record&) { return absl::OkStatus(); }, op);
}

}  // namespace crm
