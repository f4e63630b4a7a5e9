// Document numbers per type and company day: SO20261205-0001 (orders), and
// the quotes and contracts to come. Taken inside the creating transaction,
// so a number is given once; a create that rolls back gives its number back
// with it, a committed document is never deleted, so no number is reused.
// The counter row is held until commit: creates of one type and day queue on
// it, so take the number as late in the transaction as possible.
#pragma once

#include <cstdint>

#include "absl/time/civil_time.h"

namespace crm {
class MySqlConnection;
}

namespace crm::sales {

// Gives row `id` of `table` (a constant: "orders") the next number of
// `prefix` ("SO") on `day` (the company's date): "<prefix><yyyymmdd>-<n>", n
// at least four digits. Two statements, no read: the counter hands its value
// to the UPDATE through LAST_INSERT_ID() on the server. Throws
// sql::SQLException.
void NumberDocument(MySqlConnection& connection, const char* table, int64_t id, const char* prefix,
                    absl::CivilDay day);

}  // namespace crm::sales
