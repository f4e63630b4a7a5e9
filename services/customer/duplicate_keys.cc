// Credit code check and duplicate keys (see duplicate_keys.h).
#include "services/customer/duplicate_keys.h"

#include <array>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/customer/search_text.h"

namespace crm::customer {
namespace {

// GB 32100-2015: the 31 characters a code is written in, in value order,
// and the weights of the first 17 positions.
constexpr absl::string_view kCreditCodeCharacters = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr std::array<int, 17> kCreditCodeWeights = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                                    29, 25, 13, 8,  24, 10, 30, 28};

// Longest first, so 股份有限公司 is not taken for 有限公司.
constexpr std::array<absl::string_view, 5> kCompanySuffixes = {"股份有限公司", "有限责任公司",
                                                               "责任有限公司", "有限公司", "公司"};

}  // namespace

std::optional<std::string> CreditCodeProblem(absl::string_view code) {
  if (code.size() != 18) return absl::StrCat("must be 18 characters, not ", code.size());
  int sum = 0;
  for (size_t i = 0; i < code.size(); ++i) {
    const char ch = code[i];
    if (ch >= 'a' && ch <= 'z') return std::string("must be in upper case");
    const size_t value = kCreditCodeCharacters.find(ch);
    if (value == absl::string_view::npos) {
      return std::string("must hold only digits and the letters A-Y but I, O, S and V");
    }
    if (i < 17) sum += static_cast<int>(value) * kCreditCodeWeights[i];
  }
  const char check = kCreditCodeCharacters[(31 - sum % 31) % 31];
  if (code[17] != check) {
    return std::string("has a wrong check character (the 18th): not a valid credit code");
  }
  return std::nullopt;
}

std::string NameKey(absl::string_view name) {
  const std::string normal = NormalizeText(name);  // lower case, half width
  std::string key;
  key.reserve(normal.size());
  for (char ch : normal) {
    if (ch == ' ' || ch == '(' || ch == ')') continue;
    key.push_back(ch);
  }
  for (absl::string_view suffix : kCompanySuffixes) {
    if (!absl::EndsWith(key, suffix)) continue;
    if (key.size() > suffix.size()) key.resize(key.size() - suffix.size());
    break;
  }
  return key;
}

std::string PhoneKey(absl::string_view phone) {
  std::string digits = NormalizePhone(phone);  // "+86" is "86" by now
  std::string national;
  if (absl::StartsWith(digits, "0086")) {
    national = digits.substr(4);
  } else if (absl::StartsWith(digits, "86") && digits.size() >= 12) {
    national = digits.substr(2);  // shorter: a local number that starts with 86
  } else {
    return digits;
  }
  // After the country code a landline's area code loses its 0 (+86 21 …);
  // mobile numbers are 11 digits from 1.
  const bool mobile = national.size() == 11 && national[0] == '1';
  if (!mobile && !absl::StartsWith(national, "0")) national.insert(0, "0");
  return national;
}

}  // namespace crm::customer
