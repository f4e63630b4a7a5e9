// CalendarRepository: prepared statements over the calendar tables.
#include "services/feedback/calendar_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "common/base/dates.h"
#include "common/db/database.h"
#include "common/feed/change_log.h"

namespace crm::feedback {
namespace {

std::vector<WorkPeriod> LoadPeriods(MySqlConnection& c) {
  sql::PreparedStatement& stmt =
      c.Prepare("SELECT start_minute, end_minute FROM work_periods ORDER BY position");
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  std::vector<WorkPeriod> periods;
  while (rs->next()) periods.push_back({rs->getInt(1), rs->getInt(2)});
  return periods;
}

void AddPeriods(const std::vector<WorkPeriod>& periods, v1::WorkCalendar& out) {
  for (const WorkPeriod& p : periods) {
    v1::WorkPeriod& period = *out.add_periods();
    period.set_start(FormatMinuteOfDay(p.start_minute));
    period.set_end(FormatMinuteOfDay(p.end_minute));
  }
}

void BumpRevision(MySqlConnection& c) {
  c.Prepare("UPDATE calendar_revision SET revision = revision + 1 WHERE id = 1").executeUpdate();
}

v1::SlaPolicy ReadPolicy(sql::ResultSet& rs) {
  v1::SlaPolicy p;
  p.set_type(static_cast<v1::RequestType>(rs.getInt(1)));
  p.set_priority(static_cast<v1::Priority>(rs.getInt(2)));
  p.set_first_response_minutes(rs.getInt(3));
  p.set_resolution_minutes(rs.getInt(4));
  return p;
}

constexpr char kPolicySelect[] =
    "SELECT type, priority, first_response_minutes, resolution_minutes FROM sla_policies";

}  // namespace

int ParseMinuteOfDay(const std::string& text) {
  int hours = 0, minutes = 0;
  if (text.size() != 5 || text[2] != ':' || !absl::SimpleAtoi(text.substr(0, 2), &hours) ||
      !absl::SimpleAtoi(text.substr(3, 2), &minutes) || text[0] == '+' || text[3] == '+' ||
      hours < 0 || minutes < 0 || minutes > 59 || hours > 24 || (hours == 24 && minutes != 0)) {
    return -1;
  }
  return hours * 60 + minutes;
}

std::string FormatMinuteOfDay(int minute) {
  return absl::StrFormat("%02d:%02d", minute / 60, minute % 60);
}

WorkCalendar LoadCalendar(MySqlConnection& c, absl::TimeZone zone) {
  std::map<absl::CivilDay, DayKind> days;
  sql::PreparedStatement& stmt = c.Prepare("SELECT day, kind FROM calendar_days");
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  while (rs->next()) {
    absl::StatusOr<absl::CivilDay> day = ParseIsoDate(std::string(rs->getString(1)));
    if (day.ok()) days[*day] = static_cast<DayKind>(rs->getInt(2));
  }
  return WorkCalendar(zone, LoadPeriods(c), std::move(days));
}

int64_t CalendarRevision(MySqlConnection& c) {
  std::unique_ptr<sql::ResultSet> rs(
      c.Prepare("SELECT revision FROM calendar_revision WHERE id = 1").executeQuery());
  return rs->next() ? rs->getInt64(1) : 0;
}

std::optional<v1::SlaPolicy> LoadSlaPolicy(MySqlConnection& c, v1::RequestType type,
                                           v1::Priority priority) {
  sql::PreparedStatement& stmt =
      c.Prepare(std::string(kPolicySelect) + " WHERE type = ? AND priority = ?");
  stmt.setInt(1, type);
  stmt.setInt(2, priority);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return std::nullopt;
  return ReadPolicy(*rs);
}

absl::StatusOr<v1::WorkCalendar> CalendarRepository::Get(const CallContext& call, int year) {
  return db_.Run("calendar.get", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<v1::WorkCalendar> {
                   v1::WorkCalendar calendar;
                   AddPeriods(LoadPeriods(c), calendar);
                   sql::PreparedStatement& stmt = c.Prepare(
                       "SELECT day, kind, name FROM calendar_days WHERE day BETWEEN ? AND ?"
                       " ORDER BY day");
                   stmt.setString(1, absl::StrFormat("%04d-01-01", year));
                   stmt.setString(2, absl::StrFormat("%04d-12-31", year));
                   std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
                   while (rs->next()) {
                     v1::CalendarDay& day = *calendar.add_days();
                     day.set_date(rs->getString(1));
                     day.set_kind(static_cast<v1::CalendarDay::Kind>(rs->getInt(2)));
                     day.set_name(rs->getString(3));
                   }
                   return calendar;
                 });
}

absl::StatusOr<v1::WorkCalendar> CalendarRepository::SetWorkingHours(
    const CallContext& call, const std::vector<WorkPeriod>& periods) {
  return db_.RunInTransaction(
      "calendar.set_hours", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<v1::WorkCalendar> {
        v1::WorkCalendar before;
        AddPeriods(LoadPeriods(c), before);
        c.Prepare("DELETE FROM work_periods").executeUpdate();
        for (size_t i = 0; i < periods.size(); ++i) {
          sql::PreparedStatement& stmt = c.Prepare(
              "INSERT INTO work_periods (position, start_minute, end_minute) VALUES (?, ?, ?)");
          stmt.setInt(1, static_cast<int>(i + 1));
          stmt.setInt(2, periods[i].start_minute);
          stmt.setInt(3, periods[i].end_minute);
          stmt.executeUpdate();
        }
        v1::WorkCalendar after;
        AddPeriods(periods, after);
        BumpRevision(c);
        // The calendar is one record: entity id 0.
        AppendChange(c, call, ChangeOp::kUpdate, 0, after, &before);
        return after;
      });
}

absl::StatusOr<v1::CalendarDay> CalendarRepository::SetDay(const CallContext& call,
                                                           const v1::CalendarDay& day) {
  return db_.RunInTransaction(
      "calendar.set_day", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<v1::CalendarDay> {
        if (day.kind() == v1::CalendarDay::ORDINARY) {
          sql::PreparedStatement& stmt = c.Prepare("DELETE FROM calendar_days WHERE day = ?");
          stmt.setString(1, day.date());
          stmt.executeUpdate();
        } else {
          sql::PreparedStatement& stmt = c.Prepare(
              "INSERT INTO calendar_days (day, kind, name) VALUES (?, ?, ?)"
              " ON DUPLICATE KEY UPDATE kind = VALUES(kind), name = VALUES(name)");
          stmt.setString(1, day.date());
          stmt.setInt(2, day.kind());
          stmt.setString(3, day.name());
          stmt.executeUpdate();
        }
        BumpRevision(c);
        AppendChange(
            c, call,
            day.kind() == v1::CalendarDay::ORDINARY ? ChangeOp::kDelete : ChangeOp::kUpdate, 0,
            day);
        return day;
      });
}

absl::StatusOr<std::vector<v1::SlaPolicy>> CalendarRepository::ListPolicies(
    const CallContext& call) {
  return db_.Run(
      "sla_policy.list", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<std::vector<v1::SlaPolicy>> {
        std::unique_ptr<sql::ResultSet> rs(
            c.Prepare(std::string(kPolicySelect) + " ORDER BY type, priority").executeQuery());
        std::vector<v1::SlaPolicy> policies;
        while (rs->next()) policies.push_back(ReadPolicy(*rs));
        return policies;
      });
}

absl::StatusOr<v1::SlaPolicy> CalendarRepository::SetPolicy(const CallContext& call,
                                                            const v1::SlaPolicy& policy) {
  return db_.RunInTransaction(
      "sla_policy.set", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<v1::SlaPolicy> {
        std::optional<v1::SlaPolicy> before = LoadSlaPolicy(c, policy.type(), policy.priority());
        sql::PreparedStatement& stmt = c.Prepare(
            "INSERT INTO sla_policies (type, priority, first_response_minutes,"
            " resolution_minutes) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE"
            " first_response_minutes = VALUES(first_response_minutes),"
            " resolution_minutes = VALUES(resolution_minutes)");
        stmt.setInt(1, policy.type());
        stmt.setInt(2, policy.priority());
        stmt.setInt(3, policy.first_response_minutes());
        stmt.setInt(4, policy.resolution_minutes());
        stmt.executeUpdate();
        AppendChange(c, call, ChangeOp::kUpdate, policy.type() * 10 + policy.priority(), policy,
                     before ? &*before : nullptr);
        return policy;
      });
}

}  // namespace crm::feedback
