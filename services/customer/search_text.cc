// Search normalisation and grams.
#include "services/customer/search_text.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "common/rpc/page_token.h"

namespace crm::customer {
namespace {

enum class CharClass { kSeparator, kAlnum, kOther };

// One decoded UTF-8 character: its bytes and class.
struct Char {
  absl::string_view bytes;
  CharClass cls;
};

size_t Utf8Width(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  if ((lead >> 3) == 0x1E) return 4;
  return 1;  // not a lead byte: take it alone rather than loop
}

std::vector<Char> Decode(absl::string_view text) {
  std::vector<Char> chars;
  for (size_t i = 0; i < text.size();) {
    const size_t width = std::min(Utf8Width(static_cast<unsigned char>(text[i])), text.size() - i);
    absl::string_view bytes = text.substr(i, width);
    CharClass cls = CharClass::kOther;
    if (width == 1) {
      cls = absl::ascii_isalnum(bytes[0]) ? CharClass::kAlnum : CharClass::kSeparator;
    }
    chars.push_back({bytes, cls});
    i += width;
  }
  return chars;
}

size_t GramLength(CharClass cls) { return cls == CharClass::kAlnum ? 4 : 2; }

// The gram starting at chars[i] (which must not be a separator): up to the
// class's length, same class only. `complete` tells whether it ended for a
// reason inside the text (full length, class change, separator) rather than
// at the end of `chars`; a field's end counts as inside when `end_is_boundary`.
std::string GramAt(const std::vector<Char>& chars, size_t i, bool end_is_boundary, bool* complete) {
  const CharClass cls = chars[i].cls;
  const size_t length = GramLength(cls);
  std::string gram;
  size_t n = 0;
  for (size_t j = i; j < chars.size() && n < length; ++j, ++n) {
    if (chars[j].cls != cls) {
      gram.push_back(kEndMark);
      *complete = true;
      return gram;
    }
    gram.append(chars[j].bytes.data(), chars[j].bytes.size());
  }
  if (n == length) {
    *complete = true;
  } else if (end_is_boundary) {
    gram.push_back(kEndMark);
    *complete = true;
  } else {
    *complete = false;
  }
  return gram;
}

// kStartMark + the first `max_chars` characters of `text` (fewer when they
// would pass kMaxPrefixBytes, so a key fits the gram column whatever the text).
std::string PrefixKey(const std::vector<Char>& chars, size_t max_chars) {
  std::string key(1, kStartMark);
  for (size_t i = 0; i < chars.size() && i < max_chars; ++i) {
    if (key.size() - 1 + chars[i].bytes.size() > kMaxPrefixBytes) break;
    key.append(chars[i].bytes.data(), chars[i].bytes.size());
  }
  return key;
}

std::string ExactGram(absl::string_view field) {
  // A hash that is the same in every process (unlike absl::Hash).
  const uint64_t hash = FilterFingerprint({field});
  std::string gram(1, kExactMark);
  for (int i = 0; i < 8; ++i) gram.push_back(static_cast<char>((hash >> (8 * i)) & 0xFF));
  return gram;
}

// Full-width ASCII (U+FF01..U+FF5E) is three bytes EF BC 81..EF BD 9E.
bool FullWidthAscii(absl::string_view text, size_t i, char* ascii) {
  if (i + 2 >= text.size() || static_cast<unsigned char>(text[i]) != 0xEF) return false;
  const unsigned char b1 = text[i + 1], b2 = text[i + 2];
  unsigned code;
  if (b1 == 0xBC && b2 >= 0x81 && b2 <= 0xBF) {
    code = 0xFF00 + (b2 - 0x80);
  } else if (b1 == 0xBD && b2 >= 0x80 && b2 <= 0x9E) {
    code = 0xFF40 + (b2 - 0x80);
  } else {
    return false;
  }
  *ascii = static_cast<char>(code - 0xFEE0);
  return true;
}

}  // namespace

std::string NormalizeText(absl::string_view text) {
  static constexpr absl::string_view kIdeographicSpace = "\xE3\x80\x80";
  std::string out;
  bool pending_space = false;
  for (size_t i = 0; i < text.size();) {
    char ascii = 0;  // the character when it is (or becomes) ASCII
    size_t width = 1;
    if (FullWidthAscii(text, i, &ascii)) {
      width = 3;
    } else if (text.substr(i, 3) == kIdeographicSpace) {
      width = 3;
      ascii = ' ';
    } else if (static_cast<unsigned char>(text[i]) < 0x80) {
      ascii = text[i];
    } else {
      width = std::min(Utf8Width(static_cast<unsigned char>(text[i])), text.size() - i);
    }
    if (ascii != 0 && absl::ascii_isspace(ascii)) {
      pending_space = !out.empty();
    } else {
      if (pending_space) out.push_back(' ');
      pending_space = false;
      if (ascii != 0) {
        out.push_back(absl::ascii_tolower(ascii));
      } else {
        out.append(text.data() + i, width);
      }
    }
    i += width;
  }
  return out;
}

std::string NormalizePhone(absl::string_view text) {
  std::string digits;
  for (size_t i = 0; i < text.size(); ++i) {
    char ascii;
    if (FullWidthAscii(text, i, &ascii)) {
      if (absl::ascii_isdigit(ascii)) digits.push_back(ascii);
      i += 2;
    } else if (absl::ascii_isdigit(text[i])) {
      digits.push_back(text[i]);
    }
  }
  return digits;
}

bool LooksLikePhoneQuery(absl::string_view query) {
  const std::string text = NormalizeText(query);
  bool digit = false;
  for (char c : text) {
    if (absl::ascii_isdigit(c)) {
      digit = true;
    } else if (c != ' ' && c != '+' && c != '-' && c != '(' && c != ')' && c != '.' && c != '/') {
      return false;
    }
  }
  return digit;
}

std::string NormalizeQuery(absl::string_view query) {
  return LooksLikePhoneQuery(query) ? NormalizePhone(query) : NormalizeText(query);
}

SearchFields NormalizeFields(absl::string_view name, absl::string_view keywords,
                             absl::string_view phone, const std::vector<std::string>& contact_names,
                             const std::vector<std::string>& contact_phones) {
  SearchFields fields;
  fields.name = NormalizeText(name);
  fields.keywords = NormalizeText(keywords);
  fields.phone = NormalizePhone(phone);
  for (const std::string& n : contact_names) {
    if (std::string v = NormalizeText(n); !v.empty()) fields.contact_names.push_back(v);
  }
  for (const std::string& p : contact_phones) {
    if (std::string v = NormalizePhone(p); !v.empty()) fields.contact_phones.push_back(v);
  }
  return fields;
}

std::string BuildDocument(const SearchFields& fields) {
  std::string doc(1, kFieldSeparator);
  auto add = [&](const std::string& field) {
    if (field.empty()) return;
    doc += field;
    doc.push_back(kFieldSeparator);
  };
  add(fields.name);
  add(fields.keywords);
  add(fields.phone);
  for (const std::string& n : fields.contact_names) add(n);
  for (const std::string& p : fields.contact_phones) add(p);
  return doc;
}

std::vector<std::string> DocumentFields(absl::string_view document) {
  std::vector<std::string> fields;
  for (absl::string_view field : absl::StrSplit(document, kFieldSeparator, absl::SkipEmpty())) {
    fields.emplace_back(field);
  }
  return fields;
}

std::vector<std::string> DocumentGrams(absl::string_view document) {
  std::vector<std::string> grams;
  for (const std::string& field : DocumentFields(document)) {
    const std::vector<Char> chars = Decode(field);
    for (size_t i = 0; i < chars.size(); ++i) {
      if (chars[i].cls == CharClass::kSeparator) continue;
      bool complete;
      grams.push_back(GramAt(chars, i, /*end_is_boundary=*/true, &complete));
    }
    for (size_t n = 1; n <= std::min(chars.size(), kPrefixChars); ++n) {
      std::string key = PrefixKey(chars, n);
      if (key.size() == 1 || (!grams.empty() && grams.back() == key)) break;  // the byte cap
      grams.push_back(std::move(key));
    }
    grams.push_back(ExactGram(field));
  }
  std::sort(grams.begin(), grams.end());
  grams.erase(std::unique(grams.begin(), grams.end()), grams.end());
  return grams;
}

QueryGrams GramsOfQuery(absl::string_view query) {
  QueryGrams result;
  const std::vector<Char> chars = Decode(query);
  for (size_t i = 0; i < chars.size(); ++i) {
    if (chars[i].cls == CharClass::kSeparator) continue;
    bool complete;
    std::string gram = GramAt(chars, i, /*end_is_boundary=*/false, &complete);
    if (complete) {
      result.required.push_back(gram);
    } else if (result.required_prefix.empty()) {
      result.required_prefix = gram;
    }
  }
  std::sort(result.required.begin(), result.required.end());
  result.required.erase(std::unique(result.required.begin(), result.required.end()),
                        result.required.end());
  result.start = PrefixKey(chars, kPrefixChars);
  result.exact = ExactGram(query);
  return result;
}

}  // namespace crm::customer
