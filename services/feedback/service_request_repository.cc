// ServiceRequestRepository: creating, reading and stepping requests, their
// return visits and events (the SLA lists and passes: service_request_sla.cc).
#include "services/feedback/service_request_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <google/protobuf/util/message_differencer.h>

#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "common/feed/change_log.h"
#include "services/feedback/calendar_repository.h"
#include "services/feedback/service_request_rows.h"

namespace crm::feedback {

using request_rows::BindEditableColumns;
using request_rows::InsertEvent;
using request_rows::kRequestSelect;
using request_rows::LoadRow;
using request_rows::Operation;
using request_rows::ReadEscalation;
using request_rows::ReadRow;
using request_rows::Row;
using request_rows::WriteRecord;
using request_rows::WriteSchedule;
using v1::Escalation;
using v1::ServiceRequest;
using v1::ServiceRequestEvent;

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

}  // namespace crm::feedback
