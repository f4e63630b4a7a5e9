// Field checks shared by every service's request validation.
#pragma once

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace crm {

class FieldViolations;

// Number of Unicode code points (the input is valid UTF-8: protobuf checks it).
size_t Utf8Length(absl::string_view text);

// Removes leading and trailing ASCII whitespace and ideographic spaces (U+3000).
std::string TrimText(absl::string_view text);

enum class Presence { kOptional, kRequired };

// Adds a violation when `value` is empty but required, longer than
// `max_chars` code points, or holds control characters (newlines and tabs are
// allowed only when `multiline`).
void CheckText(FieldViolations& violations, const std::string& field, absl::string_view value,
               size_t max_chars, Presence presence, bool multiline = false);

// A create's optional idempotency key (request_id): at most 64 characters,
// no control characters. The one rule every service applies.
void CheckRequestId(FieldViolations& violations, absl::string_view request_id);
// The same alone: INVALID_ARGUMENT naming request_id, or OK.
absl::Status ValidateRequestId(absl::string_view request_id);

// A plausible e-mail address (one '@', no spaces, a dot in the domain).
bool LooksLikeEmail(absl::string_view value);

// Digits, spaces and + - ( ) . / and "ext"; at least 3 digits.
bool LooksLikePhone(absl::string_view value);

// Optional contact fields of the usual shapes (CheckText plus the shape):
// a phone number of at most 32 characters, an e-mail address of at most 254,
// a QQ number (5 to 12 digits).
void CheckPhone(FieldViolations& violations, const std::string& field, absl::string_view value);
void CheckEmail(FieldViolations& violations, const std::string& field, absl::string_view value);
void CheckQq(FieldViolations& violations, const std::string& field, absl::string_view value);

}  // namespace crm
