// ServiceRequestRepository's SLA side: the overdue and at-risk lists, the
// escalations people see, and the SLA worker's two passes.
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>
#include <type_traits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "common/feed/change_log.h"
#include "services/feedback/service_request_repository.h"
#include "services/feedback/service_request_rows.h"

namespace crm::feedback {

using request_rows::DepartmentAbove;
using request_rows::Everything;
using request_rows::InsertEvent;
using request_rows::kEscalationSelect;
using request_rows::kSlaSelect;
using request_rows::LoadRow;
using request_rows::Operation;
using request_rows::ReadEscalation;
using request_rows::ReadRow;
using request_rows::Row;
using request_rows::WriteSchedule;
using v1::Escalation;
using v1::ServiceRequest;
using v1::ServiceRequestEvent;

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
