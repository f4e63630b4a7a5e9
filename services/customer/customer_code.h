// Customer codes (R1): importance letter + area code + sequence, e.g.
// "i010110". Sequences are per prefix and handed out by a counter row, so
// codes are unique however many customers are created at once.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "crm/customer/v1/customer.pb.h"

namespace crm {
class MySqlConnection;
}

namespace crm::customer {

// The letter and area code ("000" when the customer has no city).
std::string CodePrefix(v1::CustomerImportance importance, const std::string& area_code);

// prefix + the sequence with at least three digits: ("i010", 7) -> "i010007".
std::string FormatCustomerCode(const std::string& prefix, int64_t sequence);

// Reserves `count` consecutive sequence numbers of `prefix` and returns the
// first. The counter row stays locked until the caller's transaction ends.
// Throws sql::SQLException.
int64_t ReserveCodeSequence(MySqlConnection& connection, const std::string& prefix, int count);

// The same for many prefixes at once (bulk import): prefix -> how many, to
// prefix -> the first. Two statements whatever the number of prefixes; the
// counter rows are locked in prefix order.
std::map<std::string, int64_t> ReserveCodeSequences(MySqlConnection& connection,
                                                    const std::map<std::string, int>& counts);

}  // namespace crm::customer
