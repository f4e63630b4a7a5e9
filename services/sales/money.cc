// Price checks shared by products and order lines.
#include "services/sales/money.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"

namespace crm::sales {

void CheckPrice(FieldViolations& violations, absl::string_view field,
                const common::v1::Money& money, int64_t max_fen) {
  if (!money.currency_code().empty() && money.currency_code() != "CNY") {
    violations.Add(absl::StrCat(field, ".currency_code"), "only CNY is supported");
  } else if (money.minor_units() < 0 || money.minor_units() > max_fen) {
    violations.Add(absl::StrCat(field, ".minor_units"),
                   absl::StrCat("must be 0 to ", max_fen, " fen"));
  }
}

}  // namespace crm::sales
