// NextDocumentNumber over document_numbers.
#include "services/sales/document_numbers.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/str_format.h"
#include "common/base/dates.h"
#include "common/db/database.h"

namespace crm::sales {

std::string NextDocumentNumber(MySqlConnection& c, const char* prefix, absl::CivilDay day) {
  const std::string date = FormatIsoDate(day);
  // LAST_INSERT_ID(expr) hands the counter back without a second statement.
  sql::PreparedStatement& take = c.Prepare(
      "INSERT INTO document_numbers (prefix, day, last_value) VALUES (?, ?, LAST_INSERT_ID(1))"
      " ON DUPLICATE KEY UPDATE last_value = LAST_INSERT_ID(last_value + 1)");
  take.setString(1, prefix);
  take.setString(2, date);
  take.executeUpdate();
  const int64_t n = c.LastInsertId();
  return absl::StrFormat("%s%04d%02d%02d-%04d", prefix, day.year(), day.month(), day.day(), n);
}

}  // namespace crm::sales
