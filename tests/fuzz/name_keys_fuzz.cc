// The customer text normalisers: the keys duplicates are found by (查重) and
// the search index's normalisation and grams. Input, one field per line: a
// name, two bytes choosing a part of it (start, length) as a search query,
// and a phone or credit code.
// Properties:
//  - normalised text stays valid UTF-8 when it was, and normalising twice
//    changes nothing more;
//  - phone keys are digits only; an accepted credit code has the right form;
//  - search finds what it should: for any query that is part of a name, the
//    name's document holds every gram the query needs (so the index never
//    misses a match), its field-start key when the name starts with the
//    query, and its exact key when they are equal.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "services/customer/duplicate_keys.h"
#include "services/customer/search_text.h"
#include "tests/fuzz/fuzz_check.h"

namespace crm::fuzz {
namespace {

using customer::GramsOfQuery;

bool AllDigits(absl::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return absl::ascii_isdigit(c); });
}

bool IsCharStart(absl::string_view text, size_t at) {
  return at >= text.size() || (static_cast<unsigned char>(text[at]) & 0xC0) != 0x80;
}

void CheckKeys(absl::string_view name, absl::string_view other) {
  const std::string name_key = customer::NameKey(name);
  if (IsUtf8(name)) FUZZ_CHECK(IsUtf8(name_key));
  FUZZ_CHECK(AllDigits(customer::PhoneKey(other)));
  FUZZ_CHECK(AllDigits(customer::NormalizePhone(other)));
  if (!customer::CreditCodeProblem(other).has_value()) {
    FUZZ_CHECK(other.size() == 18);
    for (char c : other) {
      FUZZ_CHECK(absl::ascii_isdigit(c) ||
                 (absl::ascii_isupper(c) && !absl::StrContains("IOSVZ", c)));
    }
  }
}

void CheckSearch(absl::string_view name, absl::string_view selection) {
  if (!IsUtf8(name)) return;
  const std::string text = customer::NormalizeText(name);
  FUZZ_CHECK(IsUtf8(text));
  FUZZ_CHECK(customer::NormalizeText(text) == text);
  if (text.empty() || selection.size() < 2) return;

  size_t start = static_cast<unsigned char>(selection[0]) % text.size();
  size_t end = std::min(text.size(), start + 1 + static_cast<unsigned char>(selection[1]));
  while (!IsCharStart(text, start)) --start;
  while (!IsCharStart(text, end)) ++end;
  const std::string query = customer::NormalizeQuery(text.substr(start, end - start));
  if (query.empty() || customer::LooksLikePhoneQuery(query)) return;
  FUZZ_CHECK(absl::StrContains(text, query));

  const std::string document =
      customer::BuildDocument(customer::NormalizeFields(name, "", "", {}, {}));
  const std::vector<std::string> grams = customer::DocumentGrams(document);
  const auto holds = [&](const std::string& gram) {
    return std::binary_search(grams.begin(), grams.end(), gram);
  };
  const customer::QueryGrams needed = GramsOfQuery(query);
  for (const std::string& gram : needed.required) FUZZ_CHECK(holds(gram));
  if (needed.required.empty() && !needed.required_prefix.empty()) {
    FUZZ_CHECK(std::any_of(grams.begin(), grams.end(), [&](const std::string& gram) {
      return absl::StartsWith(gram, needed.required_prefix);
    }));
  }
  if (absl::StartsWith(text, query)) FUZZ_CHECK(holds(needed.start));
  if (text == query) FUZZ_CHECK(holds(needed.exact));
}

}  // namespace
}  // namespace crm::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace crm::fuzz;
  const std::vector<std::string> f = SplitFields(data, size, 3);
  CheckKeys(f[0], f[2]);
  CheckSearch(f[0], f[1]);
  return 0;
}
