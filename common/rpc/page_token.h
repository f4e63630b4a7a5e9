// Opaque page tokens for keyset pagination.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crm {

// A stable 64-bit fingerprint of a request's filters and order (FNV-1a), so a
// token is refused when used with different filters than the call that made it.
uint64_t FilterFingerprint(std::initializer_list<absl::string_view> parts);

// A token holds the sort key values of the last row served (e.g. {"42"}) and the
// fingerprint; it is base64url text, opaque to clients.
std::string EncodePageToken(const std::vector<std::string>& position, uint64_t fingerprint);

// The position in `token`; INVALID_ARGUMENT (naming page_token) when it is
// malformed or was made for other filters.
absl::StatusOr<std::vector<std::string>> DecodePageToken(absl::string_view token,
                                                         uint64_t fingerprint);

}  // namespace crm
