// The text side of customer search: how searchable fields are normalised, and
// which grams (index keys) a document holds and a query needs. Pure functions;
// the indexer and the query planner both use them, so the index and the
// queries always agree.
//
// Grams, over normalised text (lower case, half width, phones as digits):
//  - at each character that is a letter or digit (ASCII): up to 4 of them;
//    at any other non-space character (Chinese, ...): up to 2 of them. A gram
//    stops early at a change between those two classes, a space or
//    punctuation, or the end of the field, and then ends with kEndMark.
//    "华东电气" holds 华东 东电 电气 气⟂; "021 5856" (a phone: "0215856")
//    holds 0215 2158 1585 5856 856⟂ 56⟂ 6⟂.
//  - kStartMark + the field's first 1, 2, ... kPrefixChars characters (edge
//    n-grams, at most kMaxPrefixBytes): finds fields that start with a query.
//  - kExactMark + a 64-bit hash of the whole field: finds fields equal to it.
// A substring query needs, at each of its positions, the same gram as the
// document at the matching position, except where the query ends before the
// gram would: there only a prefix of the document's gram is known.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace crm::customer {

inline constexpr char kEndMark = '\x1f';
inline constexpr char kStartMark = '\x1e';
inline constexpr char kExactMark = '\x1d';
// Fields are stored between newlines in one document string.
inline constexpr char kFieldSeparator = '\n';
// Field-start keys hold up to this many characters and bytes (the gram
// column is VARBINARY(24)).
inline constexpr size_t kPrefixChars = 6;
inline constexpr size_t kMaxPrefixBytes = 20;

// Lower case ASCII, full-width ASCII to half width, every run of white space
// (ideographic included) to one space, trimmed.
std::string NormalizeText(absl::string_view text);
// Only the digits (full width ones too).
std::string NormalizePhone(absl::string_view text);
// A query of digits and phone punctuation (space + - ( ) . /), with a digit.
bool LooksLikePhoneQuery(absl::string_view query);
// The query as matched: NormalizePhone for phone-like queries, else NormalizeText.
std::string NormalizeQuery(absl::string_view query);

// What a customer's document holds, already normalised (empty fields are
// left out).
struct SearchFields {
  std::string name;
  std::string keywords;
  std::string phone;
  std::vector<std::string> contact_names;
  std::vector<std::string> contact_phones;
};
SearchFields NormalizeFields(absl::string_view name, absl::string_view keywords,
                             absl::string_view phone, const std::vector<std::string>& contact_names,
                             const std::vector<std::string>& contact_phones);

// "\nfield1\nfield2\n": every non-empty field between separators.
std::string BuildDocument(const SearchFields& fields);
// The fields of a document built by BuildDocument.
std::vector<std::string> DocumentFields(absl::string_view document);

// Every gram of a document, sorted and without repeats.
std::vector<std::string> DocumentGrams(absl::string_view document);

struct QueryGrams {
  // Grams every matching document holds (none when the query is too short
  // to fill one).
  std::vector<std::string> required;
  // Otherwise: a prefix of a gram every matching document holds.
  std::string required_prefix;
  // The field-start key every field starting with the query holds: the
  // whole query when it is short enough, else its first characters.
  std::string start;
  // The whole-field gram of an exact match.
  std::string exact;
};
// `query` must already be normalised (NormalizeQuery) and not empty.
QueryGrams GramsOfQuery(absl::string_view query);

}  // namespace crm::customer
