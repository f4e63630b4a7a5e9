// Customer code issuing.
#include "services/customer/customer_code.h"

#include <cppconn/prepared_statement.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/mysql_pool.h"
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

}  // namespace crm::customer
