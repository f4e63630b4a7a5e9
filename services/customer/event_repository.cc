// EventRepository: prepared statements over customer_events.
#include "services/customer/event_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/keyset_page.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "common/feed/change_log.h"
#include "common/feed/versioned_rows.h"
#include "crm/customer/v1/reference.pb.h"
#include "services/customer/customer_access.h"

namespace crm::customer {
namespace {

using v1::CustomerEvent;

constexpr char kEventSelect[] =
    "SELECT e.id, e.customer_id, e.type_code, e.occur_at, e.title, e.description, e.contact_id,"
    " e.recorded_by, e.created_at FROM customer_events e";
// Events are seen through their live customer (`c`, for RestrictCustomers).
constexpr char kVisibleJoin[] =
    " JOIN customers c ON c.id = e.customer_id AND c.deleted_at IS NULL";

CustomerEvent ReadEvent(sql::ResultSet& rs) {
  CustomerEvent e;
  e.set_id(rs.getInt64(1));
  e.set_customer_id(rs.getInt64(2));
  e.set_type_code(rs.getString(3));
  SqlDateTimeToTimestamp(rs.getString(4), e.mutable_occur_time());
  e.set_title(rs.getString(5));
  e.set_description(rs.getString(6));
  if (!rs.isNull(7)) e.set_contact_id(rs.getInt64(7));
  e.set_recorded_by(rs.getInt64(8));
  SqlDateTimeToTimestamp(rs.getString(9), e.mutable_create_time());
  return e;
}

// (Events are never edited: `for_update` changes nothing.)
std::unique_ptr<CustomerEvent> LoadEvent(MySqlConnection& c, int64_t id, bool /*for_update*/) {
  sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(kEventSelect, " WHERE e.id = ?"));
  stmt.setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  return std::make_unique<CustomerEvent>(ReadEvent(*rs));
}

bool IsActiveEventType(MySqlConnection& c, const std::string& code) {
  sql::PreparedStatement& stmt =
      c.Prepare("SELECT retired FROM dictionary_entries WHERE kind = ? AND code = ?");
  stmt.setInt(1, v1::DICTIONARY_KIND_EVENT_TYPE);
  stmt.setString(2, code);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  return rs->next() && rs->getInt(1) == 0;
}

bool IsLiveContactOf(MySqlConnection& c, int64_t contact_id, int64_t customer_id) {
  sql::PreparedStatement& stmt =
      c.Prepare("SELECT 1 FROM contacts WHERE id = ? AND customer_id = ? AND deleted_at IS NULL");
  stmt.setInt64(1, contact_id);
  stmt.setInt64(2, customer_id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  return rs->next();
}

const RecordTable<CustomerEvent> kEvents{"customer_events", "customer event", &LoadEvent};

}  // namespace

std::string EventTimeKey(const CustomerEvent& event) {
  return FormatSqlDateTime(FromTimestamp(event.occur_time()));
}

absl::StatusOr<CustomerEvent> EventRepository::Create(const CallContext& call,
                                                      const CustomerEvent& event,
                                                      const std::string& request_id) {
  auto insert = [&](MySqlConnection& c, const std::string& request_key) -> absl::StatusOr<int64_t> {
    // Locked first, so events of one customer queue here rather than
    // deadlock on the last-activity update below.
    if (!LoadCustomer(c, call.caller, event.customer_id(), Access::kWrite, /*for_update=*/true)) {
      return CustomerNotFound(event.customer_id());
    }
    FieldViolations v;
    if (!IsActiveEventType(c, event.type_code())) {
      v.Add("event.type_code", "must be an active event type (see ListDictionaryEntries)");
    }
    if (event.contact_id() != 0 && !IsLiveContactOf(c, event.contact_id(), event.customer_id())) {
      v.Add("event.contact_id", "must be a contact of the event's customer");
    }
    CRM_RETURN_IF_ERROR(v.ToStatus());
    const std::string occur_at = FormatSqlDateTime(FromTimestamp(event.occur_time()));
    sql::PreparedStatement& stmt = c.Prepare(
        "INSERT INTO customer_events (customer_id, type_code, occur_at, title, description,"
        " contact_id, recorded_by, create_request_id, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    stmt.setInt64(1, event.customer_id());
    stmt.setString(2, event.type_code());
    stmt.setDateTime(3, occur_at);
    stmt.setString(4, event.title());
    stmt.setString(5, event.description());
    SetIdOrNull(stmt, 6, event.contact_id());
    stmt.setInt64(7, event.recorded_by());
    SetStringOrNull(stmt, 8, request_key);
    stmt.setDateTime(9, FormatSqlDateTime(call.Now()));
    stmt.executeUpdate();
    const int64_t id = c.LastInsertId();
    // Activity is a derived figure, not an edit of the customer: no new
    // version (an etag held by someone editing it stays good) and no change row.
    sql::PreparedStatement& activity = c.Prepare(
        "UPDATE customers SET last_activity_at = GREATEST(last_activity_at, ?) WHERE id = ?");
    activity.setDateTime(1, occur_at);
    activity.setInt64(2, event.customer_id());
    activity.executeUpdate();
    return id;
  };
  return CreateOnce(db_, call, kEvents, request_id, insert);
}

absl::Status EventRepository::Delete(const CallContext& call, int64_t id) {
  return db_.RunInTransaction("event.delete", call.deadline, [&](MySqlConnection& c) {
    SqlWhere where;
    where.And("e.id = ?", {id});
    RestrictCustomers(where, call.caller, Access::kWrite);
    sql::PreparedStatement& find = c.Prepare(absl::StrCat(kEventSelect, kVisibleJoin, where.Sql()));
    where.Bind(find);
    std::unique_ptr<sql::ResultSet> rs(find.executeQuery());
    if (!rs->next()) return kEvents.NotFound(id);
    const CustomerEvent event = ReadEvent(*rs);
    sql::PreparedStatement& stmt = c.Prepare("DELETE FROM customer_events WHERE id = ?");
    stmt.setInt64(1, id);
    // Zero rows: a concurrent delete won, and it wrote the change row.
    if (stmt.executeUpdate() == 0) return kEvents.NotFound(id);
    AppendChange(c, call, ChangeOp::kDelete, id, event);
    return absl::OkStatus();
  });
}

absl::StatusOr<EventPage> EventRepository::List(const CallContext& call, const EventFilter& filter,
                                                int page_size,
                                                const std::optional<EventPosition>& after) {
  return db_.Run("event.list", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<EventPage> {
    SqlWhere where;
    RestrictCustomers(where, call.caller, Access::kRead);
    if (filter.customer_id != 0) where.And("e.customer_id = ?", {filter.customer_id});
    if (!filter.type_code.empty()) where.And("e.type_code = ?", {filter.type_code});
    if (filter.occur_after) {
      where.And("e.occur_at >= ?", {FormatSqlDateTime(*filter.occur_after)});
    }
    if (filter.occur_before) {
      where.And("e.occur_at < ?", {FormatSqlDateTime(*filter.occur_before)});
    }
    KeysetQuery q(absl::StrCat(kEventSelect, kVisibleJoin),
                  absl::StrCat("FROM customer_events e", kVisibleJoin), where,
                  " ORDER BY e.occur_at DESC, e.id DESC", page_size);
    if (after) {
      q.After("(e.occur_at < ? OR (e.occur_at = ? AND e.id < ?))",
              {after->occur_at, after->occur_at, after->id});
    }
    return ReadKeysetPage<CustomerEvent>(c, q, ReadEvent);
  });
}

}  // namespace crm::customer
