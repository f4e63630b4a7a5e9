// Microbenchmark: what authentication and authorization add to each call —
// at the gateway (bearer token or API key, then the method's permission, then
// the signed identity for the backend) and at the backend (verifying it).
#include <benchmark/benchmark.h>

#include <vector>

#include "common/auth/access_token.h"
#include "common/auth/digest.h"
#include "common/auth/identity.h"
#include "common/auth/permissions.h"
#include "common/db/migrations.h"
#include "crm/customer/v1/customer_service.pb.h"
#include "services/gateway/call_authorizer.h"
#include "services/gateway/credential_store.h"

namespace crm {
namespace {

constexpr char kMethod[] = "/crm.customer.v1.CustomerService/GetCustomer";
const TokenSecret& Secret() {
  static const TokenSecret secret = *TokenSecret::FromString(std::string(48, 's'));
  return secret;
}
const IdentityKey& Key() {
  static const IdentityKey key = *IdentityKey::FromSecret(std::string(48, 'k'));
  return key;
}

common::v1::Identity SalesPerson(int64_t id) {
  common::v1::Identity identity;
  identity.set_subject("user:" + std::to_string(id));
  identity.set_user_id(id);
  identity.set_employee_id(id);
  identity.set_department_id(4);
  identity.set_department_path("/1/4/");
  identity.set_display_name("李雷");
  identity.add_roles("sales");
  identity.set_expires_at(UnixNow() + 3600);
  return identity;
}

struct Gateway {
  gateway::CredentialStore keys{Clock::System(), absl::Minutes(10)};
  gateway::CallAuthorizer authorizer{Secret(), Key(), keys};
  Gateway() {
    authorizer.AddMethod(kMethod, PolicyForPath(kMethod));
    std::unordered_map<std::string, common::v1::Identity> accounts;
    common::v1::Identity oa;
    oa.set_subject("service:1");
    oa.add_roles("read_only");
    accounts[Sha256Hex("crmk_benchmark-key")] = oa;
    // A few users revoked recently, as the gateway usually knows.
    std::unordered_map<int64_t, int64_t> revoked;
    for (int64_t user = 1000; user < 1100; ++user) revoked[user] = 3;
    keys.Replace(std::move(accounts), std::move(revoked));
  }
};

// The usual case: a client sending the same token call after call.
void BM_GatewayBearerTokenSeenBefore(benchmark::State& state) {
  Gateway gateway;
  const std::string header = "Bearer " + *IssueAccessToken(SalesPerson(7), Secret(), UnixNow());
  gateway::Credentials credentials{header, ""};
  for (auto _ : state) {
    auto caller = gateway.authorizer.Authorize(kMethod, credentials, UnixNow());
    benchmark::DoNotOptimize(caller);
    if (!caller.ok()) state.SkipWithError("refused");
  }
}
BENCHMARK(BM_GatewayBearerTokenSeenBefore);

// A token the gateway has not seen yet: the JWT signature is checked.
void BM_GatewayBearerTokenFirstSeen(benchmark::State& state) {
  auto gateway = std::make_unique<Gateway>();
  std::vector<std::string> headers;
  for (int i = 0; i < 5000; ++i) {
    headers.push_back("Bearer " + *IssueAccessToken(SalesPerson(i), Secret(), UnixNow()));
  }
  size_t next = 0;
  for (auto _ : state) {
    gateway::Credentials credentials{headers[next++ % headers.size()], ""};
    auto caller = gateway->authorizer.Authorize(kMethod, credentials, UnixNow());
    benchmark::DoNotOptimize(caller);
    if (next % headers.size() == 0) {
      state.PauseTiming();
      gateway = std::make_unique<Gateway>();  // forget them all again
      state.ResumeTiming();
    }
  }
}
BENCHMARK(BM_GatewayBearerTokenFirstSeen);

void BM_GatewayApiKey(benchmark::State& state) {
  Gateway gateway;
  gateway::Credentials credentials{"", "crmk_benchmark-key"};
  for (auto _ : state) {
    auto caller = gateway.authorizer.Authorize(kMethod, credentials, UnixNow());
    benchmark::DoNotOptimize(caller);
    if (!caller.ok()) state.SkipWithError("refused");
  }
}
BENCHMARK(BM_GatewayApiKey);

// What every backend does again with the identity the gateway signed.
void BM_BackendVerifiesIdentity(benchmark::State& state) {
  SignedIdentity signed_identity = SignIdentity(SalesPerson(7), Key(), kMethod, UnixNow());
  for (auto _ : state) {
    auto identity = VerifyIdentity(signed_identity.identity, signed_identity.signature, Key(),
                                   kMethod, UnixNow());
    benchmark::DoNotOptimize(identity);
  }
}
BENCHMARK(BM_BackendVerifiesIdentity);

}  // namespace
}  // namespace crm

BENCHMARK_MAIN();
