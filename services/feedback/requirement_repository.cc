// RequirementRepository: prepared statements over requirements and
// requirement_requests.
#include "services/feedback/requirement_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "common/feed/change_log.h"
#include "common/feed/versioned_rows.h"
#include "services/feedback/calendar_repository.h"

namespace crm::feedback {
namespace {

using v1::Requirement;
using v1::RequirementRequest;

constexpr char kRequirementSelect[] =
    "SELECT q.id, q.title, q.description, q.status, q.responsible_employee_id,"
    " q.handling_opinion, q.request_count, q.created_by_employee_id, q.version, q.created_at,"
    " q.updated_at FROM requirements q";

Requirement ReadRequirement(sql::ResultSet& rs) {
  Requirement q;
  q.set_id(rs.getInt64(1));
  q.set_title(rs.getString(2));
  q.set_description(rs.getString(3));
  q.set_status(static_cast<v1::RequirementStatus>(rs.getInt(4)));
  q.set_responsible_employee_id(rs.getInt64(5));
  q.set_handling_opinion(rs.getString(6));
  q.set_request_count(rs.getInt(7));
  q.set_created_by_employee_id(rs.getInt64(8));
  q.set_etag(EtagOf(rs.getInt64(9)));
  SqlDateTimeToTimestamp(rs.getString(10), q.mutable_create_time());
  SqlDateTimeToTimestamp(rs.getString(11), q.mutable_update_time());
  return q;
}

std::unique_ptr<Requirement> LoadRequirement(MySqlConnection& c, int64_t id, bool for_update) {
  sql::PreparedStatement& stmt = c.Prepare(
      absl::StrCat(kRequirementSelect, " WHERE q.id = ?", for_update ? " FOR UPDATE" : ""));
  stmt.setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  return std::make_unique<Requirement>(ReadRequirement(*rs));
}

const RecordTable<Requirement>& RequirementTable() {
  static const auto* table =
      new RecordTable<Requirement>{"requirements", "requirement", &LoadRequirement};
  return *table;
}

// Parameters 1–5 of the insert and the update, in the order both name them.
void BindEditableColumns(sql::PreparedStatement& stmt, const Requirement& q) {
  stmt.setString(1, q.title());
  stmt.setString(2, q.description());
  stmt.setInt(3, q.status());
  stmt.setInt64(4, q.responsible_employee_id());
  stmt.setString(5, q.handling_opinion());
}

constexpr char kRequestSelect[] =
    "SELECT id, requirement_id, customer_id, service_request_id, description,"
    " requested_by_employee_id, created_at FROM requirement_requests";

RequirementRequest ReadRequest(sql::ResultSet& rs) {
  RequirementRequest r;
  r.set_id(rs.getInt64(1));
  r.set_requirement_id(rs.getInt64(2));
  r.set_customer_id(rs.getInt64(3));
  r.set_service_request_id(rs.getInt64(4));
  r.set_description(rs.getString(5));
  r.set_requested_by_employee_id(rs.getInt64(6));
  SqlDateTimeToTimestamp(rs.getString(7), r.mutable_create_time());
  return r;
}

std::unique_ptr<RequirementRequest> LoadRequest(MySqlConnection& c, int64_t id, bool) {
  sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(kRequestSelect, " WHERE id = ?"));
  stmt.setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  return std::make_unique<RequirementRequest>(ReadRequest(*rs));
}

}  // namespace

absl::StatusOr<Requirement> RequirementRepository::Create(const CallContext& call,
                                                          const Requirement& requirement,
                                                          const std::string& request_id) {
  return CreateOnce(
      db_, call, RequirementTable(), request_id,
      [&](MySqlConnection& c, const std::string& request_key) -> absl::StatusOr<int64_t> {
        const std::string now = FormatSqlDateTime(call.Now());
        sql::PreparedStatement& stmt = c.Prepare(
            "INSERT INTO requirements (title, description, status, responsible_employee_id,"
            " handling_opinion, created_by_employee_id, create_request_id, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        BindEditableColumns(stmt, requirement);
        stmt.setInt64(6, call.caller.employee_id);
        SetStringOrNull(stmt, 7, request_key);
        stmt.setDateTime(8, now);
        stmt.setDateTime(9, now);
        stmt.executeUpdate();
        return c.LastInsertId();
      });
}

absl::StatusOr<Requirement> RequirementRepository::Get(const CallContext& call, int64_t id) {
  return db_.Run("requirement.get", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<Requirement> {
                   std::unique_ptr<Requirement> q = LoadRequirement(c, id, false);
                   if (!q) return RequirementTable().NotFound(id);
                   return *q;
                 });
}

absl::StatusOr<Requirement> RequirementRepository::Update(
    const CallContext& call, int64_t id, const std::string& etag,
    const std::function<absl::Status(Requirement&)>& change) {
  auto edit = [&](MySqlConnection&, Requirement& q) { return change(q); };
  auto write = [&](MySqlConnection& c, const Requirement& q) {
    sql::PreparedStatement& stmt = c.Prepare(
        "UPDATE requirements SET title = ?, description = ?, status = ?,"
        " responsible_employee_id = ?, handling_opinion = ? WHERE id = ?");
    BindEditableColumns(stmt, q);
    stmt.setInt64(6, id);
    stmt.executeUpdate();
  };
  return UpdateVersioned(db_, call, RequirementTable(), id, etag, edit, write);
}

absl::StatusOr<Page<Requirement>> RequirementRepository::List(const CallContext& call,
                                                              v1::RequirementStatus status,
                                                              int page_size,
                                                              std::optional<int64_t> before_id) {
  return db_.Run("requirement.list", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<Page<Requirement>> {
                   SqlWhere where;
                   if (status != v1::REQUIREMENT_STATUS_UNSPECIFIED) {
                     where.And("q.status = ?", {static_cast<int64_t>(status)});
                   }
                   KeysetQuery q(kRequirementSelect, "FROM requirements q", where,
                                 " ORDER BY q.id DESC", page_size);
                   if (before_id) q.After("q.id < ?", {*before_id});
                   return ReadKeysetPage<Requirement>(c, q, ReadRequirement);
                 });
}

absl::StatusOr<RequirementRequest> RequirementRepository::Link(const CallContext& call,
                                                               const RequirementRequest& request,
                                                               const std::string& request_id) {
  const RecordTable<RequirementRequest> table{"requirement_requests", "requirement request",
                                              &LoadRequest};
  // The requirement is locked first, so its count and its requests agree.
  auto lock = [&](MySqlConnection& c) -> absl::Status {
    if (!LoadRequirement(c, request.requirement_id(), true)) {
      return RequirementTable().NotFound(request.requirement_id());
    }
    return absl::OkStatus();
  };
  return CreateOnceLocked(
      db_, call, table, request_id, lock,
      [&](MySqlConnection& c, const std::string& request_key) -> absl::StatusOr<int64_t> {
        sql::PreparedStatement& stmt = c.Prepare(
            "INSERT INTO requirement_requests (requirement_id, customer_id, service_request_id,"
            " description, requested_by_employee_id, create_request_id, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)");
        stmt.setInt64(1, request.requirement_id());
        stmt.setInt64(2, request.customer_id());
        stmt.setInt64(3, request.service_request_id());
        stmt.setString(4, request.description());
        stmt.setInt64(5, call.caller.employee_id);
        SetStringOrNull(stmt, 6, request_key);
        stmt.setDateTime(7, FormatSqlDateTime(call.Now()));
        stmt.executeUpdate();
        const int64_t id = c.LastInsertId();
        // A new request is a change of its requirement (the daily review shows it).
        std::unique_ptr<Requirement> before = LoadRequirement(c, request.requirement_id(), false);
        sql::PreparedStatement& count =
            c.Prepare("UPDATE requirements SET request_count = request_count + 1 WHERE id = ?");
        count.setInt64(1, request.requirement_id());
        count.executeUpdate();
        TouchVersion(c, "requirements", request.requirement_id(), call.Now());
        std::unique_ptr<Requirement> after = LoadRequirement(c, request.requirement_id(), false);
        AppendChange(c, call, ChangeOp::kUpdate, after->id(), *after, before.get());
        return id;
      });
}

absl::StatusOr<std::vector<RequirementRequest>> RequirementRepository::Requests(
    const CallContext& call, int64_t id) {
  return db_.Run("requirement.requests", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<std::vector<RequirementRequest>> {
                   if (!LoadRequirement(c, id, false)) return RequirementTable().NotFound(id);
                   sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(
                       kRequestSelect, " WHERE requirement_id = ? ORDER BY id LIMIT 1000"));
                   stmt.setInt64(1, id);
                   std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
                   std::vector<RequirementRequest> requests;
                   while (rs->next()) requests.push_back(ReadRequest(*rs));
                   return requests;
                 });
}

absl::StatusOr<RequirementRepository::Review> RequirementRepository::ReviewOf(
    const CallContext& call, absl::CivilDay day, absl::TimeZone zone) {
  return db_.Run(
      "requirement.review", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<Review> {
        Review review;
        // The working day before `day`; a calendar with none in a month
        // (data gone wrong) reviews the month.
        const WorkCalendar calendar = LoadCalendar(c, zone);
        review.since = day - 1;
        while (!calendar.IsWorkingDay(review.since) && day - review.since < 31) --review.since;
        sql::PreparedStatement& stmt =
            c.Prepare(absl::StrCat(kRequirementSelect,
                                   " WHERE q.updated_at >= ? ORDER BY q.updated_at DESC, q.id DESC"
                                   " LIMIT 1000"));
        stmt.setDateTime(1, FormatSqlDateTime(absl::FromCivil(review.since, zone)));
        std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
        while (rs->next()) review.requirements.push_back(ReadRequirement(*rs));
        return review;
      });
}

}  // namespace crm::feedback
