// What makes two customers the same company (查重), as pure functions: the
// unified social credit code's own check (GB 32100-2015), and the keys under
// which names and phones are compared, so that 华东电气（上海）有限公司,
// 华东电气(上海)有限责任公司 and ＨＤ... in full width all meet.
#pragma once

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace crm::customer {

// Why `code` is not a unified social credit code (统一社会信用代码): 18
// characters of 0-9 and the upper-case letters but I, O, S, V and Z, the
// last one the check character of the first 17. nullopt when it is one.
std::optional<std::string> CreditCodeProblem(absl::string_view code);

// A name as duplicates are compared: lower case, half width, without white
// space or brackets (（） and () alike), and without a company-form suffix
// (股份有限公司, 有限责任公司, 有限公司, 公司 count as one).
std::string NameKey(absl::string_view name);

// A phone as duplicates are compared: its digits as dialled inside China,
// without a +86 / 0086 prefix (+86 21 5856 0000 is 02158560000).
std::string PhoneKey(absl::string_view phone);

}  // namespace crm::customer
