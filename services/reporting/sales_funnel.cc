// ReportRepository::Funnel: three GROUP BYs over the opportunities created in
// the period and their stage history (opportunity_history.h).
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/base/money.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/sql_where.h"
#include "common/db/visibility.h"
#include "services/reporting/report_repository.h"

namespace crm::reporting {
namespace {

constexpr int kOpen = 1, kWon = 2, kLost = 3;  // sales.v1.OpportunityStatus

SqlWhere CreatedIn(const CallContext& call, const DaySpan& period) {
  SqlWhere where;
  where.And("o.created_date BETWEEN ? AND ?", {period.start, period.end});
  RestrictToScope(where, ScopeOf(call.caller), "o.owner_id", "o.owner_department_path");
  return where;
}

}  // namespace

absl::StatusOr<v1::SalesFunnel> ReportRepository::Funnel(const CallContext& call,
                                                         const DaySpan& period) {
  return db_.RunInSnapshot(
      "report.funnel", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<v1::SalesFunnel> {
        const SqlWhere where = CreatedIn(call, period);
        v1::SalesFunnel funnel;
        std::map<std::string, v1::FunnelStage*> by_code;

        // Reached: each opportunity's furthest stage in pipeline order.
        sql::PreparedStatement& reached = c.Prepare(absl::StrCat(
            "SELECT p.code, p.name, COUNT(r.id), CAST(COALESCE(SUM(r.amount_fen), 0) AS CHAR)"
            " FROM pipeline_stages p LEFT JOIN (SELECT o.id, o.amount_fen,"
            " MAX(ps.position) AS furthest FROM opportunities o"
            " JOIN opportunity_stages s ON s.opportunity_id = o.id"
            " JOIN pipeline_stages ps ON ps.code = s.stage_code",
            where.Sql(),
            " GROUP BY o.id, o.amount_fen) r ON r.furthest >= p.position"
            " GROUP BY p.code, p.name, p.position ORDER BY p.position, p.code"));
        where.Bind(reached);
        std::unique_ptr<sql::ResultSet> rs(reached.executeQuery());
        while (rs->next()) {
          v1::FunnelStage* stage = funnel.add_stages();
          stage->set_stage_code(rs->getString(1));
          stage->set_stage_name(rs->getString(2));
          stage->set_reached(rs->getInt64(3));
          CRM_ASSIGN_OR_RETURN(const int64_t amount, SumToFen(rs->getString(4), "reached amount"));
          *stage->mutable_reached_amount() = Fen(amount);
          by_code[stage->stage_code()] = stage;
        }
        for (int i = 0; i + 1 < funnel.stages_size(); ++i) {
          funnel.mutable_stages(i)->set_conversion_to_next_bp(
              ShareBasisPoints(funnel.stages(i + 1).reached(), funnel.stages(i).reached()));
        }

        // Now: open ones per stage and their weight; won and lost.
        sql::PreparedStatement& now = c.Prepare(absl::StrCat(
            "SELECT o.status, o.stage_code, COUNT(*), CAST(SUM(o.amount_fen) AS CHAR),"
            " CAST(SUM((o.amount_fen * o.win_probability_percent * 2 + 100) DIV 200) AS CHAR)"
            " FROM opportunities o",
            where.Sql(), " GROUP BY o.status, o.stage_code"));
        where.Bind(now);
        rs.reset(now.executeQuery());
        int64_t won_amount = 0, forecast = 0;
        while (rs->next()) {
          const int status = rs->getInt(1);
          funnel.set_opportunities(funnel.opportunities() + rs->getInt64(3));
          CRM_ASSIGN_OR_RETURN(const int64_t amount, SumToFen(rs->getString(4), "amount"));
          CRM_ASSIGN_OR_RETURN(const int64_t weighted, SumToFen(rs->getString(5), "amount"));
          if (status == kWon) {
            funnel.set_won(funnel.won() + rs->getInt64(3));
            won_amount += amount;
          } else if (status == kLost) {
            funnel.set_lost(funnel.lost() + rs->getInt64(3));
          } else if (status == kOpen) {
            auto stage = by_code.find(rs->getString(2));
            if (stage == by_code.end()) continue;  // a stage the pipeline no longer has
            stage->second->set_open(rs->getInt64(3));
            *stage->second->mutable_open_amount() = Fen(amount);
            *stage->second->mutable_weighted_amount() = Fen(weighted);
            forecast += weighted;
          }
        }
        *funnel.mutable_won_amount() = Fen(won_amount);
        *funnel.mutable_weighted_forecast() = Fen(forecast);

        // Time in each stage, over the stays that ended.
        sql::PreparedStatement& stays = c.Prepare(absl::StrCat(
            "SELECT s.stage_code, COUNT(*),"
            " ROUND(AVG(TIMESTAMPDIFF(MICROSECOND, s.entered_at, s.left_at)) / 1000000)"
            " FROM opportunity_stages s JOIN opportunities o ON o.id = s.opportunity_id",
            where.Sql(), " AND s.left_at IS NOT NULL GROUP BY s.stage_code"));
        where.Bind(stays);
        rs.reset(stays.executeQuery());
        while (rs->next()) {
          auto stage = by_code.find(rs->getString(1));
          if (stage == by_code.end()) continue;
          stage->second->set_completed_stays(rs->getInt64(2));
          stage->second->set_average_seconds_in_stage(rs->getInt64(3));
        }
        return funnel;
      });
}

}  // namespace crm::reporting
