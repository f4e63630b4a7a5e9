// CompetitorRepository: prepared statements over competitors.
#include "services/customer/competitor_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/change_log.h"
#include "common/create_once.h"
#include "common/database.h"
#include "common/record_helpers.h"
#include "common/sql_time.h"
#include "common/sql_where.h"
#include "common/status_util.h"

namespace crm::customer {
namespace {

using v1::Competitor;

constexpr char kCompetitorSelect[] =
    "SELECT cp.id, cp.name, cp.website, cp.products, cp.strengths, cp.weaknesses, cp.remarks,"
    " cp.market_share_bp, cp.version, cp.created_at, cp.updated_at FROM competitors cp";

Competitor ReadCompetitor(sql::ResultSet& rs) {
  Competitor c;
  c.set_id(rs.getInt64(1));
  c.set_name(rs.getString(2));
  c.set_website(rs.getString(3));
  c.set_products(rs.getString(4));
  c.set_strengths(rs.getString(5));
  c.set_weaknesses(rs.getString(6));
  c.set_remarks(rs.getString(7));
  c.set_market_share_bp(rs.getInt(8));
  c.set_etag(EtagOf(rs.getInt64(9)));
  SqlDateTimeToTimestamp(rs.getString(10), c.mutable_create_time());
  SqlDateTimeToTimestamp(rs.getString(11), c.mutable_update_time());
  return c;
}

int64_t VersionOf(const Competitor& competitor) {
  int64_t version = 0;
  return absl::SimpleAtoi(competitor.etag(), &version) ? version : 0;
}

std::unique_ptr<Competitor> LoadCompetitor(MySqlConnection& c, int64_t id, bool for_update) {
  sql::PreparedStatement& stmt = c.Prepare(
      absl::StrCat(kCompetitorSelect, " WHERE cp.id = ?", for_update ? " FOR UPDATE" : ""));
  stmt.setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  return std::make_unique<Competitor>(ReadCompetitor(*rs));
}

// ALREADY_EXISTS when another competitor has this name. The unique key
// catches what a concurrent transaction slips in after this check.
absl::Status CheckNameFree(MySqlConnection& c, const std::string& name, int64_t exclude_id) {
  sql::PreparedStatement& stmt = c.Prepare("SELECT id FROM competitors WHERE name = ? AND id <> ?");
  stmt.setString(1, name);
  stmt.setInt64(2, exclude_id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return absl::OkStatus();
  return absl::AlreadyExistsError(
      absl::StrCat("a competitor named '", name, "' already exists (id ", rs->getInt64(1), ")"));
}

absl::Status CompetitorNotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat("competitor ", id, " not found"));
}

}  // namespace

absl::StatusOr<Competitor> CompetitorRepository::Create(const CallContext& call,
                                                        const Competitor& competitor,
                                                        const std::string& request_id) {
  const std::string request_key = CallerRequestKey(call, request_id);
  auto replay = [&](MySqlConnection& c) -> std::unique_ptr<Competitor> {
    const int64_t existing = FindByRequestKey(c, "competitors", request_key);
    return existing == 0 ? nullptr : LoadCompetitor(c, existing, false);
  };
  auto insert = [&](MySqlConnection& c) -> absl::StatusOr<Competitor> {
    CRM_RETURN_IF_ERROR(CheckNameFree(c, competitor.name(), 0));
    const std::string now = FormatSqlDateTime(absl::Now());
    sql::PreparedStatement& stmt = c.Prepare(
        "INSERT INTO competitors (name, website, products, strengths, weaknesses, remarks,"
        " market_share_bp, create_request_id, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    stmt.setString(1, competitor.name());
    stmt.setString(2, competitor.website());
    stmt.setString(3, competitor.products());
    stmt.setString(4, competitor.strengths());
    stmt.setString(5, competitor.weaknesses());
    stmt.setString(6, competitor.remarks());
    stmt.setInt(7, competitor.market_share_bp());
    SetStringOrNull(stmt, 8, request_key);
    stmt.setDateTime(9, now);
    stmt.setDateTime(10, now);
    stmt.executeUpdate();
    std::unique_ptr<Competitor> stored = LoadCompetitor(c, c.LastInsertId(), false);
    AppendChange(c, call, ChangeOp::kCreate, stored->id(), *stored);
    return *stored;
  };
  return CreateOnce<Competitor>(db_, "competitor.create", call.deadline, !request_key.empty(),
                                insert, replay);
}

absl::StatusOr<Competitor> CompetitorRepository::Get(const CallContext& call, int64_t id) {
  return db_.Run("competitor.get", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<Competitor> {
                   auto competitor = LoadCompetitor(c, id, false);
                   if (!competitor) return CompetitorNotFound(id);
                   return *competitor;
                 });
}

absl::StatusOr<Competitor> CompetitorRepository::Update(
    const CallContext& call, int64_t id, const std::string& etag,
    const std::function<absl::Status(Competitor&)>& change) {
  return db_.RunInTransaction(
      "competitor.update", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<Competitor> {
        std::unique_ptr<Competitor> competitor = LoadCompetitor(c, id, /*for_update=*/true);
        if (!competitor) return CompetitorNotFound(id);
        CRM_RETURN_IF_ERROR(CheckEtag(etag, VersionOf(*competitor), "competitor"));
        const std::string old_name = competitor->name();
        CRM_RETURN_IF_ERROR(change(*competitor));
        if (competitor->name() != old_name) {
          CRM_RETURN_IF_ERROR(CheckNameFree(c, competitor->name(), id));
        }
        sql::PreparedStatement& stmt = c.Prepare(
            "UPDATE competitors SET name = ?, website = ?, products = ?, strengths = ?,"
            " weaknesses = ?, remarks = ?, market_share_bp = ?, version = version + 1,"
            " updated_at = ? WHERE id = ?");
        stmt.setString(1, competitor->name());
        stmt.setString(2, competitor->website());
        stmt.setString(3, competitor->products());
        stmt.setString(4, competitor->strengths());
        stmt.setString(5, competitor->weaknesses());
        stmt.setString(6, competitor->remarks());
        stmt.setInt(7, competitor->market_share_bp());
        stmt.setDateTime(8, FormatSqlDateTime(absl::Now()));
        stmt.setInt64(9, id);
        stmt.executeUpdate();
        std::unique_ptr<Competitor> stored = LoadCompetitor(c, id, false);
        AppendChange(c, call, ChangeOp::kUpdate, id, *stored);
        return *stored;
      });
}

absl::StatusOr<CompetitorPage> CompetitorRepository::List(
    const CallContext& call, const std::string& query, int page_size,
    const std::optional<CompetitorPosition>& after) {
  return db_.Run(
      "competitor.list", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<CompetitorPage> {
        CompetitorPage page;
        SqlWhere where;
        if (!query.empty()) {
          const std::string pattern = EscapeLike(query);
          // A scan, but the table is small (a few hundred rows at most).
          where.And(
              "(cp.name LIKE CONCAT('%', ?, '%') OR cp.products LIKE CONCAT('%', ?, '%')"
              " OR cp.strengths LIKE CONCAT('%', ?, '%') OR cp.weaknesses LIKE CONCAT('%', ?, "
              "'%'))",
              {pattern, pattern, pattern, pattern});
        }
        SqlWhere page_where = where;
        if (after) {
          page_where.And("(cp.name > ? OR (cp.name = ? AND cp.id > ?))",
                         {after->name, after->name, after->id});
        }
        sql::PreparedStatement& rows = c.Prepare(
            absl::StrCat(kCompetitorSelect, page_where.Sql(), " ORDER BY cp.name, cp.id LIMIT ?"));
        const int index = page_where.Bind(rows);
        rows.setInt(index, page_size + 1);  // one extra row tells whether more follow
        std::unique_ptr<sql::ResultSet> rs(rows.executeQuery());
        while (rs->next()) {
          if (static_cast<int>(page.competitors.size()) == page_size) {
            page.has_more = true;
            break;
          }
          page.competitors.push_back(ReadCompetitor(*rs));
        }
        sql::PreparedStatement& count =
            c.Prepare(absl::StrCat("SELECT COUNT(*) FROM competitors cp", where.Sql()));
        where.Bind(count);
        std::unique_ptr<sql::ResultSet> total(count.executeQuery());
        total->next();
        page.total_size = total->getInt64(1);
        return page;
      });
}

}  // namespace crm::customer
