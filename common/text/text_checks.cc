// Text field checks.
#include "common/text/text_checks.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"

namespace crm {

size_t Utf8Length(absl::string_view text) {
  size_t count = 0;
  for (unsigned char c : text) count += (c & 0xC0) != 0x80;
  return count;
}

std::string TrimText(absl::string_view text) {
  static constexpr absl::string_view kIdeographicSpace = "\xE3\x80\x80";
  for (;;) {
    size_t before = text.size();
    text = absl::StripAsciiWhitespace(text);
    if (text.substr(0, 3) == kIdeographicSpace) text.remove_prefix(3);
    if (text.size() >= 3 && text.substr(text.size() - 3) == kIdeographicSpace) {
      text.remove_suffix(3);
    }
    if (text.size() == before) return std::string(text);
  }
}

void CheckText(FieldViolations& violations, const std::string& field, absl::string_view value,
               size_t max_chars, Presence presence, bool multiline) {
  if (value.empty()) {
    if (presence == Presence::kRequired) violations.Add(field, "is required");
    return;
  }
  if (Utf8Length(value) > max_chars) {
    violations.Add(field, absl::StrCat("must be at most ", max_chars, " characters"));
    return;
  }
  for (unsigned char c : value) {
    bool allowed_space = multiline && (c == '\n' || c == '\t' || c == '\r');
    if ((c < 0x20 && !allowed_space) || c == 0x7f) {
      violations.Add(field, "must not contain control characters");
      return;
    }
  }
}

void CheckRequestId(FieldViolations& violations, absl::string_view request_id) {
  CheckText(violations, "request_id", request_id, 64, Presence::kOptional);
}

bool LooksLikeEmail(absl::string_view value) {
  size_t at = value.find('@');
  if (at == absl::string_view::npos || at == 0 ||
      value.find('@', at + 1) != absl::string_view::npos) {
    return false;
  }
  absl::string_view domain = value.substr(at + 1);
  size_t dot = domain.find('.');
  if (dot == absl::string_view::npos || dot == 0 || dot + 1 == domain.size()) return false;
  for (char c : value) {
    if (absl::ascii_isspace(c) || static_cast<unsigned char>(c) < 0x20) return false;
  }
  return true;
}

bool LooksLikePhone(absl::string_view value) {
  int digits = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (absl::ascii_isdigit(c)) {
      ++digits;
    } else if (value.substr(i, 3) == "ext") {
      i += 2;
    } else if (c != ' ' && c != '+' && c != '-' && c != '(' && c != ')' && c != '.' && c != '/') {
      return false;
    }
  }
  return digits >= 3;
}

void CheckPhone(FieldViolations& v, const std::string& field, absl::string_view value) {
  CheckText(v, field, value, 32, Presence::kOptional);
  if (!value.empty() && !LooksLikePhone(value)) {
    v.Add(field, "must be a phone number: at least 3 digits, and only digits, spaces, + - ( ) . /");
  }
}

void CheckEmail(FieldViolations& v, const std::string& field, absl::string_view value) {
  CheckText(v, field, value, 254, Presence::kOptional);
  if (!value.empty() && !LooksLikeEmail(value)) v.Add(field, "must be an e-mail address");
}

void CheckQq(FieldViolations& v, const std::string& field, absl::string_view value) {
  const bool digits = std::all_of(value.begin(), value.end(), absl::ascii_isdigit);
  if (!value.empty() && (value.size() < 5 || value.size() > 12 || !digits)) {
    v.Add(field, "must be a QQ number: 5 to 12 digits");
  }
}

absl::Status ValidateRequestId(absl::string_view request_id) {
  FieldViolations violations;
  CheckRequestId(violations, request_id);
  return violations.ToStatus();
}

}  // namespace crm
