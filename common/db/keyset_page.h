// One page of a keyset-paginated list: the rows after the last one served,
// one more row than asked for to tell whether another page follows, and the
// number of rows the filters match (total_size). Every list query has this
// tail; the repository gives its SQL pieces and how to read a row.
//
//   SqlWhere where;  ... where.And("cp.name LIKE …", {pattern});
//   KeysetQuery q{kCompetitorSelect, "FROM competitors cp", where, " ORDER BY cp.name, cp.id",
//                 page_size};
//   if (after) q.After("(cp.name > ? OR (cp.name = ? AND cp.id > ?))", {name, name, id});
//   Page<Competitor> page = ReadKeysetPage<Competitor>(c, q, ReadCompetitor);
#pragma once

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/db/mysql_pool.h"
#include "common/db/sql_where.h"

namespace crm {

template <typename Row>
struct Page {
  std::vector<Row> rows;
  bool has_more = false;
  int64_t total_size = 0;
};

struct KeysetQuery {
  KeysetQuery(std::string select, std::string count_from, SqlWhere where, std::string order_by,
              int page_size)
      : select(std::move(select)),
        count_from(std::move(count_from)),
        where(std::move(where)),
        order_by(std::move(order_by)),
        page_size(page_size) {}

  // The page starts after the row this condition names (its sort key values).
  KeysetQuery& After(std::string condition, std::vector<SqlWhere::Value> values) {
    after = std::move(condition);
    after_values = std::move(values);
    return *this;
  }

  std::string select;      // "SELECT <columns> FROM <table> <alias> [JOIN …]"
  std::string count_from;  // "FROM <table> <alias> [JOIN …]": what total_size counts
  SqlWhere where;          // the filters (visibility included)
  std::string order_by;    // " ORDER BY <sort key>, <id>": a total order
  int page_size;
  std::string after;  // empty on the first page
  std::vector<SqlWhere::Value> after_values;
  // false: total_size is not wanted (left 0), so no COUNT runs: for readers
  // that walk every page (an export).
  bool count_total = true;
};

// total_size is exact up to this many rows; a list matching more reports
// kTotalSizeCap + 1 ("more than 10,000").
inline constexpr int64_t kTotalSizeCap = 10000;

// Runs the page's query and, unless the first page already holds every row,
// the count (capped: kTotalSizeCap). `read(result_set)` makes a Row of the current row. The SQL
// text depends only on which pieces are present, so each list keeps a handful of cached statements.
// Throws sql::SQLException.
template <typename Row, typename Read>
Page<Row> ReadKeysetPage(MySqlConnection& connection, const KeysetQuery& query, Read read) {
  Page<Row> page;
  SqlWhere page_where = query.where;
  if (!query.after.empty()) page_where.And(query.after, query.after_values);
  sql::PreparedStatement& rows =
      connection.Prepare(query.select + page_where.Sql() + query.order_by + " LIMIT ?");
  rows.setInt(page_where.Bind(rows), query.page_size + 1);
  std::unique_ptr<sql::ResultSet> rs(rows.executeQuery());
  while (rs->next()) {
    if (static_cast<int>(page.rows.size()) == query.page_size) {
      page.has_more = true;
      break;
    }
    page.rows.push_back(read(*rs));
  }
  if (!query.count_total) return page;
  if (query.after.empty() && !page.has_more) {
    page.total_size = static_cast<int64_t>(page.rows.size());  // the first page is all there is
    return page;
  }
  // Counted up to the cap only: a broad list costs a bounded scan, not one of
  // every row it matches.
  sql::PreparedStatement& count =
      connection.Prepare("SELECT COUNT(*) FROM (SELECT 1 " + query.count_from + query.where.Sql() +
                         " LIMIT ?) capped");
  count.setInt64(query.where.Bind(count), kTotalSizeCap + 1);
  std::unique_ptr<sql::ResultSet> total(count.executeQuery());
  total->next();
  page.total_size = total->getInt64(1);
  return page;
}

}  // namespace crm
