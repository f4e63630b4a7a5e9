// Change log writes and the ListChanges query.
#include "common/change_log.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>
#include <sstream>

#include "common/database.h"
#include "common/sql_time.h"
#include "common/status_util.h"
#include "crm/common/v1/changes.pb.h"

namespace crm {
namespace {
constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;
constexpr char kTypeUrlPrefix[] = "type.googleapis.com/";
}  // namespace

void AppendChange(MySqlConnection& c, const CallContext& call, ChangeOp op, int64_t entity_id,
                  const google::protobuf::Message& state) {
  // LAST_INSERT_ID(expr) hands the new value to the next statement on this
  // session without a SELECT round trip.
  c.Prepare(
       "UPDATE change_sequence SET last_sequence = LAST_INSERT_ID(last_sequence + 1)"
       " WHERE id = 1")
      .executeUpdate();
  const std::string& type = state.GetDescriptor()->full_name();
  std::istringstream blob(state.SerializeAsString());
  sql::PreparedStatement& insert = c.Prepare(
      "INSERT INTO change_log (sequence, entity_type, entity_id, operation, actor, request_id,"
      " change_time, state_type, state)"
      " VALUES (LAST_INSERT_ID(), ?, ?, ?, ?, ?, UTC_TIMESTAMP(6), ?, ?)");
  insert.setString(1, type);
  insert.setInt64(2, entity_id);
  insert.setInt(3, static_cast<int>(op));
  insert.setString(4, call.actor);
  insert.setString(5, call.request_id);
  insert.setString(6, type);
  insert.setBlob(7, &blob);
  insert.executeUpdate();
}

absl::Status ListChanges(Database& db, const CallContext& call,
                         const common::v1::ListChangesRequest& request,
                         common::v1::ListChangesResponse* response) {
  FieldViolations violations;
  if (request.after_sequence() < 0) violations.Add("after_sequence", "must not be negative");
  if (request.page_size() < 0) violations.Add("page_size", "must not be negative");
  CRM_RETURN_IF_ERROR(violations.ToStatus());
  const int page_size =
      request.page_size() == 0 ? kDefaultPageSize : std::min(request.page_size(), kMaxPageSize);
  return db.Run("change_log.list", call.deadline, [&](MySqlConnection& c) -> absl::Status {
    sql::PreparedStatement& stmt = c.Prepare(
        "SELECT sequence, entity_type, entity_id, operation, actor, request_id, change_time,"
        " state_type, state FROM change_log WHERE sequence > ? ORDER BY sequence LIMIT ?");
    stmt.setInt64(1, request.after_sequence());
    stmt.setInt(2, page_size + 1);  // one extra row tells whether more follow
    std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
    response->set_last_sequence(request.after_sequence());
    while (rs->next()) {
      if (response->changes_size() == page_size) {
        response->set_has_more(true);
        break;
      }
      common::v1::Change* change = response->add_changes();
      change->set_sequence(rs->getInt64(1));
      change->set_entity_type(rs->getString(2));
      change->set_entity_id(rs->getInt64(3));
      change->set_operation(static_cast<common::v1::ChangeOperation>(rs->getInt(4)));
      change->set_actor(rs->getString(5));
      change->set_request_id(rs->getString(6));
      SqlDateTimeToTimestamp(rs->getString(7), change->mutable_change_time());
      change->mutable_state()->set_type_url(kTypeUrlPrefix + std::string(rs->getString(8)));
      change->mutable_state()->set_value(rs->getString(9));
      response->set_last_sequence(change->sequence());
    }
    return absl::OkStatus();
  });
}

}  // namespace crm
