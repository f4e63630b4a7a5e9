// ReceivableRepository's lists: receivables grouped with their aging, and
// open instalments by due date. "Today" is the company's day by the call's
// clock, passed to the SQL as a date, so the server's own zone never enters.
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <array>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/base/dates.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/sql_where.h"
#include "services/sales/money.h"
#include "services/sales/receivable_repository.h"
#include "services/sales/receivable_rows.h"

namespace crm::sales {
namespace {

const char* GroupColumn(v1::ReceivablesGrouping grouping) {
  switch (grouping) {
    case v1::RECEIVABLES_GROUPING_OWNER:
      return "k.owner_id";
    case v1::RECEIVABLES_GROUPING_DEPARTMENT:
      return "k.owner_department_id";
    default:
      return "k.customer_id";
  }
}

// The aging buckets' SUMs over open instalments `i`, by due date against
// `today`: not due, then 1–30, 31–60, 61–90 and over 90 days past due.
std::string BucketSums() {
  const char* outstanding = "i.amount_fen - i.received_fen";
  return absl::StrCat(
      "SUM(CASE WHEN i.due_date >= ? THEN ", outstanding, " ELSE 0 END) AS b0,",
      " SUM(CASE WHEN i.due_date < ? AND i.due_date >= ? THEN ", outstanding, " ELSE 0 END) AS b1,",
      " SUM(CASE WHEN i.due_date < ? AND i.due_date >= ? THEN ", outstanding, " ELSE 0 END) AS b2,",
      " SUM(CASE WHEN i.due_date < ? AND i.due_date >= ? THEN ", outstanding, " ELSE 0 END) AS b3,",
      " SUM(CASE WHEN i.due_date < ? THEN ", outstanding, " ELSE 0 END) AS b4");
}

// Binds BucketSums' dates from parameter `first`; returns the next index.
int BindBuckets(sql::PreparedStatement& stmt, int first, absl::CivilDay today) {
  // Each bucket starts at the first day past due it holds.
  const std::array<std::string, 4> starts = {FormatIsoDate(today), FormatIsoDate(today - 30),
                                             FormatIsoDate(today - 60), FormatIsoDate(today - 90)};
  int i = first;
  stmt.setString(i++, starts[0]);
  for (int b = 0; b < 3; ++b) {
    stmt.setString(i++, starts[b]);
    stmt.setString(i++, starts[b + 1]);
  }
  stmt.setString(i++, starts[3]);
  return i;
}

}  // namespace

absl::StatusOr<Page<v1::ReceivablesRow>> ReceivableRepository::ListReceivables(
    const CallContext& call, v1::ReceivablesGrouping grouping, int page_size,
    std::optional<int64_t> after_key) {
  const absl::CivilDay today = Today(call);
  return db_.Run(
      "receivables.list", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<Page<v1::ReceivablesRow>> {
        const char* group = GroupColumn(grouping);
        SqlWhere where;
        where.And(kReceivableStatuses);
        RestrictToScope(where, ScopeOf(call.caller), "k.owner_id", "k.owner_department_path");
        if (after_key) where.And(absl::StrCat(group, " > ?"), {*after_key});
        // Per contract first (its own amounts once, its open instalments
        // bucketed), then per group.
        sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(
            "SELECT g, COUNT(*), SUM(amount), SUM(received), SUM(prepaid), SUM(b0), SUM(b1),"
            " SUM(b2), SUM(b3), SUM(b4) FROM (SELECT MAX(",
            group, ") AS g, MAX(k.amount_fen) AS amount, MAX(k.received_fen) AS received,",
            " MAX(k.prepaid_fen) AS prepaid, ", BucketSums(),
            " FROM contracts k LEFT JOIN payment_instalments i"
            " ON i.contract_id = k.id AND i.open = 1",
            where.Sql(), " GROUP BY k.id) per_contract GROUP BY g ORDER BY g LIMIT ?"));
        const int next = BindBuckets(stmt, 1, today);
        stmt.setInt(where.Bind(stmt, next), page_size + 1);
        std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
        Page<v1::ReceivablesRow> page;
        while (rs->next()) {
          if (static_cast<int>(page.rows.size()) == page_size) {
            page.has_more = true;
            break;
          }
          std::array<int64_t, 9> sums{};
          for (int column = 3; column <= 10; ++column) {
            CRM_ASSIGN_OR_RETURN(
                sums[column - 2],
                SumToFen(rs->isNull(column) ? "0" : rs->getString(column), "a receivables sum"));
          }
          v1::ReceivablesRow row;
          row.set_key(rs->getInt64(1));
          row.set_contracts(rs->getInt64(2));
          const int64_t amount = sums[1], received = sums[2];
          *row.mutable_contract_amount() = Fen(amount);
          *row.mutable_received() = Fen(received);
          *row.mutable_outstanding() = Fen(amount - received);
          *row.mutable_prepaid() = Fen(sums[3]);
          v1::Aging& aging = *row.mutable_aging();
          *aging.mutable_not_due() = Fen(sums[4]);
          *aging.mutable_days_1_30() = Fen(sums[5]);
          *aging.mutable_days_31_60() = Fen(sums[6]);
          *aging.mutable_days_61_90() = Fen(sums[7]);
          *aging.mutable_over_90() = Fen(sums[8]);
          // A plan adds up to its contract, so what the instalments do not
          // hold belongs to contracts without one.
          *aging.mutable_unscheduled() =
              Fen(amount - received - sums[4] - sums[5] - sums[6] - sums[7] - sums[8]);
          page.rows.push_back(std::move(row));
        }
        return page;
      });
}

absl::StatusOr<Page<v1::InstalmentDue>> ReceivableRepository::ListOpenInstalments(
    const CallContext& call, std::optional<absl::CivilDay> from, std::optional<absl::CivilDay> to,
    int64_t customer_id, int page_size,
    const std::optional<std::tuple<std::string, int64_t>>& after) {
  const absl::CivilDay today = Today(call);
  return db_.Run(
      "instalments.list", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<Page<v1::InstalmentDue>> {
        SqlWhere where;
        where.And("i.open = 1");
        if (from) where.And("i.due_date >= ?", {FormatIsoDate(*from)});
        if (to) where.And("i.due_date <= ?", {FormatIsoDate(*to)});
        where.And(kReceivableStatuses);
        if (customer_id != 0) where.And("k.customer_id = ?", {customer_id});
        RestrictToScope(where, ScopeOf(call.caller), "k.owner_id", "k.owner_department_path");
        KeysetQuery q(
            "SELECT i.id, i.sequence, i.due_date, i.amount_fen, i.received_fen, k.id, k.number,"
            " k.customer_id, k.owner_id FROM payment_instalments i"
            " JOIN contracts k ON k.id = i.contract_id",
            "FROM payment_instalments i JOIN contracts k ON k.id = i.contract_id", where,
            " ORDER BY i.due_date, i.id", page_size);
        if (after) {
          const auto& [due, id] = *after;
          q.After("(i.due_date > ? OR (i.due_date = ? AND i.id > ?))", {due, due, id});
        }
        return ReadKeysetPage<v1::InstalmentDue>(c, q, [today](sql::ResultSet& rs) {
          InstalmentBalance balance;
          balance.id = rs.getInt64(1);
          balance.sequence = rs.getInt(2);
          balance.due = ParseIsoDate(std::string(rs.getString(3))).value_or(absl::CivilDay());
          balance.amount_fen = rs.getInt64(4);
          balance.received_fen = rs.getInt64(5);
          v1::InstalmentDue due;
          *due.mutable_instalment() = InstalmentMessage(balance, today);
          due.set_contract_id(rs.getInt64(6));
          due.set_contract_number(rs.getString(7));
          due.set_customer_id(rs.getInt64(8));
          due.set_owner_employee_id(rs.getInt64(9));
          return due;
        });
      });
}

}  // namespace crm::sales
