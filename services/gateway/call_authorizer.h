// The gateway's authentication and authorization step, run before any call is
// forwarded.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace grpc {
class ServerContextBase;
}

namespace crm::gateway {

// What the gateway tells a backend about the caller.
struct VerifiedCaller {
  std::string subject;  // for the access log
  // Metadata added to the backend call (identity headers).
  std::vector<std::pair<std::string, std::string>> headers;
};

// Until the org service lands there are no credentials: every call passes as
// "anonymous". The org issue fills this in: verify the bearer token or API key
// (UNAUTHENTICATED), check the method against the caller's roles
// (PERMISSION_DENIED), and return the signed identity headers to forward.
// Client-sent x-crm-* headers are never forwarded (see ProxyCall), so a
// caller cannot supply its own identity.
class CallAuthorizer {
 public:
  absl::StatusOr<VerifiedCaller> Authorize(absl::string_view method,
                                           const grpc::ServerContextBase& context) const;
};

}  // namespace crm::gateway
