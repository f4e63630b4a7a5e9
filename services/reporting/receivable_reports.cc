// ReportRepository's receivables (aging by customer, owner or department),
// collections per period, campaign return and the instalments due for the
// reminder feed. "Today" is the company's day, bound as a date, so the
// server's zone never enters.
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <array>
#include <limits>
#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/base/dates.h"
#include "common/base/money.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/sql_where.h"
#include "common/db/visibility.h"
#include "crm/sales/v1/contract.pb.h"
#include "crm/sales/v1/opportunity.pb.h"
#include "crm/sales/v1/order.pb.h"
#include "crm/sales/v1/receivable.pb.h"
#include "services/reporting/report_repository.h"

namespace crm::reporting {
namespace {

namespace sv1 = sales::v1;

constexpr int64_t kBasisPoints = 10000;

const std::string& ReceivableStatuses() {
  static const auto* sql = new std::string(absl::StrCat(
      "k.status IN (", sv1::CONTRACT_STATUS_SIGNED, ", ", sv1::CONTRACT_STATUS_COMPLETED, ")"));
  return *sql;
}

// How a grouping keys a contract, and where the key's name is.
struct Grouping {
  const char* key;    // a column of contracts k
  const char* names;  // a table of (id, name), or null
};

absl::StatusOr<Grouping> GroupingOf(v1::ReceivablesGrouping grouping) {
  switch (grouping) {
    case v1::RECEIVABLES_GROUPING_UNSPECIFIED:
    case v1::RECEIVABLES_BY_CUSTOMER:
      return Grouping{"k.customer_id", "customers"};
    case v1::RECEIVABLES_BY_OWNER:
      return Grouping{"k.owner_id", "employee_names"};
    case v1::RECEIVABLES_BY_DEPARTMENT:
      return Grouping{"k.owner_department_id", "department_names"};
    default:
      return InvalidField("grouping", "is not a known grouping");
  }
}

// Per contract: its own amounts once, and its open instalments' outstanding
// by days past due against today: not due, 1–30, 31–60, 61–90, over 90.
std::string PerContractSql(const char* key, const SqlWhere& where) {
  const char* outstanding = "i.amount_fen - i.received_fen";
  return absl::StrCat(
      "SELECT MAX(", key,
      ") AS g, MAX(k.amount_fen) AS amount, MAX(k.received_fen) AS received,"
      " MAX(k.prepaid_fen) AS prepaid,"
      " COALESCE(SUM(CASE WHEN i.due_date >= ? THEN ",
      outstanding, " END), 0) AS b0,",
      " COALESCE(SUM(CASE WHEN i.due_date < ? AND i.due_date >= ? THEN ", outstanding,
      " END), 0) AS b1,", " COALESCE(SUM(CASE WHEN i.due_date < ? AND i.due_date >= ? THEN ",
      outstanding, " END), 0) AS b2,",
      " COALESCE(SUM(CASE WHEN i.due_date < ? AND i.due_date >= ? THEN ", outstanding,
      " END), 0) AS b3,", " COALESCE(SUM(CASE WHEN i.due_date < ? THEN ", outstanding,
      " END), 0) AS b4 FROM contracts k LEFT JOIN instalments i ON i.contract_id = k.id"
      " AND i.received_fen < i.amount_fen",
      where.Sql(), " GROUP BY k.id");
}

// Binds PerContractSql's dates from parameter 1; returns the next index.
int BindBuckets(sql::PreparedStatement& stmt, absl::CivilDay today) {
  // Each bucket starts at the first day past due it holds.
  const std::array<std::string, 4> starts = {FormatIsoDate(today), FormatIsoDate(today - 30),
                                             FormatIsoDate(today - 60), FormatIsoDate(today - 90)};
  int i = 1;
  stmt.setString(i++, starts[0]);
  for (int b = 0; b < 3; ++b) {
    stmt.setString(i++, starts[b]);
    stmt.setString(i++, starts[b + 1]);
  }
  stmt.setString(i++, starts[3]);
  return i;
}

// A row from columns: key, name, contracts, then amount, received,
// prepaid and the five buckets as sums.
absl::StatusOr<v1::ReceivablesRow> ReadRow(sql::ResultSet& rs) {
  std::array<int64_t, 8> sums{};
  for (int column = 4; column <= 11; ++column) {
    CRM_ASSIGN_OR_RETURN(sums[column - 4], SumToFen(rs.isNull(column) ? "0" : rs.getString(column),
                                                    "a receivables sum"));
  }
  v1::ReceivablesRow row;
  row.set_key(rs.getInt64(1));
  row.set_name(rs.getString(2));
  row.set_contracts(rs.getInt64(3));
  const int64_t amount = sums[0], received = sums[1];
  *row.mutable_contract_amount() = Fen(amount);
  *row.mutable_received() = Fen(received);
  *row.mutable_outstanding() = Fen(amount - received);
  *row.mutable_prepaid() = Fen(sums[2]);
  v1::ReceivablesAging& aging = *row.mutable_aging();
  *aging.mutable_not_due() = Fen(sums[3]);
  *aging.mutable_days_1_30() = Fen(sums[4]);
  *aging.mutable_days_31_60() = Fen(sums[5]);
  *aging.mutable_days_61_90() = Fen(sums[6]);
  *aging.mutable_over_90() = Fen(sums[7]);
  const int64_t scheduled = sums[3] + sums[4] + sums[5] + sums[6] + sums[7];
  // A plan adds up to its contract, so what the instalments do not hold
  // belongs to contracts without one.
  *aging.mutable_unscheduled() = Fen(amount - received - scheduled);
  *row.mutable_overdue() = Fen(scheduled - sums[3]);
  return row;
}

// Adds a group's figures to the total's: each contract is in one group, so
// the groups add up to the total.
absl::Status AddToTotal(const v1::ReceivablesRow& row, v1::ReceivablesRow* total) {
  bool overflow = false;
  auto add = [&overflow](const common::v1::Money& from, common::v1::Money* into) {
    int64_t sum = 0;
    overflow = overflow || __builtin_add_overflow(into->minor_units(), from.minor_units(), &sum);
    *into = Fen(sum);
  };
  total->set_contracts(total->contracts() + row.contracts());
  add(row.contract_amount(), total->mutable_contract_amount());
  add(row.received(), total->mutable_received());
  add(row.outstanding(), total->mutable_outstanding());
  add(row.prepaid(), total->mutable_prepaid());
  add(row.overdue(), total->mutable_overdue());
  const v1::ReceivablesAging& a = row.aging();
  v1::ReceivablesAging& t = *total->mutable_aging();
  add(a.not_due(), t.mutable_not_due());
  add(a.days_1_30(), t.mutable_days_1_30());
  add(a.days_31_60(), t.mutable_days_31_60());
  add(a.days_61_90(), t.mutable_days_61_90());
  add(a.over_90(), t.mutable_over_90());
  add(a.unscheduled(), t.mutable_unscheduled());
  if (overflow) return absl::OutOfRangeError("the receivables total is too large to show");
  return absl::OkStatus();
}

// One row per group (or one in all when `grouping` is null), after
// `after_key`: the first `keep` in `rows`; with `total`, every row is also
// added to it (one pass for a first page and its total).
absl::Status ReceivableRows(MySqlConnection& c, const VisibilityScope& scope, absl::CivilDay today,
                            const Grouping* grouping, std::optional<int64_t> after_key, int keep,
                            std::vector<v1::ReceivablesRow>* rows,
                            v1::ReceivablesRow* total = nullptr) {
  const char* key = grouping ? grouping->key : "0";
  SqlWhere where;
  where.And(ReceivableStatuses());
  RestrictToScope(where, scope, "k.owner_id", "k.owner_department_path");
  if (after_key) where.And(absl::StrCat(key, " > ?"), {*after_key});
  const std::string names =
      grouping ? absl::StrCat(" LEFT JOIN ", grouping->names, " n ON n.id = p.g") : "";
  sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(
      "SELECT p.g, MAX(", grouping ? "COALESCE(n.name, '')" : "''",
      "), COUNT(*), SUM(p.amount), SUM(p.received), SUM(p.prepaid), SUM(p.b0), SUM(p.b1),"
      " SUM(p.b2), SUM(p.b3), SUM(p.b4) FROM (",
      PerContractSql(key, where), ") p", names, " GROUP BY p.g ORDER BY p.g LIMIT ?"));
  const int next = where.Bind(stmt, BindBuckets(stmt, today));
  stmt.setInt(next, total != nullptr ? std::numeric_limits<int>::max() : keep);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  while (rs->next()) {
    CRM_ASSIGN_OR_RETURN(v1::ReceivablesRow row, ReadRow(*rs));
    if (total != nullptr) CRM_RETURN_IF_ERROR(AddToTotal(row, total));
    if (static_cast<int>(rows->size()) < keep) rows->push_back(std::move(row));
  }
  return absl::OkStatus();
}

std::optional<int64_t> ReturnOnCost(int64_t value, int64_t cost) {
  if (cost <= 0) return std::nullopt;
  return DivideRoundingHalfUp((static_cast<__int128>(value) - cost) * kBasisPoints, cost);
}

}  // namespace

absl::StatusOr<v1::ReceivablesReport> ReportRepository::Receivables(
    const CallContext& call, v1::ReceivablesGrouping grouping_asked, const PageRequest& page) {
  CRM_ASSIGN_OR_RETURN(const Grouping grouping, GroupingOf(grouping_asked));
  CRM_ASSIGN_OR_RETURN(const auto after, page.After<int64_t>());
  const absl::CivilDay today = absl::ToCivilDay(call.Now(), zone_);
  const VisibilityScope scope = ScopeOf(call.caller);
  return db_.RunInSnapshot(
      "report.receivables", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<v1::ReceivablesReport> {
        v1::ReceivablesReport report;
        report.set_as_of_date(FormatIsoDate(today));
        std::optional<int64_t> after_key;
        if (after) after_key = std::get<0>(*after);
        // The first page's total from the same pass: every group is read,
        // one page of them kept.
        std::vector<v1::ReceivablesRow> rows;
        CRM_RETURN_IF_ERROR(ReceivableRows(c, scope, today, &grouping, after_key, page.size() + 1,
                                           &rows, after ? nullptr : report.mutable_total()));
        const bool has_more = static_cast<int>(rows.size()) > page.size();
        if (has_more) rows.pop_back();
        for (v1::ReceivablesRow& row : rows) *report.add_rows() = std::move(row);
        if (has_more) {
          report.set_next_page_token(
              page.NextToken(true, {absl::StrCat(report.rows(report.rows_size() - 1).key())}));
        }
        return report;
      });
}

absl::StatusOr<v1::ReceivablesRow> ReportRepository::ReceivablesTotal(MySqlConnection& c,
                                                                      const CallContext& call) {
  std::vector<v1::ReceivablesRow> total;
  CRM_RETURN_IF_ERROR(ReceivableRows(c, ScopeOf(call.caller), absl::ToCivilDay(call.Now(), zone_),
                                     nullptr, std::nullopt, 1, &total));
  return total.empty() ? v1::ReceivablesRow() : total.front();
}

absl::StatusOr<v1::CollectionsReport> ReportRepository::Collections(const CallContext& call,
                                                                    const DaySpan& period,
                                                                    v1::Bucket bucket) {
  CRM_ASSIGN_OR_RETURN(const std::string bucket_sql, BucketSql(bucket, "r.received_date"));
  return db_.RunInSnapshot(
      "report.collections", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<v1::CollectionsReport> {
        SqlWhere where;
        where.And("r.received_date BETWEEN ? AND ?", {period.start, period.end});
        RestrictToScope(where, ScopeOf(call.caller), "k.owner_id", "k.owner_department_path");
        sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(
            "SELECT ", bucket_sql, " AS b, SUM(r.kind = ", sv1::RECEIPT_KIND_RECEIPT,
            "), CAST(SUM(IF(r.kind = ", sv1::RECEIPT_KIND_RECEIPT,
            ", r.amount_fen, 0)) AS CHAR), CAST(SUM(IF(r.kind = ", sv1::RECEIPT_KIND_RECEIPT,
            ", 0, -r.amount_fen)) AS CHAR) FROM receipts r JOIN contracts k"
            " ON k.id = r.contract_id",
            where.Sql(), " GROUP BY b ORDER BY b"));
        where.Bind(stmt);
        std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
        v1::CollectionsReport report;
        int64_t total = 0;
        while (rs->next()) {
          v1::CollectionsRow* row = report.add_rows();
          row->set_bucket(rs->getString(1));
          row->set_receipts(rs->getInt64(2));
          CRM_ASSIGN_OR_RETURN(const int64_t received, SumToFen(rs->getString(3), "receipts"));
          CRM_ASSIGN_OR_RETURN(const int64_t reversed, SumToFen(rs->getString(4), "reversals"));
          *row->mutable_received() = Fen(received);
          *row->mutable_reversed() = Fen(reversed);
          *row->mutable_net() = Fen(received - reversed);
          total += received - reversed;
        }
        *report.mutable_total_net() = Fen(total);
        return report;
      });
}

absl::StatusOr<v1::CampaignReturn> ReportRepository::CampaignReturn(
    const CallContext& call, const std::optional<DaySpan>& running, const PageRequest& page) {
  CRM_ASSIGN_OR_RETURN(const auto after, page.After<int64_t>());
  const VisibilityScope scope = ScopeOf(call.caller);
  return db_.RunInSnapshot(
      "report.campaign_return", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<v1::CampaignReturn> {
        SqlWhere where;
        if (after) where.And("m.id > ?", {std::get<0>(*after)});
        if (running) {
          where.And("m.end_date >= ?", {running->start});
          where.And("m.start_date <= ?", {running->end});
        }
        RestrictToScope(where, scope, "m.owner_id", "m.owner_department_path");
        sql::PreparedStatement& list = c.Prepare(
            absl::StrCat("SELECT m.id, m.name, DATE_FORMAT(m.start_date, '%Y-%m-%d'),"
                         " DATE_FORMAT(m.end_date, '%Y-%m-%d'), m.cost_fen FROM campaigns m",
                         where.Sql(), " ORDER BY m.id LIMIT ?"));
        list.setInt(where.Bind(list), page.size() + 1);
        std::unique_ptr<sql::ResultSet> rs(list.executeQuery());
        v1::CampaignReturn report;
        std::map<int64_t, v1::CampaignReturnRow*> by_id;
        bool has_more = false;
        while (rs->next()) {
          if (report.rows_size() == page.size()) {
            has_more = true;
            break;
          }
          v1::CampaignReturnRow* row = report.add_rows();
          row->set_campaign_id(rs->getInt64(1));
          row->set_name(rs->getString(2));
          row->set_start_date(rs->getString(3));
          row->set_end_date(rs->getString(4));
          *row->mutable_cost() = Fen(rs->getInt64(5));
          by_id[row->campaign_id()] = row;
        }
        if (by_id.empty()) return report;
        const int64_t first = by_id.begin()->first, last = by_id.rbegin()->first;

        // Each figure for the page's id range, one GROUP BY each; a campaign
        // the caller cannot see in that range is skipped by the map.
        // `owner`: the alias whose owner columns the caller's scope limits.
        auto figures = [&](const std::string& select, char owner, const std::string& extra,
                           auto&& read) -> absl::Status {
          SqlWhere w;
          w.And("o.campaign_id BETWEEN ? AND ?", {first, last});
          if (!extra.empty()) w.And(extra);
          RestrictToScope(w, scope, owner == 'k' ? "k.owner_id" : "o.owner_id",
                          owner == 'k' ? "k.owner_department_path" : "o.owner_department_path");
          sql::PreparedStatement& stmt =
              c.Prepare(absl::StrCat(select, w.Sql(), " GROUP BY o.campaign_id"));
          w.Bind(stmt);
          std::unique_ptr<sql::ResultSet> figures_rs(stmt.executeQuery());
          while (figures_rs->next()) {
            auto found = by_id.find(figures_rs->getInt64(1));
            if (found != by_id.end()) CRM_RETURN_IF_ERROR(read(*figures_rs, *found->second));
          }
          return absl::OkStatus();
        };
        CRM_RETURN_IF_ERROR(figures(
            absl::StrCat("SELECT o.campaign_id, COUNT(*), SUM(o.status = ", sv1::WON,
                         "), CAST(SUM(IF(o.status = ", sv1::WON,
                         ", o.amount_fen, 0)) AS CHAR) FROM opportunities o"),
            'o', "", [](sql::ResultSet& r, v1::CampaignReturnRow& row) -> absl::Status {
              row.set_opportunities(r.getInt64(2));
              row.set_won_opportunities(r.getInt64(3));
              CRM_ASSIGN_OR_RETURN(const int64_t won, SumToFen(r.getString(4), "won amount"));
              *row.mutable_won_amount() = Fen(won);
              return absl::OkStatus();
            }));
        CRM_RETURN_IF_ERROR(figures(
            "SELECT o.campaign_id, COUNT(*), CAST(SUM(o.total_fen) AS CHAR) FROM orders o", 'o',
            absl::StrCat("o.status <> ", sv1::CANCELLED),
            [](sql::ResultSet& r, v1::CampaignReturnRow& row) -> absl::Status {
              row.set_orders(r.getInt64(2));
              CRM_ASSIGN_OR_RETURN(const int64_t sold, SumToFen(r.getString(3), "order amount"));
              *row.mutable_order_amount() = Fen(sold);
              return absl::OkStatus();
            }));
        CRM_RETURN_IF_ERROR(figures(
            "SELECT o.campaign_id, CAST(SUM(r.amount_fen) AS CHAR) FROM receipts r"
            " JOIN contracts k ON k.id = r.contract_id JOIN orders o ON o.id = k.order_id",
            'k', "", [](sql::ResultSet& r, v1::CampaignReturnRow& row) -> absl::Status {
              CRM_ASSIGN_OR_RETURN(const int64_t cash, SumToFen(r.getString(2), "cash received"));
              *row.mutable_cash_received() = Fen(cash);
              return absl::OkStatus();
            }));
        for (v1::CampaignReturnRow& row : *report.mutable_rows()) {
          const int64_t cost = row.cost().minor_units();
          if (auto bp = ReturnOnCost(row.order_amount().minor_units(), cost)) {
            row.set_return_on_cost_bp(*bp);
          }
          if (auto bp = ReturnOnCost(row.cash_received().minor_units(), cost)) {
            row.set_cash_return_on_cost_bp(*bp);
          }
        }
        if (has_more) report.set_next_page_token(page.NextToken(true, {absl::StrCat(last)}));
        return report;
      });
}

absl::StatusOr<std::vector<InstalmentDue>> ReportRepository::InstalmentsDue(
    const CallContext& call, absl::CivilDay last_day) {
  if (call.caller.employee_id == 0) return std::vector<InstalmentDue>();
  return db_.RunInSnapshot(
      "report.instalments_due", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<std::vector<InstalmentDue>> {
        sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(
            "SELECT i.id, k.customer_id, k.number, i.sequence, DATE_FORMAT(i.due_date, '%Y-%m-%d'),"
            " i.amount_fen - i.received_fen FROM instalments i JOIN contracts k"
            " ON k.id = i.contract_id WHERE k.owner_id = ? AND ",
            ReceivableStatuses(),
            " AND i.received_fen < i.amount_fen AND i.due_date <= ?"
            " ORDER BY i.due_date, i.id LIMIT 1000"));
        stmt.setInt64(1, call.caller.employee_id);
        stmt.setString(2, FormatIsoDate(last_day));
        std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
        std::vector<InstalmentDue> due;
        while (rs->next()) {
          InstalmentDue d;
          d.id = rs->getInt64(1);
          d.customer_id = rs->getInt64(2);
          d.contract_number = rs->getString(3);
          d.sequence = rs->getInt(4);
          d.due_day = ParseIsoDate(std::string(rs->getString(5))).value_or(absl::CivilDay());
          d.outstanding_fen = rs->getInt64(6);
          due.push_back(std::move(d));
        }
        return due;
      });
}

}  // namespace crm::reporting
