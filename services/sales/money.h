// Money on the wire (crm.common.v1.Money) and in the tables (BIGINT fen).
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/base/status_util.h"
#include "crm/common/v1/money.pb.h"

namespace crm::sales {

inline common::v1::Money Fen(int64_t fen) {
  common::v1::Money money;
  money.set_minor_units(fen);
  money.set_currency_code("CNY");
  return money;
}

// Adds to `violations` (naming `field`.currency_code or .minor_units) unless
// `money` is CNY (or unset) and between 0 and `max_fen`.
void CheckPrice(FieldViolations& violations, absl::string_view field,
                const common::v1::Money& money, int64_t max_fen);

// A SUM of fen columns read as text (SQL sums BIGINTs into a DECIMAL that
// can pass int64): the fen, or OUT_OF_RANGE naming `what` when it does.
absl::StatusOr<int64_t> SumToFen(const std::string& sum, absl::string_view what);

}  // namespace crm::sales
