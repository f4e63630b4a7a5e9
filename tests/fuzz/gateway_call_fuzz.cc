// The gateway's handling of what a caller controls before any backend sees
// the call: the method path (routing), the credential headers (who is
// calling), the traceparent and request id it passes on, the peer address
// (rate-limit key), and which client headers are forwarded.
//
// Input, one field per line: method, authorization, x-api-key, traceparent,
// x-request-id, peer, a client header's name, and an edit of a valid access
// token (3 bytes: position high, position low, new byte). "{token}" in the
// authorization field stands for that valid token, edited or not, so the
// accepting paths are explored as well as the refusing ones.
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "common/auth/access_token.h"
#include "common/auth/digest.h"
#include "common/auth/identity.h"
#include "common/auth/permissions.h"
#include "common/base/clock.h"
#include "common/base/request_id.h"
#include "common/rpc/trace_context.h"
#include "services/gateway/backend_router.h"
#include "services/gateway/call_authorizer.h"
#include "services/gateway/credential_store.h"
#include "services/gateway/rate_limiter.h"
#include "tests/fuzz/fuzz_check.h"

namespace crm::fuzz {
namespace {

constexpr int64_t kNow = 1'800'000'000;
constexpr char kOpenMethod[] = "/crm.org.v1.OrgService/Login";
constexpr char kProtectedMethod[] = "/crm.customer.v1.CustomerService/GetCustomer";
constexpr char kApiKey[] = "crmk_fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuz";

struct Gateway {
  Gateway() {
    common::v1::Identity user;
    user.set_subject("user:7");
    user.set_user_id(7);
    user.add_roles("sales");
    user.set_expires_at(kNow + 900);
    token = *IssueAccessToken(user, secret, kNow);
    common::v1::Identity account;
    account.set_subject("service:1");
    account.add_roles("read_only");
    store.Replace({{Sha256Hex(kApiKey), account}}, {});
    authorizer.AddMethod(kOpenMethod, PolicyForPath(kOpenMethod));
    authorizer.AddMethod(kProtectedMethod, PolicyForPath(kProtectedMethod));
  }

  ManualClock clock{absl::FromUnixSeconds(kNow)};
  TokenSecret secret = *TokenSecret::FromString("gateway-fuzz-token-secret-0123456789abc");
  IdentityKey key = *IdentityKey::FromSecret("gateway-fuzz-identity-key-0123456789abc");
  gateway::CredentialStore store{clock, absl::Hours(1)};
  gateway::CallAuthorizer authorizer{secret, key, store};
  std::string token;
};

void CheckRouting(absl::string_view method) {
  const absl::string_view key = gateway::RouteKey(method);
  if (key.empty()) return;
  FUZZ_CHECK(absl::StartsWith(method, absl::StrCat("/crm.", key, ".")));
  FUZZ_CHECK(!absl::StrContains(key, '/') && !absl::StrContains(key, '.'));
}

// A call is let through only as what it proved: anonymous to an open method,
// the token's user, or the API key's account; and the identity the backend
// receives verifies for that method and no other.
void CheckAuthorization(Gateway& gateway, const std::string& method,
                        const std::string& authorization, const std::string& api_key) {
  auto caller =
      gateway.authorizer.Authorize(method, gateway::Credentials{authorization, api_key}, kNow);
  if (!caller.ok()) {
    const absl::StatusCode code = caller.status().code();
    FUZZ_CHECK(code == absl::StatusCode::kUnauthenticated ||
               code == absl::StatusCode::kPermissionDenied ||
               code == absl::StatusCode::kUnimplemented);
    return;
  }
  FUZZ_CHECK(method == kOpenMethod || method == kProtectedMethod);
  if (caller->subject == gateway::kAnonymousSubject) {
    FUZZ_CHECK(method == kOpenMethod);
    return;
  }
  FUZZ_CHECK(caller->subject == "user:7" || caller->subject == "service:1");
  std::string identity, signature;
  for (const auto& [name, value] : caller->headers) {
    if (name == kIdentityHeader) identity = value;
    if (name == kIdentitySignatureHeader) signature = value;
  }
  auto verified = VerifyIdentity(identity, signature, gateway.key, method, kNow);
  FUZZ_CHECK(verified.ok() && verified->subject() == caller->subject);
  const std::string other = method == kOpenMethod ? kProtectedMethod : kOpenMethod;
  FUZZ_CHECK(!VerifyIdentity(identity, signature, gateway.key, other, kNow).ok());
}

void CheckTraceParent(absl::string_view header) {
  const std::optional<TraceParent> trace = ParseTraceParent(header);
  if (!trace) return;
  FUZZ_CHECK(trace->trace_id.size() == 32 && trace->span_id.size() == 16);
  FUZZ_CHECK(trace->trace_id == absl::AsciiStrToLower(trace->trace_id));
  const std::optional<TraceParent> again = ParseTraceParent(trace->Format());
  FUZZ_CHECK(again && again->trace_id == trace->trace_id && again->span_id == trace->span_id &&
             again->flags == trace->flags);
  FUZZ_CHECK(trace->Child().trace_id == trace->trace_id);
}

void CheckRequestId(absl::string_view id) {
  if (!IsAcceptableRequestId(id)) return;
  FUZZ_CHECK(!id.empty() && id.size() <= 128);
  for (char c : id)
    FUZZ_CHECK(absl::ascii_isalnum(c) || c == '.' || c == '_' || c == ':' || c == '-');
}

void CheckForwarding(absl::string_view header) {
  if (!gateway::ForwardsClientHeader(header)) return;
  // Nothing a caller sends may pose as what the gateway itself sets.
  FUZZ_CHECK(!absl::StartsWith(header, "x-crm-"));
  FUZZ_CHECK(header != "authorization" && header != "x-api-key" && header != kRequestIdHeader &&
             header != kTraceParentHeader && !absl::StartsWith(header, "grpc-"));
}

}  // namespace
}  // namespace crm::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace crm::fuzz;
  static Gateway* const gateway = new Gateway();
  std::vector<std::string> f = SplitFields(data, size, 8);
  std::string token = gateway->token;
  if (f[7].size() >= 3) {
    const size_t at =
        ((static_cast<uint8_t>(f[7][0]) << 8) | static_cast<uint8_t>(f[7][1])) % token.size();
    token[at] = f[7][2];
  }
  const std::string authorization = absl::StrReplaceAll(f[1], {{"{token}", token}});

  CheckRouting(f[0]);
  CheckAuthorization(*gateway, f[0], authorization, f[2]);
  CheckTraceParent(f[3]);
  CheckRequestId(f[4]);
  const std::string host = crm::gateway::PeerHost(f[5]);
  FUZZ_CHECK(absl::StrContains(f[5], host));
  CheckForwarding(f[6]);
  return 0;
}
