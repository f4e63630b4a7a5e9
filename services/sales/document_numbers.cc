// NextDocumentNumber over document_numbers.
#include "services/sales/document_numbers.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/base/dates.h"
#include "common/db/database.h"

namespace crm::sales {

void NumberDocument(MySqlConnection& c, const char* table, int64_t id, const char* prefix,
                    absl::CivilDay day) {
  sql::PreparedStatement& take = c.Prepare(
      "INSERT INTO document_numbers (prefix, day, last_value) VALUES (?, ?, LAST_INSERT_ID(1))"
      " ON DUPLICATE KEY UPDATE last_value = LAST_INSERT_ID(last_value + 1)");
  take.setString(1, prefix);
  take.setString(2, FormatIsoDate(day));
  take.executeUpdate();
  // LPAD would cut a fifth digit off: past 9999 the number is written whole.
  sql::PreparedStatement& number = c.Prepare(absl::StrCat(
      "UPDATE ", table,
      " SET number = CONCAT(?, IF(LAST_INSERT_ID() < 10000, LPAD(LAST_INSERT_ID(), 4, '0'),"
      " LAST_INSERT_ID())) WHERE id = ?"));
  number.setString(1,
                   absl::StrFormat("%s%04d%02d%02d-", prefix, day.year(), day.month(), day.day()));
  number.setInt64(2, id);
  number.executeUpdate();
}

}  // namespace crm::sales
