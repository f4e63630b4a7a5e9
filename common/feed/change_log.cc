// Change log writes and the ListChanges query.
#include "common/feed/change_log.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <memory>
#include <set>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/multi_row.h"
#include "common/db/sql_time.h"
#include "common/rpc/paging.h"
#include "crm/common/v1/audit.pb.h"
#include "crm/common/v1/changes.pb.h"

namespace crm {
namespace {
// Feeds and audit pages are read by machines catching up: larger pages.
constexpr PageLimits kChangePages{100, 1000};
constexpr char kTypeUrlPrefix[] = "type.googleapis.com/";
constexpr char kColumns[] =
    "sequence, entity_type, entity_id, operation, actor, request_id, change_time, state_type, "
    "state, previous_state, changed_fields";

void ReadChange(sql::ResultSet& rs, common::v1::Change* change) {
  change->set_sequence(rs.getInt64(1));
  change->set_entity_type(rs.getString(2));
  change->set_entity_id(rs.getInt64(3));
  change->set_operation(static_cast<common::v1::ChangeOperation>(rs.getInt(4)));
  change->set_actor(rs.getString(5));
  change->set_request_id(rs.getString(6));
  SqlDateTimeToTimestamp(rs.getString(7), change->mutable_change_time());
  change->mutable_state()->set_type_url(kTypeUrlPrefix + std::string(rs.getString(8)));
  change->mutable_state()->set_value(rs.getString(9));
  if (!rs.isNull(10)) {
    change->mutable_previous_state()->set_type_url(change->state().type_url());
    change->mutable_previous_state()->set_value(rs.getString(10));
  }
  const std::string changed = rs.getString(11);
  for (absl::string_view field : absl::StrSplit(changed, ',', absl::SkipEmpty())) {
    change->add_changed_fields(std::string(field));
  }
}

// Collects the first field of each difference's path: a top-level field.
class TopLevelFields : public google::protobuf::util::MessageDifferencer::Reporter {
 public:
  using Path = std::vector<google::protobuf::util::MessageDifferencer::SpecificField>;
  void ReportAdded(const google::protobuf::Message&, const google::protobuf::Message&,
                   const Path& path) override {
    Add(path);
  }
  void ReportDeleted(const google::protobuf::Message&, const google::protobuf::Message&,
                     const Path& path) override {
    Add(path);
  }
  void ReportModified(const google::protobuf::Message&, const google::protobuf::Message&,
                      const Path& path) override {
    Add(path);
  }
  std::set<const google::protobuf::FieldDescriptor*> fields;

 private:
  void Add(const Path& path) {
    if (!path.empty() && path[0].field != nullptr) fields.insert(path[0].field);
  }
};

std::string ToSqlTime(const google::protobuf::Timestamp& t) {
  return FormatSqlDateTime(absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos()));
}

}  // namespace

std::vector<std::string> ChangedFields(const google::protobuf::Message& before,
                                       const google::protobuf::Message& after) {
  TopLevelFields reporter;
  google::protobuf::util::MessageDifferencer differencer;
  differencer.ReportDifferencesTo(&reporter);
  differencer.Compare(before, after);
  std::vector<const google::protobuf::FieldDescriptor*> fields(reporter.fields.begin(),
                                                               reporter.fields.end());
  std::sort(fields.begin(), fields.end(), [](auto* a, auto* b) { return a->index() < b->index(); });
  std::vector<std::string> names;
  for (const google::protobuf::FieldDescriptor* field : fields) {
    if (field->name() != "etag" && field->name() != "update_time") names.push_back(field->name());
  }
  return names;
}

void AppendChange(MySqlConnection& c, const CallContext& call, ChangeOp op, int64_t entity_id,
                  const google::protobuf::Message& state,
                  const google::protobuf::Message* previous) {
  // LAST_INSERT_ID(expr) hands the new value to the next statement on this
  // session without a SELECT round trip.
  c.Prepare(
       "UPDATE change_sequence SET last_sequence = LAST_INSERT_ID(last_sequence + 1)"
       " WHERE id = 1")
      .executeUpdate();
  const std::string& type = state.GetDescriptor()->full_name();
  std::istringstream blob(state.SerializeAsString());
  std::istringstream previous_blob(previous ? previous->SerializeAsString() : "");
  sql::PreparedStatement& insert = c.Prepare(
      "INSERT INTO change_log (sequence, entity_type, entity_id, operation, actor, request_id,"
      " change_time, state_type, state, previous_state, changed_fields)"
      " VALUES (LAST_INSERT_ID(), ?, ?, ?, ?, ?, UTC_TIMESTAMP(6), ?, ?, ?, ?)");
  insert.setString(1, type);
  insert.setInt64(2, entity_id);
  insert.setInt(3, static_cast<int>(op));
  insert.setString(4, call.actor);
  insert.setString(5, call.request_id);
  insert.setString(6, type);
  insert.setBlob(7, &blob);
  if (previous != nullptr) {
    insert.setBlob(8, &previous_blob);
    insert.setString(9, absl::StrJoin(ChangedFields(*previous, state), ","));
  } else {
    insert.setNull(8, 0);
    insert.setString(9, "");
  }
  insert.executeUpdate();
}

void AppendChanges(MySqlConnection& c, const CallContext& call,
                   const std::vector<ChangeRecord>& changes) {
  if (changes.empty()) return;
  sql::PreparedStatement& reserve = c.Prepare(
      "UPDATE change_sequence SET last_sequence = LAST_INSERT_ID(last_sequence + ?) WHERE id = 1");
  reserve.setInt64(1, static_cast<int64_t>(changes.size()));
  reserve.executeUpdate();
  const int64_t first = c.LastInsertId() - static_cast<int64_t>(changes.size()) + 1;
  // The connector reads blobs from streams that must live until execution.
  std::vector<std::string> blobs;
  blobs.reserve(changes.size());
  for (const ChangeRecord& change : changes) blobs.push_back(change.state->SerializeAsString());
  std::vector<std::unique_ptr<std::istringstream>> streams(changes.size());
  InsertRowsExactly(
      c,
      "INSERT INTO change_log (sequence, entity_type, entity_id, operation, actor, request_id,"
      " change_time, state_type, state) VALUES ",
      "(?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6), ?, ?)", "", changes.size(),
      [&](sql::PreparedStatement& insert, int i, size_t row, bool) {
        const ChangeRecord& change = changes[row];
        const std::string& type = change.state->GetDescriptor()->full_name();
        insert.setInt64(i++, first + static_cast<int64_t>(row));
        insert.setString(i++, type);
        insert.setInt64(i++, change.entity_id);
        insert.setInt(i++, static_cast<int>(change.op));
        insert.setString(i++, call.actor);
        insert.setString(i++, call.request_id);
        insert.setString(i++, type);
        streams[row] = std::make_unique<std::istringstream>(blobs[row]);
        insert.setBlob(i++, streams[row].get());
        return i;
      });
}

int64_t CommittedSequence(MySqlConnection& c) {
  std::unique_ptr<sql::ResultSet> rs(
      c.Prepare("SELECT last_sequence FROM change_sequence WHERE id = 1 LOCK IN SHARE MODE")
          .executeQuery());
  return rs->next() ? rs->getInt64(1) : 0;
}

absl::Status ListChanges(Database& db, const CallContext& call,
                         const common::v1::ListChangesRequest& request,
                         common::v1::ListChangesResponse* response,
                         const std::string& entity_type) {
  FieldViolations violations;
  if (request.after_sequence() < 0) violations.Add("after_sequence", "must not be negative");
  // The feed's position is after_sequence, not a token.
  CRM_ASSIGN_OR_RETURN(PageRequest page,
                       PageRequest::Parse(request.page_size(), "", 0, kChangePages, &violations));
  const int page_size = page.size();
  return db.Run("change_log.list", call.deadline, [&](MySqlConnection& c) -> absl::Status {
    const int64_t committed = CommittedSequence(c);
    sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(
        "SELECT ", kColumns, " FROM change_log WHERE sequence > ? AND sequence <= ?",
        entity_type.empty() ? "" : " AND entity_type = ?", " ORDER BY sequence LIMIT ?"));
    int index = 1;
    stmt.setInt64(index++, request.after_sequence());
    stmt.setInt64(index++, committed);
    if (!entity_type.empty()) stmt.setString(index++, entity_type);
    stmt.setInt(index, page_size + 1);  // one extra row tells whether more follow
    std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
    response->set_last_sequence(request.after_sequence());
    while (rs->next()) {
      if (response->changes_size() == page_size) {
        response->set_has_more(true);
        break;
      }
      common::v1::Change* change = response->add_changes();
      ReadChange(*rs, change);
      response->set_last_sequence(change->sequence());
    }
    return absl::OkStatus();
  });
}

absl::Status ListAuditEvents(Database& db, const CallContext& call,
                             const common::v1::ListAuditEventsRequest& request,
                             common::v1::ListAuditEventsResponse* response) {
  FieldViolations violations;
  if (request.entity_id() != 0 && request.entity_type().empty()) {
    violations.Add("entity_type", "is required with entity_id");
  }
  if (request.actor().size() > 128) violations.Add("actor", "is too long");
  if (request.entity_type().size() > 128) violations.Add("entity_type", "is too long");
  CRM_ASSIGN_OR_RETURN(PageRequest page,
                       PageRequest::ForRequest(request, "audit", kChangePages, &violations));
  CRM_ASSIGN_OR_RETURN(auto after, page.After<int64_t>());  // newest first: the last sequence
  const int64_t before_sequence = after ? std::get<0>(*after) : INT64_MAX;
  const int page_size = page.size();
  // The SQL text depends only on which filters are set: one cached statement each.
  std::string where = " WHERE sequence < ?";
  if (!request.actor().empty()) where += " AND actor = ?";
  if (!request.entity_type().empty()) where += " AND entity_type = ?";
  if (request.entity_id() != 0) where += " AND entity_id = ?";
  if (request.has_start_time()) where += " AND change_time >= ?";
  if (request.has_end_time()) where += " AND change_time < ?";
  return db.Run("change_log.audit", call.deadline, [&](MySqlConnection& c) -> absl::Status {
    sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(
        "SELECT ", kColumns, " FROM change_log", where, " ORDER BY sequence DESC LIMIT ?"));
    int index = 1;
    stmt.setInt64(index++, before_sequence);
    if (!request.actor().empty()) stmt.setString(index++, request.actor());
    if (!request.entity_type().empty()) stmt.setString(index++, request.entity_type());
    if (request.entity_id() != 0) stmt.setInt64(index++, request.entity_id());
    if (request.has_start_time()) stmt.setDateTime(index++, ToSqlTime(request.start_time()));
    if (request.has_end_time()) stmt.setDateTime(index++, ToSqlTime(request.end_time()));
    stmt.setInt(index, page_size + 1);
    std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
    while (rs->next()) {
      if (response->events_size() == page_size) {
        response->set_next_page_token(
            page.NextToken(true, {absl::StrCat(response->events(page_size - 1).sequence())}));
        break;
      }
      ReadChange(*rs, response->add_events());
    }
    return absl::OkStatus();
  });
}

}  // namespace crm
