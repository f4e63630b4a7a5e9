// OpportunityRepository: prepared statements over pipeline_stages,
// opportunities and opportunity_history.
#include "services/sales/opportunity_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/base/dates.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "common/db/visibility.h"
#include "common/feed/change_log.h"
#include "common/feed/owner_departments.h"
#include "common/feed/versioned_rows.h"
#include "services/sales/money.h"

namespace crm::sales {
namespace {

using v1::Opportunity;
using v1::PipelineStage;

constexpr char kOpportunitySelect[] =
    "SELECT o.id, o.customer_id, o.title, o.stage_code, o.amount_fen, o.win_probability_percent,"
    " o.expected_close_date, o.owner_id, o.owner_department_id, o.source, o.campaign_id,"
    " o.status, o.close_reason, o.closed_date, o.last_activity_at, o.version, o.created_at,"
    " o.updated_at FROM opportunities o";

Opportunity ReadOpportunity(sql::ResultSet& rs) {
  Opportunity o;
  o.set_id(rs.getInt64(1));
  o.set_customer_id(rs.getInt64(2));
  o.set_title(rs.getString(3));
  o.set_stage_code(rs.getString(4));
  *o.mutable_amount() = Fen(rs.getInt64(5));
  o.set_win_probability_percent(rs.getInt(6));
  o.set_expected_close_date(rs.getString(7));
  o.set_owner_employee_id(rs.getInt64(8));
  o.set_owner_department_id(rs.getInt64(9));
  o.set_source(rs.getString(10));
  o.set_campaign_id(rs.getInt64(11));
  o.set_status(static_cast<v1::OpportunityStatus>(rs.getInt(12)));
  o.set_close_reason(rs.getString(13));
  if (!rs.isNull(14)) o.set_closed_date(rs.getString(14));
  SqlDateTimeToTimestamp(rs.getString(15), o.mutable_last_activity_time());
  o.set_etag(EtagOf(rs.getInt64(16)));
  SqlDateTimeToTimestamp(rs.getString(17), o.mutable_create_time());
  SqlDateTimeToTimestamp(rs.getString(18), o.mutable_update_time());
  return o;
}

std::unique_ptr<Opportunity> LoadOpportunity(MySqlConnection& c, const VisibilityScope& scope,
                                             int64_t id, bool for_update) {
  SqlWhere where;
  where.And("o.id = ?", {id});
  RestrictToScope(where, scope, "o.owner_id", "o.owner_department_path");
  sql::PreparedStatement& stmt =
      c.Prepare(absl::StrCat(kOpportunitySelect, where.Sql(), for_update ? " FOR UPDATE" : ""));
  where.Bind(stmt);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  return std::make_unique<Opportunity>(ReadOpportunity(*rs));
}

RecordTable<Opportunity> OpportunityTable(const CallContext& call) {
  return {"opportunities", "opportunity",
          [&call](MySqlConnection& c, int64_t id, bool for_update) {
            return LoadOpportunity(c, for_update ? WriteScopeOf(call.caller) : ScopeOf(call.caller),
                                   id, for_update);
          },
          [&call](MySqlConnection& c, int64_t id) {
            return LoadOpportunity(c, ScopeOf(call.caller), id, false) != nullptr;
          }};
}

constexpr char kStageSelect[] =
    "SELECT code, name, position, win_probability_percent, retired FROM pipeline_stages";

PipelineStage ReadStage(sql::ResultSet& rs) {
  PipelineStage s;
  s.set_code(rs.getString(1));
  s.set_name(rs.getString(2));
  s.set_position(rs.getInt(3));
  s.set_win_probability_percent(rs.getInt(4));
  s.set_retired(rs.getBoolean(5));
  return s;
}

std::optional<PipelineStage> LoadStage(MySqlConnection& c, const std::string& code) {
  sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(kStageSelect, " WHERE code = ?"));
  stmt.setString(1, code);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return std::nullopt;
  return ReadStage(*rs);
}

// The tracked fields as history text.
std::map<std::string, std::string> Tracked(const Opportunity& o) {
  return {{"stage_code", o.stage_code()},
          {"amount", absl::StrCat(o.amount().minor_units())},
          {"win_probability_percent", absl::StrCat(o.win_probability_percent())},
          {"expected_close_date", o.expected_close_date()},
          {"status", v1::OpportunityStatus_Name(o.status())}};
}

// A history row for each tracked field that differs (all of them when
// `before` is null: a creation).
void AppendHistory(MySqlConnection& c, const CallContext& call, int64_t id,
                   const Opportunity* before, const Opportunity& after) {
  const std::map<std::string, std::string> now = Tracked(after);
  const std::map<std::string, std::string> was =
      before ? Tracked(*before) : std::map<std::string, std::string>{};
  sql::PreparedStatement& stmt = c.Prepare(
      "INSERT INTO opportunity_history (opportunity_id, field, from_value, to_value, actor,"
      " changed_at) VALUES (?, ?, ?, ?, ?, ?)");
  for (const auto& [field, value] : now) {
    const auto old = was.find(field);
    const std::string from = old == was.end() ? "" : old->second;
    if (before && from == value) continue;
    stmt.setInt64(1, id);
    stmt.setString(2, field);
    stmt.setString(3, from);
    stmt.setString(4, value);
    stmt.setString(5, call.actor);
    stmt.setDateTime(6, FormatSqlDateTime(call.Now()));
    stmt.executeUpdate();
  }
}

// Parameters 1–10 of the insert and the update, in the order both name them.
void BindEditableColumns(sql::PreparedStatement& stmt, const Opportunity& o) {
  stmt.setString(1, o.title());
  stmt.setString(2, o.stage_code());
  stmt.setInt64(3, o.amount().minor_units());
  stmt.setInt(4, o.win_probability_percent());
  stmt.setString(5, o.expected_close_date());
  stmt.setString(6, o.source());
  stmt.setInt64(7, o.campaign_id());
  stmt.setInt(8, o.status());
  stmt.setString(9, o.close_reason());
  SetStringOrNull(stmt, 10, o.closed_date());
}

absl::Status StageRefused(const std::string& code, const std::optional<PipelineStage>& stage) {
  if (!stage) {
    return InvalidField("opportunity.stage_code", absl::StrCat("no stage '", code, "'"));
  }
  return absl::FailedPreconditionError(
      absl::StrCat("opportunity.stage_code: stage '", code, "' is retired"));
}

}  // namespace

absl::StatusOr<std::vector<PipelineStage>> OpportunityRepository::ListStages(
    const CallContext& call) {
  return db_.Run("pipeline.list", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<std::vector<PipelineStage>> {
                   sql::PreparedStatement& stmt =
                       c.Prepare(absl::StrCat(kStageSelect, " ORDER BY position, code"));
                   std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
                   std::vector<PipelineStage> stages;
                   while (rs->next()) stages.push_back(ReadStage(*rs));
                   return stages;
                 });
}

absl::StatusOr<PipelineStage> OpportunityRepository::SetStage(const CallContext& call,
                                                              const PipelineStage& stage) {
  return db_.RunInTransaction(
      "pipeline.set", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<PipelineStage> {
        sql::PreparedStatement& stmt = c.Prepare(
            "INSERT INTO pipeline_stages (code, name, position, win_probability_percent, retired)"
            " VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE name = VALUES(name),"
            " position = VALUES(position),"
            " win_probability_percent = VALUES(win_probability_percent),"
            " retired = VALUES(retired)");
        stmt.setString(1, stage.code());
        stmt.setString(2, stage.name());
        stmt.setInt(3, stage.position());
        stmt.setInt(4, stage.win_probability_percent());
        stmt.setBoolean(5, stage.retired());
        stmt.executeUpdate();
        std::optional<PipelineStage> stored = LoadStage(c, stage.code());
        // Stages are keyed by code, not by a number: entity id 0.
        AppendChange(c, call, ChangeOp::kUpdate, 0, *stored);
        return *stored;
      });
}

absl::StatusOr<Opportunity> OpportunityRepository::Create(const CallContext& call,
                                                          const Opportunity& opportunity,
                                                          bool probability_given,
                                                          const std::string& request_id) {
  return CreateOnce(
      db_, call, OpportunityTable(call), request_id,
      [&](MySqlConnection& c, const std::string& request_key) -> absl::StatusOr<int64_t> {
        Opportunity o = opportunity;
        const std::optional<PipelineStage> stage = LoadStage(c, o.stage_code());
        if (!stage || stage->retired()) return StageRefused(o.stage_code(), stage);
        if (!probability_given) o.set_win_probability_percent(stage->win_probability_percent());
        o.set_status(v1::OPEN);
        const Owner owner = CurrentOwner(c, call.caller);
        const std::string now = FormatSqlDateTime(call.Now());
        sql::PreparedStatement& stmt = c.Prepare(
            "INSERT INTO opportunities (title, stage_code, amount_fen, win_probability_percent,"
            " expected_close_date, source, campaign_id, status, close_reason, closed_date,"
            " customer_id, owner_id, owner_department_id, owner_department_path,"
            " last_activity_at, create_request_id, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        BindEditableColumns(stmt, o);
        stmt.setInt64(11, o.customer_id());
        stmt.setInt64(12, owner.employee_id);
        stmt.setInt64(13, owner.department_id);
        stmt.setString(14, owner.department_path);
        stmt.setDateTime(15, now);
        SetStringOrNull(stmt, 16, request_key);
        stmt.setDateTime(17, now);
        stmt.setDateTime(18, now);
        stmt.executeUpdate();
        const int64_t id = c.LastInsertId();
        AppendHistory(c, call, id, nullptr, o);
        return id;
      });
}

absl::StatusOr<Opportunity> OpportunityRepository::Get(const CallContext& call, int64_t id) {
  return db_.Run("opportunity.get", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<Opportunity> {
                   auto o = LoadOpportunity(c, ScopeOf(call.caller), id, false);
                   if (!o)
                     return absl::NotFoundError(absl::StrCat("opportunity ", id, " not found"));
                   return *o;
                 });
}

absl::StatusOr<Opportunity> OpportunityRepository::Update(
    const CallContext& call, int64_t id, const std::string& etag,
    const std::function<absl::Status(Opportunity&, const StageLookup&)>& edit) {
  std::optional<Opportunity> before;
  auto apply = [&](MySqlConnection& c, Opportunity& o) -> absl::Status {
    before = o;
    const StageLookup lookup = [&c](const std::string& code) { return LoadStage(c, code); };
    CRM_RETURN_IF_ERROR(edit(o, lookup));
    if (o.stage_code() != before->stage_code()) {
      const std::optional<PipelineStage> stage = LoadStage(c, o.stage_code());
      if (!stage || stage->retired()) return StageRefused(o.stage_code(), stage);
    }
    return absl::OkStatus();
  };
  auto write = [&](MySqlConnection& c, const Opportunity& o) {
    // A stage move or a close is a follow-up; other edits are not.
    const bool activity = o.stage_code() != before->stage_code() || o.status() != before->status();
    sql::PreparedStatement& stmt = c.Prepare(
        "UPDATE opportunities SET title = ?, stage_code = ?, amount_fen = ?,"
        " win_probability_percent = ?, expected_close_date = ?, source = ?, campaign_id = ?,"
        " status = ?, close_reason = ?, closed_date = ?,"
        " last_activity_at = IF(?, ?, last_activity_at) WHERE id = ?");
    BindEditableColumns(stmt, o);
    stmt.setBoolean(11, activity);
    stmt.setDateTime(12, FormatSqlDateTime(call.Now()));
    stmt.setInt64(13, id);
    stmt.executeUpdate();
    AppendHistory(c, call, id, &*before, o);
  };
  return UpdateVersioned(db_, call, OpportunityTable(call), id, etag, apply, write);
}

absl::StatusOr<Page<Opportunity>> OpportunityRepository::List(const CallContext& call,
                                                              const OpportunityFilter& filter,
                                                              int page_size,
                                                              std::optional<int64_t> before_id) {
  return db_.Run("opportunity.list", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<Page<Opportunity>> {
                   SqlWhere where;
                   if (filter.customer_id != 0)
                     where.And("o.customer_id = ?", {filter.customer_id});
                   if (filter.status != v1::OPPORTUNITY_STATUS_UNSPECIFIED) {
                     where.And("o.status = ?", {static_cast<int64_t>(filter.status)});
                   }
                   if (!filter.stage_code.empty())
                     where.And("o.stage_code = ?", {filter.stage_code});
                   if (filter.owner_employee_id != 0)
                     where.And("o.owner_id = ?", {filter.owner_employee_id});
                   RestrictToScope(where, ScopeOf(call.caller), "o.owner_id",
                                   "o.owner_department_path");
                   KeysetQuery q(kOpportunitySelect, "FROM opportunities o", where,
                                 " ORDER BY o.id DESC", page_size);
                   if (before_id) q.After("o.id < ?", {*before_id});
                   return ReadKeysetPage<Opportunity>(c, q, ReadOpportunity);
                 });
}

absl::StatusOr<Page<v1::OpportunityChange>> OpportunityRepository::History(
    const CallContext& call, int64_t opportunity_id, int page_size,
    std::optional<int64_t> after_id) {
  return db_.Run(
      "opportunity.history", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<Page<v1::OpportunityChange>> {
        if (!LoadOpportunity(c, ScopeOf(call.caller), opportunity_id, false)) {
          return absl::NotFoundError(absl::StrCat("opportunity ", opportunity_id, " not found"));
        }
        SqlWhere where;
        where.And("h.opportunity_id = ?", {opportunity_id});
        KeysetQuery q(
            "SELECT h.id, h.opportunity_id, h.field, h.from_value, h.to_value, h.actor,"
            " h.changed_at FROM opportunity_history h",
            "FROM opportunity_history h", where, " ORDER BY h.id", page_size);
        q.count_total = false;
        if (after_id) q.After("h.id > ?", {*after_id});
        return ReadKeysetPage<v1::OpportunityChange>(c, q, [](sql::ResultSet& rs) {
          v1::OpportunityChange h;
          h.set_id(rs.getInt64(1));
          h.set_opportunity_id(rs.getInt64(2));
          h.set_field(rs.getString(3));
          h.set_from_value(rs.getString(4));
          h.set_to_value(rs.getString(5));
          h.set_actor(rs.getString(6));
          SqlDateTimeToTimestamp(rs.getString(7), h.mutable_change_time());
          return h;
        });
      });
}

absl::StatusOr<Page<Opportunity>> OpportunityRepository::ListStale(
    const CallContext& call, absl::Time quiet_since, int page_size,
    const std::optional<std::pair<std::string, int64_t>>& after) {
  return db_.Run(
      "opportunity.stale", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<Page<Opportunity>> {
        SqlWhere where;
        where.And("o.status = 1").And("o.last_activity_at < ?", {FormatSqlDateTime(quiet_since)});
        RestrictToScope(where, ScopeOf(call.caller), "o.owner_id", "o.owner_department_path");
        KeysetQuery q(kOpportunitySelect, "FROM opportunities o", where,
                      " ORDER BY o.last_activity_at, o.id", page_size);
        if (after) {
          q.After("(o.last_activity_at > ? OR (o.last_activity_at = ? AND o.id > ?))",
                  {after->first, after->first, after->second});
        }
        return ReadKeysetPage<Opportunity>(c, q, ReadOpportunity);
      });
}

absl::StatusOr<std::vector<ForecastGroup>> OpportunityRepository::Forecast(
    const CallContext& call, v1::GetForecastRequest::GroupBy group_by, const std::string& first_day,
    const std::string& last_day) {
  // The group's key: one of three fixed expressions, never caller text.
  const char* key = group_by == v1::GetForecastRequest::OWNER ? "CAST(o.owner_id AS CHAR)"
                    : group_by == v1::GetForecastRequest::DEPARTMENT
                        ? "CAST(o.owner_department_id AS CHAR)"
                        : "DATE_FORMAT(o.expected_close_date, '%Y-%m')";
  return db_.Run(
      "opportunity.forecast", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<std::vector<ForecastGroup>> {
        SqlWhere where;
        where.And("o.status = 1")
            .And("o.expected_close_date BETWEEN ? AND ?", {first_day, last_day});
        RestrictToScope(where, ScopeOf(call.caller), "o.owner_id", "o.owner_department_path");
        sql::PreparedStatement& stmt = c.Prepare(
            absl::StrCat("SELECT ", key,
                         " AS k, COUNT(*), SUM(o.amount_fen),"
                         " SUM(o.amount_fen * o.win_probability_percent) FROM opportunities o",
                         where.Sql(), " GROUP BY k ORDER BY k"));
        where.Bind(stmt);
        std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
        std::vector<ForecastGroup> groups;
        while (rs->next()) {
          groups.push_back(
              ForecastGroup{rs->getString(1), rs->getInt64(2), rs->getInt64(3), rs->getInt64(4)});
        }
        return groups;
      });
}

absl::Status LockOpenOpportunity(MySqlConnection& c, const CallContext& call, int64_t id,
                                 int64_t customer_id, const std::string& field) {
  std::unique_ptr<Opportunity> o = LoadOpportunity(c, WriteScopeOf(call.caller), id, true);
  if (!o) return absl::NotFoundError(absl::StrCat(field, ": opportunity ", id, " not found"));
  if (o->customer_id() != customer_id) {
    return InvalidField(
        field, absl::StrCat("opportunity ", id, " is not one of customer ", customer_id, "'s"));
  }
  if (o->status() != v1::OPEN) {
    return absl::FailedPreconditionError(
        absl::StrCat(field, ": opportunity ", id, " is ", v1::OpportunityStatus_Name(o->status())));
  }
  return absl::OkStatus();
}

void TouchOpportunity(MySqlConnection& c, int64_t id, absl::Time when) {
  sql::PreparedStatement& stmt = c.Prepare(
      "UPDATE opportunities SET last_activity_at = GREATEST(last_activity_at, ?) WHERE id = ?");
  stmt.setDateTime(1, FormatSqlDateTime(when));
  stmt.setInt64(2, id);
  stmt.executeUpdate();
}

}  // namespace crm::sales
