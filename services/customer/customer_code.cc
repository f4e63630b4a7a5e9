// Customer code issuing.
#include "services/customer/customer_code.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/db/multi_row.h"
#include "common/db/mysql_pool.h"
#include "common/db/sql_where.h"
#include "services/customer/customer_row.h"

namespace crm::customer {

std::string CodePrefix(v1::CustomerImportance importance, const std::string& area_code) {
  return absl::StrCat(std::string(1, ImportanceLetter(importance)),
                      area_code.empty() ? "000" : area_code);
}

std::string FormatCustomerCode(const std::string& prefix, int64_t sequence) {
  return absl::StrFormat("%s%03d", prefix, sequence);
}

int64_t ReserveCodeSequence(MySqlConnection& c, const std::string& prefix, int count) {
  // One statement that takes the row's exclusive lock straight away (a read
  // first would let two creates share a lock and deadlock upgrading it).
  // LAST_INSERT_ID(expr) hands the new value back without a second read.
  sql::PreparedStatement& bump = c.Prepare(
      "INSERT INTO customer_code_counters (prefix, last_value) VALUES (?, LAST_INSERT_ID(?))"
      " ON DUPLICATE KEY UPDATE last_value = LAST_INSERT_ID(last_value + ?)");
  bump.setString(1, prefix);
  bump.setInt(2, count);
  bump.setInt(3, count);
  bump.executeUpdate();
  return c.LastInsertId() - count + 1;
}

std::map<std::string, int64_t> ReserveCodeSequences(MySqlConnection& c,
                                                    const std::map<std::string, int>& counts) {
  std::vector<std::pair<std::string, int>> rows(counts.begin(), counts.end());
  InsertRowsExactly(c, "INSERT INTO customer_code_counters (prefix, last_value) VALUES ", "(?, ?)",
                    " ON DUPLICATE KEY UPDATE last_value = last_value + VALUES(last_value)",
                    rows.size(), [&](sql::PreparedStatement& stmt, int i, size_t row, bool) {
                      stmt.setString(i++, rows[row].first);
                      stmt.setInt(i++, rows[row].second);
                      return i;
                    });
  // The rows are locked by this transaction now: their values are its own.
  std::map<std::string, int64_t> first;
  for (size_t done = 0; done < rows.size(); done += kMaxRowsPerStatement) {
    const size_t count = std::min(rows.size() - done, kMaxRowsPerStatement);
    sql::PreparedStatement& select = c.Prepare(
        absl::StrCat("SELECT prefix, last_value FROM customer_code_counters WHERE prefix IN (",
                     InPlaceholders(count), ")"));
    for (size_t i = 0; i < PaddedInSize(count); ++i) {
      select.setString(static_cast<int>(i + 1), rows[done + std::min(i, count - 1)].first);
    }
    std::unique_ptr<sql::ResultSet> rs(select.executeQuery());
    while (rs->next()) {
      const std::string prefix = rs->getString(1);
      first[prefix] = rs->getInt64(2) - counts.at(prefix) + 1;
    }
  }
  return first;
}

}  // namespace crm::customer
