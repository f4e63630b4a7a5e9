// CampaignRepository: prepared statements over campaigns and
// campaign_targets; results from opportunities and orders.
#include "services/sales/campaign_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>
#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/multi_row.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "common/db/visibility.h"
#include "common/feed/owner_departments.h"
#include "common/feed/versioned_rows.h"
#include "crm/sales/v1/order.pb.h"
#include "services/sales/money.h"
#include "services/sales/order_pricing.h"

namespace crm::sales {
namespace {

using v1::Campaign;

constexpr char kCampaignSelect[] =
    "SELECT c.id, c.name, c.type, c.status, c.start_date, c.end_date, c.budget_fen, c.cost_fen,"
    " c.description, c.owner_id, c.owner_department_id, c.version, c.created_at, c.updated_at"
    " FROM campaigns c";

Campaign ReadCampaign(sql::ResultSet& rs) {
  Campaign c;
  c.set_id(rs.getInt64(1));
  c.set_name(rs.getString(2));
  c.set_type(static_cast<v1::CampaignType>(rs.getInt(3)));
  c.set_status(static_cast<v1::CampaignStatus>(rs.getInt(4)));
  c.set_start_date(rs.getString(5));
  c.set_end_date(rs.getString(6));
  *c.mutable_budget() = Fen(rs.getInt64(7));
  *c.mutable_cost() = Fen(rs.getInt64(8));
  c.set_description(rs.getString(9));
  c.set_owner_employee_id(rs.getInt64(10));
  c.set_owner_department_id(rs.getInt64(11));
  c.set_etag(EtagOf(rs.getInt64(12)));
  SqlDateTimeToTimestamp(rs.getString(13), c.mutable_create_time());
  SqlDateTimeToTimestamp(rs.getString(14), c.mutable_update_time());
  return c;
}

void FillTargets(MySqlConnection& c, Campaign& campaign) {
  sql::PreparedStatement& stmt = c.Prepare(
      "SELECT customer_id FROM campaign_targets WHERE campaign_id = ? ORDER BY customer_id");
  stmt.setInt64(1, campaign.id());
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  campaign.clear_target_customer_ids();
  while (rs->next()) campaign.add_target_customer_ids(rs->getInt64(1));
}

std::unique_ptr<Campaign> LoadCampaign(MySqlConnection& c, const VisibilityScope& scope, int64_t id,
                                       bool for_update) {
  SqlWhere where;
  where.And("c.id = ?", {id});
  RestrictToScope(where, scope, "c.owner_id", "c.owner_department_path");
  sql::PreparedStatement& stmt =
      c.Prepare(absl::StrCat(kCampaignSelect, where.Sql(), for_update ? " FOR UPDATE" : ""));
  where.Bind(stmt);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  auto campaign = std::make_unique<Campaign>(ReadCampaign(*rs));
  FillTargets(c, *campaign);
  return campaign;
}

RecordTable<Campaign> CampaignTable(const CallContext& call) {
  return {"campaigns", "campaign",
          [&call](MySqlConnection& c, int64_t id, bool for_update) {
            return LoadCampaign(c, for_update ? WriteScopeOf(call.caller) : ScopeOf(call.caller),
                                id, for_update);
          },
          [&call](MySqlConnection& c, int64_t id) {
            return LoadCampaign(c, ScopeOf(call.caller), id, false) != nullptr;
          }};
}

// Parameters 1–8 of the insert and the update, in the order both name them.
void BindEditableColumns(sql::PreparedStatement& stmt, const Campaign& c) {
  stmt.setString(1, c.name());
  stmt.setInt(2, c.type());
  stmt.setInt(3, c.status());
  stmt.setString(4, c.start_date());
  stmt.setString(5, c.end_date());
  stmt.setInt64(6, c.budget().minor_units());
  stmt.setInt64(7, c.cost().minor_units());
  stmt.setString(8, c.description());
}

void ReplaceTargets(MySqlConnection& c, int64_t campaign_id, const Campaign& campaign) {
  sql::PreparedStatement& remove = c.Prepare("DELETE FROM campaign_targets WHERE campaign_id = ?");
  remove.setInt64(1, campaign_id);
  remove.executeUpdate();
  const std::set<int64_t> targets(campaign.target_customer_ids().begin(),
                                  campaign.target_customer_ids().end());
  const std::vector<int64_t> ids(targets.begin(), targets.end());
  InsertRowsExactly(c, "INSERT INTO campaign_targets (campaign_id, customer_id) VALUES ", "(?, ?)",
                    "", ids.size(), [&](sql::PreparedStatement& stmt, int i, size_t row, bool) {
                      stmt.setInt64(i++, campaign_id);
                      stmt.setInt64(i++, ids[row]);
                      return i;
                    });
}

}  // namespace

absl::StatusOr<Campaign> CampaignRepository::Create(const CallContext& call,
                                                    const Campaign& campaign,
                                                    const std::string& request_id) {
  return CreateOnce(
      db_, call, CampaignTable(call), request_id,
      [&](MySqlConnection& c, const std::string& request_key) -> absl::StatusOr<int64_t> {
        const Owner owner = CurrentOwner(c, call.caller);
        const std::string now = FormatSqlDateTime(call.Now());
        sql::PreparedStatement& stmt = c.Prepare(
            "INSERT INTO campaigns (name, type, status, start_date, end_date, budget_fen,"
            " cost_fen, description, owner_id, owner_department_id, owner_department_path,"
            " create_request_id, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        BindEditableColumns(stmt, campaign);
        stmt.setInt64(9, owner.employee_id);
        stmt.setInt64(10, owner.department_id);
        stmt.setString(11, owner.department_path);
        SetStringOrNull(stmt, 12, request_key);
        stmt.setDateTime(13, now);
        stmt.setDateTime(14, now);
        stmt.executeUpdate();
        const int64_t id = c.LastInsertId();
        ReplaceTargets(c, id, campaign);
        return id;
      });
}

absl::StatusOr<Campaign> CampaignRepository::Get(const CallContext& call, int64_t id) {
  return db_.Run("campaign.get", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<Campaign> {
                   auto campaign = LoadCampaign(c, ScopeOf(call.caller), id, false);
                   if (!campaign) return CampaignTable(call).NotFound(id);
                   return *campaign;
                 });
}

absl::StatusOr<Campaign> CampaignRepository::Update(
    const CallContext& call, int64_t id, const std::string& etag,
    const std::function<absl::Status(Campaign&)>& change) {
  std::vector<int64_t> targets_before;
  auto edit = [&](MySqlConnection&, Campaign& campaign) -> absl::Status {
    targets_before.assign(campaign.target_customer_ids().begin(),
                          campaign.target_customer_ids().end());
    CRM_RETURN_IF_ERROR(change(campaign));
    // Targets are a set, stored sorted: the record (and its change row) as
    // a read would give it.
    const std::set<int64_t> targets(campaign.target_customer_ids().begin(),
                                    campaign.target_customer_ids().end());
    campaign.clear_target_customer_ids();
    for (int64_t target : targets) campaign.add_target_customer_ids(target);
    return absl::OkStatus();
  };
  auto write = [&](MySqlConnection& c, const Campaign& campaign) {
    sql::PreparedStatement& stmt = c.Prepare(
        "UPDATE campaigns SET name = ?, type = ?, status = ?, start_date = ?, end_date = ?,"
        " budget_fen = ?, cost_fen = ?, description = ? WHERE id = ?");
    BindEditableColumns(stmt, campaign);
    stmt.setInt64(9, id);
    stmt.executeUpdate();
    if (!std::equal(targets_before.begin(), targets_before.end(),
                    campaign.target_customer_ids().begin(), campaign.target_customer_ids().end())) {
      ReplaceTargets(c, id, campaign);
    }
  };
  return UpdateVersioned(db_, call, CampaignTable(call), id, etag, edit, write);
}

absl::StatusOr<Page<Campaign>> CampaignRepository::List(const CallContext& call,
                                                        v1::CampaignStatus status, int page_size,
                                                        std::optional<int64_t> before_id) {
  return db_.Run(
      "campaign.list", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<Page<Campaign>> {
        SqlWhere where;
        if (status != v1::CAMPAIGN_STATUS_UNSPECIFIED) {
          where.And("c.status = ?", {static_cast<int64_t>(status)});
        }
        RestrictToScope(where, ScopeOf(call.caller), "c.owner_id", "c.owner_department_path");
        KeysetQuery q(kCampaignSelect, "FROM campaigns c", where, " ORDER BY c.id DESC", page_size);
        if (before_id) q.After("c.id < ?", {*before_id});
        Page<Campaign> page = ReadKeysetPage<Campaign>(c, q, ReadCampaign);
        for (Campaign& campaign : page.rows) FillTargets(c, campaign);
        return page;
      });
}

absl::Status CampaignRepository::CheckExists(const CallContext& call, int64_t id,
                                             const std::string& field) {
  return db_.Run("campaign.exists", call.deadline, [&](MySqlConnection& c) -> absl::Status {
    sql::PreparedStatement& stmt = c.Prepare("SELECT 1 FROM campaigns WHERE id = ?");
    stmt.setInt64(1, id);
    std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
    if (rs->next()) return absl::OkStatus();
    return absl::NotFoundError(absl::StrCat(field, ": campaign ", id, " not found"));
  });
}

absl::StatusOr<v1::CampaignResults> CampaignRepository::Results(const CallContext& call,
                                                                int64_t id) {
  return db_.Run(
      "campaign.results", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<v1::CampaignResults> {
        std::unique_ptr<Campaign> campaign = LoadCampaign(c, ScopeOf(call.caller), id, false);
        if (!campaign) return CampaignTable(call).NotFound(id);
        v1::CampaignResults results;
        results.set_campaign_id(id);
        *results.mutable_cost() = campaign->cost();
        results.set_target_customers(campaign->target_customer_ids_size());

        SqlWhere opportunities;
        opportunities.And("o.campaign_id = ?", {id});
        RestrictToScope(opportunities, ScopeOf(call.caller), "o.owner_id",
                        "o.owner_department_path");
        sql::PreparedStatement& won = c.Prepare(absl::StrCat(
            "SELECT COUNT(*), COALESCE(SUM(o.status = 1), 0), COALESCE(SUM(o.status = 2), 0),"
            " CAST(COALESCE(SUM(IF(o.status = 2, o.amount_fen, 0)), 0) AS CHAR)"
            " FROM opportunities o",
            opportunities.Sql()));
        opportunities.Bind(won);
        std::unique_ptr<sql::ResultSet> rs(won.executeQuery());
        rs->next();
        results.set_opportunities(rs->getInt64(1));
        results.set_open_opportunities(rs->getInt64(2));
        results.set_won_opportunities(rs->getInt64(3));
        CRM_ASSIGN_OR_RETURN(const int64_t won_amount,
                             SumToFen(rs->getString(4), "won opportunity amount"));
        *results.mutable_won_amount() = Fen(won_amount);

        SqlWhere orders;
        orders.And("o.campaign_id = ?", {id});
        orders.And("o.status <> ?", {static_cast<int64_t>(v1::CANCELLED)});
        RestrictToScope(orders, ScopeOf(call.caller), "o.owner_id", "o.owner_department_path");
        sql::PreparedStatement& sold = c.Prepare(
            absl::StrCat("SELECT COUNT(*), CAST(COALESCE(SUM(o.total_amount_fen), 0) AS CHAR),"
                         " COUNT(DISTINCT t.customer_id) FROM orders o LEFT JOIN campaign_targets t"
                         " ON t.campaign_id = o.campaign_id AND t.customer_id = o.customer_id",
                         orders.Sql()));
        orders.Bind(sold);
        rs.reset(sold.executeQuery());
        rs->next();
        results.set_orders(rs->getInt64(1));
        CRM_ASSIGN_OR_RETURN(const int64_t order_amount,
                             SumToFen(rs->getString(2), "attributed order amount"));
        *results.mutable_order_amount() = Fen(order_amount);
        results.set_targets_with_orders(rs->getInt64(3));

        const int64_t cost = campaign->cost().minor_units();
        if (cost > 0) {
          results.set_return_on_cost_bp(DivideRoundingHalfUp(
              (static_cast<__int128>(order_amount) - cost) * kBasisPoints, cost));
        }
        return results;
      });
}

}  // namespace crm::sales
