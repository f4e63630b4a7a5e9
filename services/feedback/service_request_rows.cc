// The service request rows: reading, showing and writing them.
#include "services/feedback/service_request_rows.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "services/feedback/calendar_repository.h"

namespace crm::feedback::request_rows {

using v1::Escalation;
using v1::ServiceRequest;
using v1::ServiceRequestEvent;

constexpr char kRequestColumns[] =
    "r.id, r.type, r.priority, r.customer_id, r.contact_id, r.subject, r.description,"
    " r.status, r.handler_id, r.satisfaction, r.feedback_comment, r.reopen_count, r.resolution,"
    " r.owner_id, r.owner_department_id, r.version, r.created_at, r.updated_at,"
    " r.sla_started_at, r.response_target_s, r.resolution_target_s, r.responded_at,"
    " r.paused_since, r.paused_seconds, r.response_level, r.resolution_level,"
    " r.owner_department_path, r.return_visit_count, r.return_visit_satisfied,"
    " r.response_warn, r.response_due, r.resolution_warn, r.resolution_due,"
    " r.schedule_revision";
const std::string kRequestSelect =
    absl::StrCat("SELECT ", kRequestColumns, " FROM service_requests r");
const std::string kSlaSelect =
    absl::StrCat("SELECT ", kRequestColumns, ", r.breach_at FROM service_requests r");

namespace {

std::optional<absl::Time> OptionalTime(sql::ResultSet& rs, int column) {
  if (rs.isNull(column)) return std::nullopt;
  absl::StatusOr<absl::Time> t = ParseSqlDateTime(rs.getString(column));
  if (!t.ok()) return std::nullopt;
  return *t;
}

absl::Time TimeAt(sql::ResultSet& rs, int column) {
  return OptionalTime(rs, column).value_or(absl::UnixEpoch());
}

}  // namespace

Row ReadRow(sql::ResultSet& rs) {
  Row row;
  ServiceRequest& r = row.request;
  r.set_id(rs.getInt64(1));
  r.set_type(static_cast<v1::RequestType>(rs.getInt(2)));
  r.set_priority(static_cast<v1::Priority>(rs.getInt(3)));
  r.set_customer_id(rs.getInt64(4));
  r.set_contact_id(rs.getInt64(5));
  r.set_subject(rs.getString(6));
  r.set_description(rs.getString(7));
  r.set_status(static_cast<v1::RequestStatus>(rs.getInt(8)));
  r.set_handler_employee_id(rs.getInt64(9));
  r.set_satisfaction(rs.getInt(10));
  r.set_feedback_comment(rs.getString(11));
  r.set_reopen_count(rs.getInt(12));
  r.set_resolution(rs.getString(13));
  r.set_owner_employee_id(rs.getInt64(14));
  r.set_owner_department_id(rs.getInt64(15));
  r.set_etag(EtagOf(rs.getInt64(16)));
  SqlDateTimeToTimestamp(rs.getString(17), r.mutable_create_time());
  SqlDateTimeToTimestamp(rs.getString(18), r.mutable_update_time());
  SlaFacts& f = row.facts;
  f.started = TimeAt(rs, 19);
  f.response_target = absl::Seconds(rs.getInt64(20));
  f.resolution_target = absl::Seconds(rs.getInt64(21));
  f.responded = OptionalTime(rs, 22);
  f.paused_since = OptionalTime(rs, 23);
  f.paused = absl::Seconds(rs.getInt64(24));
  f.response_level = rs.getInt(25);
  f.resolution_level = rs.getInt(26);
  row.owner_department_path = rs.getString(27);
  r.set_return_visit_count(rs.getInt(28));
  r.set_return_visit_satisfied(rs.getBoolean(29));
  // A clock runs when its deadline is stored (the third instant, above, is
  // the worker's, not shown).
  const std::optional<absl::Time> response_warn = OptionalTime(rs, 30);
  const std::optional<absl::Time> response_due = OptionalTime(rs, 31);
  if (response_warn && response_due) row.stored.response = {*response_warn, *response_due, {}};
  const std::optional<absl::Time> resolution_warn = OptionalTime(rs, 32);
  const std::optional<absl::Time> resolution_due = OptionalTime(rs, 33);
  if (resolution_warn && resolution_due) {
    row.stored.resolution = {*resolution_warn, *resolution_due, {}};
  }
  row.schedule_revision = rs.getInt64(34);
  return row;
}

ServiceRequest Present(Row row, const WorkCalendar& calendar, absl::Duration above_delay,
                       int64_t revision, absl::Time now) {
  const SlaSchedule s = row.schedule_revision == revision
                            ? row.stored
                            : ScheduleSla(row.facts, calendar, above_delay);
  auto fill = [now](v1::SlaClock* clock, absl::Duration target, absl::Duration used,
                    const std::optional<ClockInstants>& running) {
    clock->set_target_seconds(absl::ToInt64Seconds(target));
    clock->set_used_seconds(absl::ToInt64Seconds(used));
    clock->set_running(running.has_value());
    if (running) {
      if (running->due != absl::InfiniteFuture())
        SetTimestamp(running->due, clock->mutable_due_time());
      if (running->warn != absl::InfiniteFuture())
        SetTimestamp(running->warn, clock->mutable_at_risk_time());
      clock->set_breached(now >= running->due);
      clock->set_at_risk(now >= running->warn && now < running->due);
    } else {
      clock->set_breached(used > target);
    }
  };
  ServiceRequest& r = row.request;
  fill(r.mutable_first_response(), row.facts.response_target,
       ResponseTimeUsed(row.facts, calendar, now), s.response);
  fill(r.mutable_resolution_clock(), row.facts.resolution_target,
       ResolutionTimeUsed(row.facts, calendar, now), s.resolution);
  return std::move(r);
}

std::optional<Row> LoadRow(MySqlConnection& c, const VisibilityScope& scope, int64_t id,
                           bool for_update) {
  SqlWhere where;
  where.And("r.id = ?", {id});
  RestrictToScope(where, scope, "r.owner_id", "r.owner_department_path");
  sql::PreparedStatement& stmt =
      c.Prepare(absl::StrCat(kRequestSelect, where.Sql(), for_update ? " FOR UPDATE" : ""));
  where.Bind(stmt);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return std::nullopt;
  return ReadRow(*rs);
}

const VisibilityScope& Everything() {
  static const VisibilityScope* const all = new VisibilityScope{VisibilityScope::Kind::kAll, 0, ""};
  return *all;
}

const WorkCalendar& Operation::Calendar(MySqlConnection& c) {
  if (!calendar_) calendar_.emplace(LoadCalendar(c, zone_));
  return *calendar_;
}

int64_t Operation::Revision(MySqlConnection& c) {
  if (!revision_) revision_ = CalendarRevision(c);
  return *revision_;
}

RecordTable<ServiceRequest> Operation::Table() {
  return {"service_requests", "service request",
          [this](MySqlConnection& c, int64_t id, bool for_update) {
            // A request the caller locked to change stays theirs to read
            // back in the same operation, even once assigned away.
            const bool locked_here = locked_ && locked_->request.id() == id;
            const VisibilityScope scope = locked_here  ? Everything()
                                          : for_update ? WriteScopeOf(call_.caller)
                                                       : ScopeOf(call_.caller);
            std::optional<Row> row = LoadRow(c, scope, id, for_update);
            if (!row) return std::unique_ptr<ServiceRequest>();
            if (for_update) locked_ = *row;
            return std::make_unique<ServiceRequest>(Show(c, *row));
          },
          [this](MySqlConnection& c, int64_t id) {
            return LoadRow(c, ScopeOf(call_.caller), id, false).has_value();
          }};
}

ServiceRequest Operation::Show(MySqlConnection& c, Row row) {
  return Present(std::move(row), Calendar(c), above_delay_, Revision(c), call_.Now());
}

void SetTimeOrNull(sql::PreparedStatement& stmt, int index, std::optional<absl::Time> t) {
  if (t && *t != absl::InfiniteFuture()) {
    stmt.setDateTime(index, FormatSqlDateTime(*t));
  } else {
    stmt.setNull(index, 0);
  }
}

void WriteSchedule(MySqlConnection& c, int64_t id, const SlaFacts& f, const WorkCalendar& calendar,
                   absl::Duration above_delay, int64_t revision) {
  const SlaSchedule s = ScheduleSla(f, calendar, above_delay);
  sql::PreparedStatement& stmt = c.Prepare(
      "UPDATE service_requests SET responded_at = ?, paused_since = ?, paused_seconds = ?,"
      " response_level = ?, resolution_level = ?, response_due = ?, resolution_due = ?,"
      " at_risk_from = ?, breach_at = ?, next_escalation_at = ?, schedule_revision = ?,"
      " response_warn = ?, resolution_warn = ? WHERE id = ?");
  SetTimeOrNull(stmt, 1, f.responded);
  SetTimeOrNull(stmt, 2, f.paused_since);
  stmt.setInt64(3, absl::ToInt64Seconds(f.paused));
  stmt.setInt(4, f.response_level);
  stmt.setInt(5, f.resolution_level);
  SetTimeOrNull(stmt, 6, s.response ? std::optional<absl::Time>(s.response->due) : std::nullopt);
  SetTimeOrNull(stmt, 7,
                s.resolution ? std::optional<absl::Time>(s.resolution->due) : std::nullopt);
  SetTimeOrNull(stmt, 8, s.at_risk_from);
  SetTimeOrNull(stmt, 9, s.breach_at);
  SetTimeOrNull(stmt, 10, s.next_escalation);
  stmt.setInt64(11, revision);
  SetTimeOrNull(stmt, 12, s.response ? std::optional<absl::Time>(s.response->warn) : std::nullopt);
  SetTimeOrNull(stmt, 13,
                s.resolution ? std::optional<absl::Time>(s.resolution->warn) : std::nullopt);
  stmt.setInt64(14, id);
  stmt.executeUpdate();
}

void BindEditableColumns(sql::PreparedStatement& stmt, const ServiceRequest& r) {
  stmt.setInt64(1, r.contact_id());
  stmt.setString(2, r.subject());
  stmt.setString(3, r.description());
}

int64_t InsertEvent(MySqlConnection& c, const CallContext& call, int64_t request_id,
                    ServiceRequestEvent::Kind kind, v1::RequestStatus from, v1::RequestStatus to,
                    const std::string& note, int64_t escalation_id) {
  sql::PreparedStatement& stmt = c.Prepare(
      "INSERT INTO service_request_events (service_request_id, kind, from_status, to_status,"
      " actor, actor_employee_id, note, escalation_id, created_at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  stmt.setInt64(1, request_id);
  stmt.setInt(2, kind);
  stmt.setInt(3, from);
  stmt.setInt(4, to);
  stmt.setString(5, call.actor);
  stmt.setInt64(6, call.caller.employee_id);
  stmt.setString(7, note);
  stmt.setInt64(8, escalation_id);
  stmt.setDateTime(9, FormatSqlDateTime(call.Now()));
  stmt.executeUpdate();
  return c.LastInsertId();
}

int64_t DepartmentAbove(const std::string& path, int64_t department_id) {
  std::vector<absl::string_view> ids = absl::StrSplit(path, '/', absl::SkipEmpty());
  int64_t above = 0;
  if (ids.size() >= 2 && absl::SimpleAtoi(ids[ids.size() - 2], &above)) return above;
  return department_id;
}

extern const char kEscalationSelect[] =
    "SELECT e.id, e.service_request_id, e.clock, e.level, e.target_employee_id,"
    " e.target_department_id, e.created_at, e.due_at FROM escalations e";

Escalation ReadEscalation(sql::ResultSet& rs, int first) {
  Escalation e;
  e.set_id(rs.getInt64(first));
  e.set_service_request_id(rs.getInt64(first + 1));
  e.set_clock(static_cast<Escalation::Clock>(rs.getInt(first + 2)));
  e.set_level(rs.getInt(first + 3));
  e.set_target_employee_id(rs.getInt64(first + 4));
  e.set_target_department_id(rs.getInt64(first + 5));
  SqlDateTimeToTimestamp(rs.getString(first + 6), e.mutable_time());
  SqlDateTimeToTimestamp(rs.getString(first + 7), e.mutable_due_time());
  return e;
}

void WriteRecord(MySqlConnection& c, const ServiceRequest& r) {
  sql::PreparedStatement& stmt = c.Prepare(
      "UPDATE service_requests SET contact_id = ?, subject = ?, description = ?, status = ?,"
      " handler_id = ?, satisfaction = ?, feedback_comment = ?, reopen_count = ?,"
      " resolution = ?, return_visit_count = ?, return_visit_satisfied = ? WHERE id = ?");
  BindEditableColumns(stmt, r);
  stmt.setInt(4, r.status());
  stmt.setInt64(5, r.handler_employee_id());
  stmt.setInt(6, r.satisfaction());
  stmt.setString(7, r.feedback_comment());
  stmt.setInt(8, r.reopen_count());
  stmt.setString(9, r.resolution());
  stmt.setInt(10, r.return_visit_count());
  stmt.setBoolean(11, r.return_visit_satisfied());
  stmt.setInt64(12, r.id());
  stmt.executeUpdate();
}

}  // namespace crm::feedback::request_rows
