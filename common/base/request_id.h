// Request ids: generated at the edge, carried in x-request-id to every service.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace crm {

inline constexpr char kRequestIdHeader[] = "x-request-id";

// 32 random hex characters.
std::string NewRequestId();

// A caller-supplied id is kept if it is 1-128 characters of [A-Za-z0-9._:-].
bool IsAcceptableRequestId(absl::string_view id);

}  // namespace crm
