// SHA-256 digests as hex: API keys and refresh tokens are stored only as
// their digest, migrations are checksummed with it.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace crm {

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(absl::string_view data);

}  // namespace crm
