// DispatchRepository: prepared statements over technicians, appointments
// and appointment_changes.
#include "services/feedback/dispatch_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "common/db/visibility.h"
#include "common/feed/change_log.h"
#include "common/feed/owner_departments.h"
#include "common/feed/versioned_rows.h"

namespace crm::feedback {
namespace {

using v1::Appointment;
using v1::AppointmentChange;
using v1::Technician;

std::optional<Technician> LoadTechnician(MySqlConnection& c, int64_t employee_id, bool for_update) {
  sql::PreparedStatement& stmt =
      c.Prepare(absl::StrCat("SELECT employee_id, region_code, active FROM technicians"
                             " WHERE employee_id = ?",
                             for_update ? " FOR UPDATE" : ""));
  stmt.setInt64(1, employee_id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return std::nullopt;
  Technician t;
  t.set_employee_id(rs->getInt64(1));
  t.set_region_code(rs->getString(2));
  t.set_active(rs->getBoolean(3));
  sql::PreparedStatement& skills =
      c.Prepare("SELECT skill FROM technician_skills WHERE employee_id = ? ORDER BY skill");
  skills.setInt64(1, employee_id);
  std::unique_ptr<sql::ResultSet> srs(skills.executeQuery());
  while (srs->next()) t.add_skills(srs->getString(1));
  return t;
}

std::vector<Technician> LoadTechnicians(MySqlConnection& c, sql::PreparedStatement& ids) {
  std::vector<int64_t> found;
  std::unique_ptr<sql::ResultSet> rs(ids.executeQuery());
  while (rs->next()) found.push_back(rs->getInt64(1));
  std::vector<Technician> technicians;
  for (int64_t id : found) {
    if (std::optional<Technician> t = LoadTechnician(c, id, false)) technicians.push_back(*t);
  }
  return technicians;
}

constexpr char kAppointmentSelect[] =
    "SELECT a.id, a.technician_id, a.start_at, a.end_at, a.place, a.skills, a.customer_id,"
    " a.service_request_id, a.note, a.status, a.owner_id, a.version, a.created_at,"
    " a.updated_at FROM appointments a";

void SetSlot(const std::string& start, const std::string& end, v1::TimeSlot* slot) {
  SqlDateTimeToTimestamp(start, slot->mutable_start_time());
  SqlDateTimeToTimestamp(end, slot->mutable_end_time());
}

Appointment ReadAppointment(sql::ResultSet& rs) {
  Appointment a;
  a.set_id(rs.getInt64(1));
  a.set_technician_employee_id(rs.getInt64(2));
  SetSlot(rs.getString(3), rs.getString(4), a.mutable_slot());
  a.set_place(rs.getString(5));
  const std::string skills = rs.getString(6);
  for (absl::string_view skill : absl::StrSplit(skills, ',', absl::SkipEmpty())) {
    a.add_skills(std::string(skill));
  }
  a.set_customer_id(rs.getInt64(7));
  a.set_service_request_id(rs.getInt64(8));
  a.set_note(rs.getString(9));
  a.set_status(static_cast<v1::AppointmentStatus>(rs.getInt(10)));
  a.set_owner_employee_id(rs.getInt64(11));
  a.set_etag(EtagOf(rs.getInt64(12)));
  SqlDateTimeToTimestamp(rs.getString(13), a.mutable_create_time());
  SqlDateTimeToTimestamp(rs.getString(14), a.mutable_update_time());
  return a;
}

// What the booker's scope sees, and the technician their own.
void RestrictAppointments(SqlWhere& where, const VisibilityScope& scope, const Caller& caller) {
  std::vector<SqlWhere::Value> values;
  const std::string condition =
      ScopeCondition(scope, "a.owner_id", "a.owner_department_path", &values);
  if (condition.empty()) return;
  values.push_back(caller.employee_id != 0 ? caller.employee_id : int64_t{-1});
  where.And(absl::StrCat("(", condition, " OR a.technician_id = ?)"), std::move(values));
}

std::unique_ptr<Appointment> LoadAppointment(MySqlConnection& c, const CallContext& call,
                                             int64_t id, bool for_update) {
  SqlWhere where;
  where.And("a.id = ?", {id});
  RestrictAppointments(where, for_update ? WriteScopeOf(call.caller) : ScopeOf(call.caller),
                       call.caller);
  sql::PreparedStatement& stmt =
      c.Prepare(absl::StrCat(kAppointmentSelect, where.Sql(), for_update ? " FOR UPDATE" : ""));
  where.Bind(stmt);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  return std::make_unique<Appointment>(ReadAppointment(*rs));
}

RecordTable<Appointment> AppointmentTable(const CallContext& call) {
  return {"appointments", "appointment",
          [&call](MySqlConnection& c, int64_t id, bool for_update) {
            return LoadAppointment(c, call, id, for_update);
          },
          [&call](MySqlConnection& c, int64_t id) {
            return LoadAppointment(c, call, id, false) != nullptr;
          }};
}

// Locks the technician (serialising their bookings) and checks they can
// take `skills`: NOT_FOUND / FAILED_PRECONDITION otherwise.
absl::Status LockTechnician(MySqlConnection& c, int64_t employee_id,
                            const google::protobuf::RepeatedPtrField<std::string>& skills) {
  std::optional<Technician> t = LoadTechnician(c, employee_id, /*for_update=*/true);
  if (!t) {
    return InvalidField("appointment.technician_employee_id",
                        absl::StrCat("employee ", employee_id, " is not a technician"));
  }
  if (!t->active()) {
    return WithErrorInfo(
        absl::FailedPreconditionError(absl::StrCat("technician ", employee_id, " is not active")),
        "TECHNICIAN_INACTIVE", {}, absl::StrCat("technician/", employee_id));
  }
  for (const std::string& skill : skills) {
    if (std::find(t->skills().begin(), t->skills().end(), skill) == t->skills().end()) {
      return WithErrorInfo(absl::FailedPreconditionError(absl::StrCat(
                               "technician ", employee_id, " lacks the skill '", skill, "'")),
                           "TECHNICIAN_LACKS_SKILL", {{"skill", skill}},
                           absl::StrCat("technician/", employee_id));
    }
  }
  return absl::OkStatus();
}

// FAILED_PRECONDITION when the technician (locked) has a booked appointment
// other than `except` overlapping `slot`.
absl::Status CheckFree(MySqlConnection& c, int64_t technician_id, const Slot& slot,
                       int64_t except) {
  sql::PreparedStatement& stmt = c.Prepare(
      "SELECT id FROM appointments WHERE technician_id = ? AND status = 1 AND start_at < ?"
      " AND end_at > ? AND id <> ? LIMIT 1");
  stmt.setInt64(1, technician_id);
  stmt.setDateTime(2, FormatSqlDateTime(slot.end));
  stmt.setDateTime(3, FormatSqlDateTime(slot.start));
  stmt.setInt64(4, except);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return absl::OkStatus();
  const int64_t other = rs->getInt64(1);
  return WithErrorInfo(
      absl::FailedPreconditionError(absl::StrCat(
          "technician ", technician_id, " is already booked then (appointment ", other, ")")),
      "TECHNICIAN_BOOKED", {{"appointment_id", absl::StrCat(other)}},
      absl::StrCat("technician/", technician_id));
}

void RecordChange(MySqlConnection& c, const CallContext& call, int64_t appointment_id,
                  AppointmentChange::Kind kind, const std::optional<Slot>& from,
                  const std::optional<Slot>& to, const std::string& reason) {
  sql::PreparedStatement& stmt = c.Prepare(
      "INSERT INTO appointment_changes (appointment_id, kind, from_start_at, from_end_at,"
      " to_start_at, to_end_at, reason, actor, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  stmt.setInt64(1, appointment_id);
  stmt.setInt(2, kind);
  auto set_slot = [&stmt](int index, const std::optional<Slot>& slot) {
    if (slot) {
      stmt.setDateTime(index, FormatSqlDateTime(slot->start));
      stmt.setDateTime(index + 1, FormatSqlDateTime(slot->end));
    } else {
      stmt.setNull(index, 0);
      stmt.setNull(index + 1, 0);
    }
  };
  set_slot(3, from);
  set_slot(5, to);
  stmt.setString(7, reason);
  stmt.setString(8, call.actor);
  stmt.setDateTime(9, FormatSqlDateTime(call.Now()));
  stmt.executeUpdate();
}

Slot SlotOf(const v1::TimeSlot& slot) {
  return {FromTimestamp(slot.start_time()), FromTimestamp(slot.end_time())};
}

}  // namespace

absl::StatusOr<Technician> DispatchRepository::SetTechnician(const CallContext& call,
                                                             const Technician& technician) {
  return db_.RunInTransaction(
      "technician.set", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<Technician> {
        std::optional<Technician> before = LoadTechnician(c, technician.employee_id(), true);
        sql::PreparedStatement& stmt = c.Prepare(
            "INSERT INTO technicians (employee_id, region_code, active) VALUES (?, ?, ?)"
            " ON DUPLICATE KEY UPDATE region_code = VALUES(region_code), active = VALUES(active)");
        stmt.setInt64(1, technician.employee_id());
        stmt.setString(2, technician.region_code());
        stmt.setBoolean(3, technician.active());
        stmt.executeUpdate();
        sql::PreparedStatement& clear =
            c.Prepare("DELETE FROM technician_skills WHERE employee_id = ?");
        clear.setInt64(1, technician.employee_id());
        clear.executeUpdate();
        for (const std::string& skill : technician.skills()) {
          sql::PreparedStatement& add =
              c.Prepare("INSERT INTO technician_skills (employee_id, skill) VALUES (?, ?)");
          add.setInt64(1, technician.employee_id());
          add.setString(2, skill);
          add.executeUpdate();
        }
        std::optional<Technician> stored = LoadTechnician(c, technician.employee_id(), false);
        AppendChange(c, call, before ? ChangeOp::kUpdate : ChangeOp::kCreate,
                     technician.employee_id(), *stored, before ? &*before : nullptr);
        return *stored;
      });
}

absl::StatusOr<std::vector<Technician>> DispatchRepository::ListTechnicians(
    const CallContext& call, const std::string& region_code) {
  return db_.Run("technician.list", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<std::vector<Technician>> {
                   SqlWhere where;
                   if (!region_code.empty()) where.And("region_code = ?", {region_code});
                   sql::PreparedStatement& stmt =
                       c.Prepare(absl::StrCat("SELECT employee_id FROM technicians", where.Sql(),
                                              " ORDER BY employee_id LIMIT 1000"));
                   where.Bind(stmt);
                   return LoadTechnicians(c, stmt);
                 });
}

absl::StatusOr<std::vector<Technician>> DispatchRepository::FindAvailable(
    const CallContext& call, const Slot& slot, const std::string& region_code,
    const std::vector<std::string>& skills) {
  return db_.Run(
      "technician.available", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<std::vector<Technician>> {
        SqlWhere where;
        where.And("t.active AND t.region_code = ?", {region_code});
        if (!skills.empty()) {
          // Every skill: as many matching rows as skills asked (one SQL
          // text per number of skills, at most ten).
          std::vector<SqlWhere::Value> values;
          for (const std::string& skill : skills) values.push_back(skill);
          values.push_back(static_cast<int64_t>(skills.size()));
          where.And(absl::StrCat("(SELECT COUNT(*) FROM technician_skills s"
                                 " WHERE s.employee_id = t.employee_id AND s.skill IN (",
                                 absl::StrJoin(std::vector<std::string>(skills.size(), "?"), ", "),
                                 ")) = ?"),
                    std::move(values));
        }
        where.And(
            "NOT EXISTS (SELECT 1 FROM appointments a WHERE a.technician_id = t.employee_id"
            " AND a.status = 1 AND a.start_at < ? AND a.end_at > ?)",
            {FormatSqlDateTime(slot.end), FormatSqlDateTime(slot.start)});
        sql::PreparedStatement& stmt =
            c.Prepare(absl::StrCat("SELECT t.employee_id FROM technicians t", where.Sql(),
                                   " ORDER BY t.employee_id LIMIT 200"));
        where.Bind(stmt);
        return LoadTechnicians(c, stmt);
      });
}

absl::StatusOr<Appointment> DispatchRepository::Book(const CallContext& call,
                                                     const Appointment& appointment,
                                                     const std::string& request_id) {
  const Slot slot = SlotOf(appointment.slot());
  auto lock = [&](MySqlConnection& c) {
    return LockTechnician(c, appointment.technician_employee_id(), appointment.skills());
  };
  return CreateOnceLocked(
      db_, call, AppointmentTable(call), request_id, lock,
      [&](MySqlConnection& c, const std::string& request_key) -> absl::StatusOr<int64_t> {
        CRM_RETURN_IF_ERROR(CheckFree(c, appointment.technician_employee_id(), slot, 0));
        const Owner owner = CurrentOwner(c, call.caller);
        const std::string now = FormatSqlDateTime(call.Now());
        sql::PreparedStatement& stmt = c.Prepare(
            "INSERT INTO appointments (technician_id, start_at, end_at, place, skills,"
            " customer_id, service_request_id, note, status, owner_id, owner_department_id,"
            " owner_department_path, create_request_id, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)");
        stmt.setInt64(1, appointment.technician_employee_id());
        stmt.setDateTime(2, FormatSqlDateTime(slot.start));
        stmt.setDateTime(3, FormatSqlDateTime(slot.end));
        stmt.setString(4, appointment.place());
        stmt.setString(5, absl::StrJoin(appointment.skills(), ","));
        stmt.setInt64(6, appointment.customer_id());
        stmt.setInt64(7, appointment.service_request_id());
        stmt.setString(8, appointment.note());
        stmt.setInt64(9, owner.employee_id);
        stmt.setInt64(10, owner.department_id);
        stmt.setString(11, owner.department_path);
        SetStringOrNull(stmt, 12, request_key);
        stmt.setDateTime(13, now);
        stmt.setDateTime(14, now);
        stmt.executeUpdate();
        const int64_t id = c.LastInsertId();
        RecordChange(c, call, id, AppointmentChange::BOOKED, std::nullopt, slot, "");
        return id;
      });
}

absl::StatusOr<Appointment> DispatchRepository::Get(const CallContext& call, int64_t id) {
  return db_.Run("appointment.get", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<Appointment> {
                   std::unique_ptr<Appointment> a = LoadAppointment(c, call, id, false);
                   if (!a) return AppointmentTable(call).NotFound(id);
                   return *a;
                 });
}

absl::StatusOr<Appointment> DispatchRepository::Reschedule(const CallContext& call, int64_t id,
                                                           const std::string& etag,
                                                           const Slot& slot,
                                                           const std::string& reason) {
  auto edit = [&](MySqlConnection& c, Appointment& a) -> absl::Status {
    if (a.status() != v1::BOOKED) {
      return WithErrorInfo(absl::FailedPreconditionError(absl::StrCat(
                               "appointment ", id, " is cancelled: it cannot be rescheduled")),
                           "STATUS_STEP_NOT_ALLOWED", {{"status", "CANCELLED"}},
                           absl::StrCat("appointment/", id));
    }
    CRM_RETURN_IF_ERROR(LockTechnician(c, a.technician_employee_id(), a.skills()));
    CRM_RETURN_IF_ERROR(CheckFree(c, a.technician_employee_id(), slot, id));
    const Slot before = SlotOf(a.slot());
    SetTimestamp(slot.start, a.mutable_slot()->mutable_start_time());
    SetTimestamp(slot.end, a.mutable_slot()->mutable_end_time());
    RecordChange(c, call, id, AppointmentChange::RESCHEDULED, before, slot, reason);
    return absl::OkStatus();
  };
  auto write = [&](MySqlConnection& c, const Appointment&) {
    sql::PreparedStatement& stmt =
        c.Prepare("UPDATE appointments SET start_at = ?, end_at = ? WHERE id = ?");
    stmt.setDateTime(1, FormatSqlDateTime(slot.start));
    stmt.setDateTime(2, FormatSqlDateTime(slot.end));
    stmt.setInt64(3, id);
    stmt.executeUpdate();
  };
  return UpdateVersioned(db_, call, AppointmentTable(call), id, etag, edit, write);
}

absl::StatusOr<Appointment> DispatchRepository::Cancel(const CallContext& call, int64_t id,
                                                       const std::string& etag,
                                                       const std::string& reason) {
  auto edit = [&](MySqlConnection& c, Appointment& a) -> absl::Status {
    if (a.status() != v1::BOOKED) {
      return WithErrorInfo(
          absl::FailedPreconditionError(absl::StrCat("appointment ", id, " is already cancelled")),
          "STATUS_STEP_NOT_ALLOWED", {{"status", "CANCELLED"}}, absl::StrCat("appointment/", id));
    }
    a.set_status(v1::CANCELLED);
    RecordChange(c, call, id, AppointmentChange::CANCELLED, SlotOf(a.slot()), std::nullopt, reason);
    return absl::OkStatus();
  };
  auto write = [&](MySqlConnection& c, const Appointment&) {
    sql::PreparedStatement& stmt = c.Prepare("UPDATE appointments SET status = 2 WHERE id = ?");
    stmt.setInt64(1, id);
    stmt.executeUpdate();
  };
  return UpdateVersioned(db_, call, AppointmentTable(call), id, etag, edit, write);
}

absl::StatusOr<std::vector<Appointment>> DispatchRepository::List(const CallContext& call,
                                                                  int64_t technician_id,
                                                                  const Slot& window,
                                                                  bool include_cancelled) {
  return db_.Run("appointment.list", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<std::vector<Appointment>> {
                   SqlWhere where;
                   if (technician_id != 0) where.And("a.technician_id = ?", {technician_id});
                   if (!include_cancelled) where.And("a.status = 1");
                   where.And("a.start_at < ? AND a.end_at > ?",
                             {FormatSqlDateTime(window.end), FormatSqlDateTime(window.start)});
                   RestrictAppointments(where, ScopeOf(call.caller), call.caller);
                   sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(
                       kAppointmentSelect, where.Sql(), " ORDER BY a.start_at, a.id LIMIT 1000"));
                   where.Bind(stmt);
                   std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
                   std::vector<Appointment> appointments;
                   while (rs->next()) appointments.push_back(ReadAppointment(*rs));
                   return appointments;
                 });
}

absl::StatusOr<std::vector<AppointmentChange>> DispatchRepository::History(const CallContext& call,
                                                                           int64_t id) {
  return db_.Run(
      "appointment.history", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<std::vector<AppointmentChange>> {
        if (!LoadAppointment(c, call, id, false)) return AppointmentTable(call).NotFound(id);
        sql::PreparedStatement& stmt = c.Prepare(
            "SELECT kind, from_start_at, from_end_at, to_start_at, to_end_at, reason, actor,"
            " created_at FROM appointment_changes WHERE appointment_id = ? ORDER BY id"
            " LIMIT 1000");
        stmt.setInt64(1, id);
        std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
        std::vector<AppointmentChange> changes;
        while (rs->next()) {
          AppointmentChange& change = changes.emplace_back();
          change.set_kind(static_cast<AppointmentChange::Kind>(rs->getInt(1)));
          if (!rs->isNull(2))
            SetSlot(rs->getString(2), rs->getString(3), change.mutable_from_slot());
          if (!rs->isNull(4)) SetSlot(rs->getString(4), rs->getString(5), change.mutable_to_slot());
          change.set_reason(rs->getString(6));
          change.set_actor(rs->getString(7));
          SqlDateTimeToTimestamp(rs->getString(8), change.mutable_time());
        }
        return changes;
      });
}

}  // namespace crm::feedback
