// ServiceRequestRepository: prepared statements over service_requests,
// service_request_events and escalations.
#include "services/feedback/service_request_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <google/protobuf/util/message_differencer.h>

#include <memory>
#include <type_traits>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "common/db/visibility.h"
#include "common/feed/change_log.h"
#include "common/feed/versioned_rows.h"
#include "services/feedback/calendar_repository.h"

namespace crm::feedback {
namespace {

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
// The same, with the SLA lists' sort key last (column 35).
const std::string kSlaSelect =
    absl::StrCat("SELECT ", kRequestColumns, ", r.breach_at FROM service_requests r");

// A stored request: the record as clients see it (SLA clocks not yet
// filled in), its SLA facts and where its owner works.
struct Row {
  ServiceRequest request;
  SlaFacts facts;
  std::string owner_department_path;
  // The deadlines as last scheduled, and under which calendar revision.
  SlaSchedule stored;
  int64_t schedule_revision = 0;
};

std::optional<absl::Time> OptionalTime(sql::ResultSet& rs, int column) {
  if (rs.isNull(column)) return std::nullopt;
  absl::StatusOr<absl::Time> t = ParseSqlDateTime(rs.getString(column));
  if (!t.ok()) return std::nullopt;
  return *t;
}

absl::Time TimeAt(sql::ResultSet& rs, int column) {
  return OptionalTime(rs, column).value_or(absl::UnixEpoch());
}

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

// The record as of `now`, with both SLA clocks filled in: the deadlines as
// stored when they were scheduled under the current calendar (`revision`),
// else computed again (a calendar edit the worker has not yet applied).
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

// Every request, whoever owns it: what the SLA worker acts on.
const VisibilityScope& Everything() {
  static const VisibilityScope* const all = new VisibilityScope{VisibilityScope::Kind::kAll, 0, ""};
  return *all;
}

// One operation's view: the calendar, read once, and the facts of the row
// last locked for update.
class Operation {
 public:
  Operation(const CallContext& call, absl::TimeZone zone, absl::Duration above_delay)
      : call_(call), zone_(zone), above_delay_(above_delay) {}

  const WorkCalendar& Calendar(MySqlConnection& c) {
    if (!calendar_) calendar_.emplace(LoadCalendar(c, zone_));
    return *calendar_;
  }
  int64_t Revision(MySqlConnection& c) {
    if (!revision_) revision_ = CalendarRevision(c);
    return *revision_;
  }

  RecordTable<ServiceRequest> Table() {
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

  ServiceRequest Show(MySqlConnection& c, Row row) {
    return Present(std::move(row), Calendar(c), above_delay_, Revision(c), call_.Now());
  }

  const Row& locked() const { return *locked_; }
  absl::Duration above_delay() const { return above_delay_; }

 private:
  const CallContext& call_;
  absl::TimeZone zone_;
  absl::Duration above_delay_;
  std::optional<WorkCalendar> calendar_;
  std::optional<int64_t> revision_;
  std::optional<Row> locked_;
};

void SetTimeOrNull(sql::PreparedStatement& stmt, int index, std::optional<absl::Time> t) {
  if (t && *t != absl::InfiniteFuture()) {
    stmt.setDateTime(index, FormatSqlDateTime(*t));
  } else {
    stmt.setNull(index, 0);
  }
}

// Writes the facts and the deadlines they give.
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

// Parameters 1–3 of the insert and the update, in the order both name them.
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

// The department above the one at `path` ("/1/4/9/" -> 4); the department
// itself when it is at the top.
int64_t DepartmentAbove(const std::string& path, int64_t department_id) {
  std::vector<absl::string_view> ids = absl::StrSplit(path, '/', absl::SkipEmpty());
  int64_t above = 0;
  if (ids.size() >= 2 && absl::SimpleAtoi(ids[ids.size() - 2], &above)) return above;
  return department_id;
}

constexpr char kEscalationSelect[] =
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

}  // namespace

absl::StatusOr<ServiceRequest> ServiceRequestRepository::Create(const CallContext& call,
                                                                const ServiceRequest& request,
                                                                const std::string& request_id) {
  Operation op(call, zone_, above_delay_);
  return CreateOnce(
      db_, call, op.Table(), request_id,
      [&](MySqlConnection& c, const std::string& request_key) -> absl::StatusOr<int64_t> {
        const std::optional<v1::SlaPolicy> policy =
            LoadSlaPolicy(c, request.type(), request.priority());
        if (!policy) {
          return WithErrorInfo(
              absl::FailedPreconditionError(absl::StrCat(
                  "no SLA policy for ", v1::RequestType_Name(request.type()), " / ",
                  v1::Priority_Name(request.priority()), "; set one with SetSlaPolicy")),
              "NO_SLA_POLICY");
        }
        const Owner owner = CurrentOwner(c, call.caller);
        const std::string now = FormatSqlDateTime(call.Now());
        sql::PreparedStatement& stmt = c.Prepare(
            "INSERT INTO service_requests (contact_id, subject, description, type, priority,"
            " customer_id, status, owner_id, owner_department_id, owner_department_path,"
            " sla_started_at, response_target_s, resolution_target_s, create_request_id,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        BindEditableColumns(stmt, request);
        stmt.setInt(4, request.type());
        stmt.setInt(5, request.priority());
        stmt.setInt64(6, request.customer_id());
        stmt.setInt(7, v1::CREATED);
        stmt.setInt64(8, owner.employee_id);
        stmt.setInt64(9, owner.department_id);
        stmt.setString(10, owner.department_path);
        stmt.setDateTime(11, now);
        stmt.setInt(12, policy->first_response_minutes() * 60);
        stmt.setInt(13, policy->resolution_minutes() * 60);
        SetStringOrNull(stmt, 14, request_key);
        stmt.setDateTime(15, now);
        stmt.setDateTime(16, now);
        stmt.executeUpdate();
        const int64_t id = c.LastInsertId();
        SlaFacts facts;
        facts.started = call.Now();
        facts.response_target = absl::Minutes(policy->first_response_minutes());
        facts.resolution_target = absl::Minutes(policy->resolution_minutes());
        WriteSchedule(c, id, facts, op.Calendar(c), above_delay_, op.Revision(c));
        InsertEvent(c, call, id, ServiceRequestEvent::STEP, v1::REQUEST_STATUS_UNSPECIFIED,
                    v1::CREATED, "", 0);
        return id;
      });
}

absl::StatusOr<ServiceRequest> ServiceRequestRepository::Get(const CallContext& call, int64_t id) {
  Operation op(call, zone_, above_delay_);
  return db_.Run("service_request.get", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<ServiceRequest> {
                   std::optional<Row> row = LoadRow(c, ScopeOf(call.caller), id, false);
                   if (!row) return op.Table().NotFound(id);
                   return op.Show(c, std::move(*row));
                 });
}

namespace {

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

}  // namespace

absl::StatusOr<ServiceRequest> ServiceRequestRepository::Update(
    const CallContext& call, int64_t id, const std::string& etag,
    const std::function<absl::Status(ServiceRequest&)>& change) {
  Operation op(call, zone_, above_delay_);
  auto edit = [&](MySqlConnection&, ServiceRequest& r) { return change(r); };
  return UpdateVersioned(db_, call, op.Table(), id, etag, edit, WriteRecord);
}

absl::StatusOr<ServiceRequest> ServiceRequestRepository::ApplyStep(
    const CallContext& call, int64_t id, const std::string& etag, const std::string& note,
    const Step& step, const StepRecord& record) {
  Operation op(call, zone_, above_delay_);
  auto edit = [&](MySqlConnection& c, ServiceRequest& r) -> absl::Status {
    const ServiceRequest before = r;
    SlaFacts facts = op.locked().facts;
    std::optional<Owner> new_owner;
    StepChange change{r, facts, new_owner, call.Now(), op.Calendar(c)};
    CRM_RETURN_IF_ERROR(step(change));
    if (google::protobuf::util::MessageDifferencer::Equals(before, r)) return absl::OkStatus();
    WriteSchedule(c, id, facts, op.Calendar(c), above_delay_, op.Revision(c));
    if (new_owner) {
      sql::PreparedStatement& stmt = c.Prepare(
          "UPDATE service_requests SET owner_id = ?, owner_department_id = ?,"
          " owner_department_path = ? WHERE id = ?");
      stmt.setInt64(1, new_owner->employee_id);
      stmt.setInt64(2, new_owner->department_id);
      stmt.setString(3, new_owner->department_path);
      stmt.setInt64(4, id);
      stmt.executeUpdate();
    }
    InsertEvent(c, call, id, ServiceRequestEvent::STEP, before.status(), r.status(), note, 0);
    if (record) record(c);
    return absl::OkStatus();
  };
  return UpdateVersioned(db_, call, op.Table(), id, etag, edit, WriteRecord);
}

absl::StatusOr<ServiceRequest> ServiceRequestRepository::RecordReturnVisit(
    const CallContext& call, const v1::ReturnVisit& visit, const std::string& etag,
    const std::string& request_id, const std::string& note, const Step& step) {
  const std::string key = CallerRequestKey(call, request_id);
  // A retry of a visit already recorded: the request as it is now.
  auto recorded = [&]() -> absl::StatusOr<bool> {
    if (key.empty()) return false;
    return db_.Run("return_visit.replay", call.deadline,
                   [&](MySqlConnection& c) -> absl::StatusOr<bool> {
                     return FindByRequestKey(c, "return_visits", key) != 0;
                   });
  };
  CRM_ASSIGN_OR_RETURN(bool retry, recorded());
  if (retry) return Get(call, visit.service_request_id());
  auto insert = [&](MySqlConnection& c) {
    const std::string now = FormatSqlDateTime(call.Now());
    sql::PreparedStatement& stmt = c.Prepare(
        "INSERT INTO return_visits (service_request_id, visit_date, visitor_employee_id, method,"
        " customer_response, satisfied, create_request_id, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    stmt.setInt64(1, visit.service_request_id());
    stmt.setString(2, visit.visit_date());
    stmt.setInt64(3, call.caller.employee_id);
    stmt.setInt(4, visit.method());
    stmt.setString(5, visit.customer_response());
    stmt.setBoolean(6, visit.satisfied());
    SetStringOrNull(stmt, 7, key);
    stmt.setDateTime(8, now);
    stmt.executeUpdate();
    v1::ReturnVisit stored = visit;
    stored.set_id(c.LastInsertId());
    stored.set_visitor_employee_id(call.caller.employee_id);
    SetTimestamp(call.Now(), stored.mutable_create_time());
    AppendChange(c, call, ChangeOp::kCreate, stored.id(), stored);
  };
  absl::StatusOr<ServiceRequest> updated =
      ApplyStep(call, visit.service_request_id(), etag, note, step, insert);
  // The same retry racing this one committed first (the unique key refused
  // this insert): its answer is this one's.
  if (updated.status().code() == absl::StatusCode::kAlreadyExists) {
    CRM_ASSIGN_OR_RETURN(retry, recorded());
    if (retry) return Get(call, visit.service_request_id());
  }
  return updated;
}

absl::StatusOr<std::vector<v1::ReturnVisit>> ServiceRequestRepository::ReturnVisits(
    const CallContext& call, int64_t id) {
  Operation op(call, zone_, above_delay_);
  return db_.Run("return_visit.list", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<std::vector<v1::ReturnVisit>> {
                   if (!LoadRow(c, ScopeOf(call.caller), id, false)) return op.Table().NotFound(id);
                   sql::PreparedStatement& stmt = c.Prepare(
                       "SELECT id, service_request_id, visit_date, visitor_employee_id, method,"
                       " customer_response, satisfied, created_at FROM return_visits"
                       " WHERE service_request_id = ? ORDER BY id LIMIT 1000");
                   stmt.setInt64(1, id);
                   std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
                   std::vector<v1::ReturnVisit> visits;
                   while (rs->next()) {
                     v1::ReturnVisit& v = visits.emplace_back();
                     v.set_id(rs->getInt64(1));
                     v.set_service_request_id(rs->getInt64(2));
                     v.set_visit_date(rs->getString(3));
                     v.set_visitor_employee_id(rs->getInt64(4));
                     v.set_method(static_cast<v1::VisitMethod>(rs->getInt(5)));
                     v.set_customer_response(rs->getString(6));
                     v.set_satisfied(rs->getBoolean(7));
                     SqlDateTimeToTimestamp(rs->getString(8), v.mutable_create_time());
                   }
                   return visits;
                 });
}

absl::StatusOr<Page<ServiceRequest>> ServiceRequestRepository::List(
    const CallContext& call, const ServiceRequestFilter& filter, int page_size,
    std::optional<int64_t> before_id) {
  Operation op(call, zone_, above_delay_);
  return db_.Run("service_request.list", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<Page<ServiceRequest>> {
                   SqlWhere where;
                   if (filter.customer_id != 0)
                     where.And("r.customer_id = ?", {filter.customer_id});
                   if (filter.handler_id != 0) where.And("r.handler_id = ?", {filter.handler_id});
                   if (filter.status != v1::REQUEST_STATUS_UNSPECIFIED) {
                     where.And("r.status = ?", {static_cast<int64_t>(filter.status)});
                   }
                   if (filter.type != v1::REQUEST_TYPE_UNSPECIFIED) {
                     where.And("r.type = ?", {static_cast<int64_t>(filter.type)});
                   }
                   RestrictToScope(where, ScopeOf(call.caller), "r.owner_id",
                                   "r.owner_department_path");
                   KeysetQuery q(kRequestSelect, "FROM service_requests r", where,
                                 " ORDER BY r.id DESC", page_size);
                   if (before_id) q.After("r.id < ?", {*before_id});
                   Page<Row> rows = ReadKeysetPage<Row>(c, q, ReadRow);
                   Page<ServiceRequest> page{{}, rows.has_more, rows.total_size};
                   for (Row& row : rows.rows) page.rows.push_back(op.Show(c, std::move(row)));
                   return page;
                 });
}

absl::StatusOr<SlaPage> ServiceRequestRepository::ListSla(const CallContext& call, SlaList which,
                                                          int64_t department_id, int page_size,
                                                          const std::optional<SlaPosition>& after) {
  Operation op(call, zone_, above_delay_);
  return db_.Run(
      which == SlaList::kOverdue ? "service_request.overdue" : "service_request.at_risk",
      call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<SlaPage> {
        const std::string now = FormatSqlDateTime(call.Now());
        SqlWhere where;
        if (which == SlaList::kOverdue) {
          where.And("r.breach_at <= ?", {now});
        } else {
          where.And("r.at_risk_from <= ? AND r.breach_at > ?", {now, now});
        }
        if (department_id != 0) {
          // The department anywhere on the owner's path: its whole subtree.
          where.And("r.owner_department_path LIKE ?", {absl::StrCat("%/", department_id, "/%")});
        }
        RestrictToScope(where, ScopeOf(call.caller), "r.owner_id", "r.owner_department_path");
        KeysetQuery q(kSlaSelect, "FROM service_requests r", where, " ORDER BY r.breach_at, r.id",
                      page_size);
        if (after) {
          q.After("(r.breach_at > ? OR (r.breach_at = ? AND r.id > ?))",
                  {after->breach_at, after->breach_at, after->id});
        }
        SlaPage sla;
        // The page's rows are read in order, the extra row not at all.
        Page<Row> rows = ReadKeysetPage<Row>(c, q, [&sla](sql::ResultSet& rs) {
          sla.last_breach_at = rs.getString(35);
          return ReadRow(rs);
        });
        sla.page = {{}, rows.has_more, rows.total_size};
        for (Row& row : rows.rows) sla.page.rows.push_back(op.Show(c, std::move(row)));
        return sla;
      });
}

absl::StatusOr<Page<ServiceRequestEvent>> ServiceRequestRepository::Events(
    const CallContext& call, int64_t id, int page_size, std::optional<int64_t> after_id) {
  Operation op(call, zone_, above_delay_);
  return db_.Run(
      "service_request.events", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<Page<ServiceRequestEvent>> {
        if (!LoadRow(c, ScopeOf(call.caller), id, false)) return op.Table().NotFound(id);
        SqlWhere where;
        where.And("v.service_request_id = ?", {id});
        KeysetQuery q(
            absl::StrCat("SELECT v.id, v.kind, v.from_status, v.to_status, v.actor,"
                         " v.actor_employee_id, v.note, v.created_at, e.id, e.service_request_id,"
                         " e.clock, e.level, e.target_employee_id, e.target_department_id,"
                         " e.created_at, e.due_at FROM service_request_events v"
                         " LEFT JOIN escalations e ON e.id = v.escalation_id"),
            "FROM service_request_events v", where, " ORDER BY v.id", page_size);
        if (after_id) q.After("v.id > ?", {*after_id});
        return ReadKeysetPage<ServiceRequestEvent>(c, q, [](sql::ResultSet& rs) {
          ServiceRequestEvent v;
          v.set_id(rs.getInt64(1));
          v.set_kind(static_cast<ServiceRequestEvent::Kind>(rs.getInt(2)));
          v.set_from_status(static_cast<v1::RequestStatus>(rs.getInt(3)));
          v.set_to_status(static_cast<v1::RequestStatus>(rs.getInt(4)));
          v.set_actor(rs.getString(5));
          v.set_actor_employee_id(rs.getInt64(6));
          v.set_note(rs.getString(7));
          SqlDateTimeToTimestamp(rs.getString(8), v.mutable_time());
          if (!rs.isNull(9)) *v.mutable_escalation() = ReadEscalation(rs, 9);
          return v;
        });
      });
}

absl::StatusOr<Page<Escalation>> ServiceRequestRepository::MyEscalations(
    const CallContext& call, int page_size, std::optional<int64_t> before_id) {
  return db_.Run("escalation.mine", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<Page<Escalation>> {
                   // Employee id -1 and department -1 match nothing: a caller who is no
                   // employee, or heads no department, gets nothing of that kind.
                   const int64_t employee =
                       call.caller.employee_id != 0 ? call.caller.employee_id : -1;
                   const int64_t department =
                       call.caller.Has(Role::kDepartmentHead) && call.caller.department_id != 0
                           ? call.caller.department_id
                           : -1;
                   SqlWhere where;
                   where.And("(e.target_employee_id = ? OR e.target_department_id = ?)",
                             {employee, department});
                   KeysetQuery q(kEscalationSelect, "FROM escalations e", where,
                                 " ORDER BY e.id DESC", page_size);
                   if (before_id) q.After("e.id < ?", {*before_id});
                   return ReadKeysetPage<Escalation>(
                       c, q, [](sql::ResultSet& rs) { return ReadEscalation(rs, 1); });
                 });
}

namespace {

// Ids of at most `limit` requests matching `sql`, whose parameters are
// `value` and then the limit.
template <typename Value>
std::vector<int64_t> SelectIds(MySqlConnection& c, const char* sql, const Value& value, int limit) {
  sql::PreparedStatement& stmt = c.Prepare(sql);
  if constexpr (std::is_same_v<Value, int64_t>) {
    stmt.setInt64(1, value);
  } else {
    stmt.setString(1, value);
  }
  stmt.setInt(2, limit);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  std::vector<int64_t> ids;
  while (rs->next()) ids.push_back(rs->getInt64(1));
  return ids;
}

}  // namespace

absl::StatusOr<int> ServiceRequestRepository::RescheduleAfterCalendarEdits(const CallContext& call,
                                                                           int limit) {
  return db_.RunInTransaction(
      "sla.reschedule", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<int> {
        Operation op(call, zone_, above_delay_);
        const int64_t revision = op.Revision(c);
        const std::vector<int64_t> ids = SelectIds(
            c,
            "SELECT id FROM service_requests WHERE schedule_revision < ? ORDER BY id LIMIT ?"
            " FOR UPDATE",
            revision, limit);
        for (int64_t id : ids) {
          std::optional<Row> row = LoadRow(c, Everything(), id, true);
          if (!row) continue;
          WriteSchedule(c, id, row->facts, op.Calendar(c), above_delay_, revision);
        }
        return static_cast<int>(ids.size());
      });
}

absl::StatusOr<int> ServiceRequestRepository::FireEscalations(const CallContext& call, int limit) {
  CRM_ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                       db_.Run("sla.due", call.deadline,
                               [&](MySqlConnection& c) -> absl::StatusOr<std::vector<int64_t>> {
                                 return SelectIds(
                                     c,
                                     "SELECT id FROM service_requests WHERE next_escalation_at <= ?"
                                     " ORDER BY next_escalation_at LIMIT ?",
                                     FormatSqlDateTime(call.Now()), limit);
                               }));
  int fired = 0;
  for (int64_t id : ids) {
    CRM_ASSIGN_OR_RETURN(
        int count,
        db_.RunInTransaction(
            "sla.escalate", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<int> {
              Operation op(call, zone_, above_delay_);
              std::optional<Row> row = LoadRow(c, Everything(), id, true);
              if (!row) return 0;
              const absl::Time now = call.Now();
              const SlaSchedule schedule = ScheduleSla(row->facts, op.Calendar(c), above_delay_);
              int count = 0;
              auto escalate = [&](Escalation::Clock clock,
                                  const std::optional<ClockInstants>& instants, int& fired_level) {
                if (!instants) return;
                const int due_level = EscalationLevelDue(*instants, fired_level, now);
                for (int level = fired_level + 1; level <= due_level; ++level) {
                  Escalation e;
                  e.set_service_request_id(id);
                  e.set_clock(clock);
                  e.set_level(level);
                  if (level == 1) {
                    e.set_target_employee_id(row->request.owner_employee_id());
                  } else if (level == 2) {
                    e.set_target_department_id(row->request.owner_department_id());
                  } else {
                    e.set_target_department_id(DepartmentAbove(row->owner_department_path,
                                                               row->request.owner_department_id()));
                  }
                  SetTimestamp(now, e.mutable_time());
                  SetTimestamp(instants->due, e.mutable_due_time());
                  sql::PreparedStatement& stmt = c.Prepare(
                      "INSERT INTO escalations (service_request_id, clock, level, "
                      "target_employee_id,"
                      " target_department_id, due_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
                  stmt.setInt64(1, id);
                  stmt.setInt(2, clock);
                  stmt.setInt(3, level);
                  stmt.setInt64(4, e.target_employee_id());
                  stmt.setInt64(5, e.target_department_id());
                  stmt.setDateTime(6, FormatSqlDateTime(instants->due));
                  stmt.setDateTime(7, FormatSqlDateTime(now));
                  stmt.executeUpdate();
                  e.set_id(c.LastInsertId());
                  InsertEvent(c, call, id, ServiceRequestEvent::ESCALATION, row->request.status(),
                              row->request.status(),
                              absl::StrCat(Escalation::Clock_Name(clock), " level ", level),
                              e.id());
                  AppendChange(c, call, ChangeOp::kCreate, e.id(), e);
                  ++count;
                }
                fired_level = due_level;
              };
              escalate(Escalation::FIRST_RESPONSE, schedule.response, row->facts.response_level);
              escalate(Escalation::RESOLUTION, schedule.resolution, row->facts.resolution_level);
              WriteSchedule(c, id, row->facts, op.Calendar(c), above_delay_, op.Revision(c));
              return count;
            }));
    fired += count;
  }
  return fired;
}

}  // namespace crm::feedback
