// CompetitorRepository: prepared statements over competitors.
#include "services/customer/competitor_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/keyset_page.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "common/feed/change_log.h"
#include "common/feed/versioned_rows.h"

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

// Parameters 1–7 of the insert and the update: the columns a caller edits,
// in the order both statements name them.
void BindEditableColumns(sql::PreparedStatement& stmt, const Competitor& competitor) {
  stmt.setString(1, competitor.name());
  stmt.setString(2, competitor.website());
  stmt.setString(3, competitor.products());
  stmt.setString(4, competitor.strengths());
  stmt.setString(5, competitor.weaknesses());
  stmt.setString(6, competitor.remarks());
  stmt.setInt(7, competitor.market_share_bp());
}

const RecordTable<Competitor> kCompetitors{"competitors", "competitor", &LoadCompetitor};

}  // namespace

absl::StatusOr<Competitor> CompetitorRepository::Create(const CallContext& call,
                                                        const Competitor& competitor,
                                                        const std::string& request_id) {
  return CreateOnce(
      db_, call, kCompetitors, request_id,
      [&](MySqlConnection& c, const std::string& request_key) -> absl::StatusOr<int64_t> {
        CRM_RETURN_IF_ERROR(CheckNameFree(c, competitor.name(), 0));
        const std::string now = FormatSqlDateTime(call.Now());
        sql::PreparedStatement& stmt = c.Prepare(
            "INSERT INTO competitors (name, website, products, strengths, weaknesses, remarks,"
            " market_share_bp, create_request_id, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        BindEditableColumns(stmt, competitor);
        SetStringOrNull(stmt, 8, request_key);
        stmt.setDateTime(9, now);
        stmt.setDateTime(10, now);
        stmt.executeUpdate();
        return c.LastInsertId();
      });
}

absl::StatusOr<Competitor> CompetitorRepository::Get(const CallContext& call, int64_t id) {
  return db_.Run("competitor.get", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<Competitor> {
                   auto competitor = LoadCompetitor(c, id, false);
                   if (!competitor) return kCompetitors.NotFound(id);
                   return *competitor;
                 });
}

absl::StatusOr<Competitor> CompetitorRepository::Update(
    const CallContext& call, int64_t id, const std::string& etag,
    const std::function<absl::Status(Competitor&)>& change) {
  auto edit = [&](MySqlConnection& c, Competitor& competitor) -> absl::Status {
    const std::string old_name = competitor.name();
    CRM_RETURN_IF_ERROR(change(competitor));
    if (competitor.name() != old_name) CRM_RETURN_IF_ERROR(CheckNameFree(c, competitor.name(), id));
    return absl::OkStatus();
  };
  auto write = [&](MySqlConnection& c, const Competitor& competitor) {
    sql::PreparedStatement& stmt = c.Prepare(
        "UPDATE competitors SET name = ?, website = ?, products = ?, strengths = ?,"
        " weaknesses = ?, remarks = ?, market_share_bp = ? WHERE id = ?");
    BindEditableColumns(stmt, competitor);
    stmt.setInt64(8, id);
    stmt.executeUpdate();
  };
  return UpdateVersioned(db_, call, kCompetitors, id, etag, edit, write);
}

absl::StatusOr<CompetitorPage> CompetitorRepository::List(
    const CallContext& call, const std::string& query, int page_size,
    const std::optional<CompetitorPosition>& after) {
  return db_.Run(
      "competitor.list", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<CompetitorPage> {
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
        KeysetQuery q(kCompetitorSelect, "FROM competitors cp", where, " ORDER BY cp.name, cp.id",
                      page_size);
        if (after) {
          q.After("(cp.name > ? OR (cp.name = ? AND cp.id > ?))",
                  {after->name, after->name, after->id});
        }
        return ReadKeysetPage<Competitor>(c, q, ReadCompetitor);
      });
}

}  // namespace crm::customer
