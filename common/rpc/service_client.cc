// ServiceClient: identity, deadline and trace on the way out, errors back.
#include "common/rpc/service_client.h"

#include <grpcpp/channel.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/auth/identity.h"
#include "common/base/logging.h"
#include "common/rpc/trace_context.h"

namespace crm {
namespace {

// A signed identity for calls a service makes as itself: short-lived, as
// every call signs a fresh one.
constexpr int64_t kSelfIdentityLifetimeS = 60;

ChannelOptions Signing(ChannelOptions options, const IdentityKey& key) {
  options.sign_identities = &key;
  return options;
}

}  // namespace

ServiceClient::ServiceClient(std::string target, const std::string& address, ChannelOptions options,
                             const IdentityKey& key, std::string self,
                             std::chrono::milliseconds default_timeout)
    : target_(std::move(target)),
      channel_(MakeChannel(address, Signing(std::move(options), key))),
      self_subject_(absl::StrCat("system:", self)),
      default_timeout_(default_timeout) {}

void ServiceClient::Prepare(grpc::ClientContext& context, const As& as) const {
  const auto now = std::chrono::steady_clock::now();
  const std::chrono::steady_clock::duration remaining =
      as.deadline == Deadline::max()
          ? std::chrono::steady_clock::duration(default_timeout_)
          : std::min<std::chrono::steady_clock::duration>(as.deadline - now, default_timeout_);
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::duration_cast<std::chrono::system_clock::duration>(remaining));
  // Only the identity: the channel signs it for the method (identity_signing.h).
  if (as.caller != nullptr) {
    // The identity exactly as the gateway sent it: the called service
    // verifies it again and applies the caller's own permissions.
    if (!as.caller->identity_header.empty()) {
      context.AddMetadata(kIdentityHeader, as.caller->identity_header);
    }
  } else {
    common::v1::Identity self;
    self.set_subject(self_subject_);
    self.add_roles("system");
    self.set_expires_at(UnixNow() + kSelfIdentityLifetimeS);
    context.AddMetadata(kIdentityHeader, self.SerializeAsString());
  }
  AttachTraceParent(&context);
}

absl::Status ServiceClient::Busy(absl::string_view what) const {
  return absl::UnavailableError(absl::StrCat("the ", target_, " service (", what,
                                             ") cannot be asked now: this service's calls to"
                                             " others are all waiting for answers; retry shortly"));
}

absl::Status ServiceClient::MapError(const grpc::Status& status, const As& as,
                                     absl::string_view what) const {
  const std::string& message = status.error_message();
  switch (status.error_code()) {
    case grpc::StatusCode::NOT_FOUND:
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::OUT_OF_RANGE:
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()), message);
    case grpc::StatusCode::PERMISSION_DENIED:
      if (as.caller != nullptr) return absl::PermissionDeniedError(message);
      break;  // this service's own identity refused: a deployment fault
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return absl::DeadlineExceededError(
          absl::StrCat("the ", target_, " service (", what, ") did not answer in time"));
    case grpc::StatusCode::UNAVAILABLE:
      // The service's own answer (a full or read-only database, a drain)
      // carries details and a message written for callers: pass it on.
      if (!status.error_details().empty()) return absl::UnavailableError(message);
      break;
    default:
      break;
  }
  // A transport error or a fault over there: its text may name internal
  // addresses, so it goes to the log and the caller learns what failed.
  log::Warn("call to another service failed", {{"service", target_},
                                               {"what", what},
                                               {"code", static_cast<int>(status.error_code())},
                                               {"error", message}});
  return absl::UnavailableError(
      absl::StrCat("the ", target_, " service (", what, ") is unavailable; retry later"));
}

}  // namespace crm
