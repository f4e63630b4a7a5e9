// crm-gateway: the single entry point. Authenticates, routes by package,
// forwards raw calls to the backends, serves health and reflection.
#include <google/protobuf/descriptor.h>
#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/server_builder.h>

#include <optional>

#include "absl/strings/str_cat.h"
#include "common/auth/access_token.h"
#include "common/auth/identity.h"
#include "common/auth/permissions.h"
#include "common/base/config.h"
#include "common/base/logging.h"
#include "common/base/process_start.h"
#include "common/rpc/call_limit.h"
#include "common/rpc/grpc_server.h"
#include "common/rpc/tls_credentials.h"
#include "services/gateway/backend_health_monitor.h"
#include "services/gateway/backend_router.h"
#include "services/gateway/call_authorizer.h"
#include "services/gateway/credential_store.h"
#include "services/gateway/proxy_call.h"
#include "services/gateway/rate_limiter.h"

namespace {

struct BackendDefault {
  const char* name;
  const char* service;  // full name of the service it serves
  int port;
};

constexpr BackendDefault kBackends[] = {
    {"customer", "crm.customer.v1.CustomerService", 50061},
    {"sales", "crm.sales.v1.SalesService", 50062},
    {"feedback", "crm.feedback.v1.FeedbackService", 50063},
    {"org", "crm.org.v1.OrgService", 50064},
    {"reporting", "crm.reporting.v1.ReportingService", 50065},
};

// Calls each queue can accept before its thread posts the next accept.
constexpr int kProxyAcceptsPerQueue = 32;

}  // namespace

int main(int argc, char** argv) {
  using namespace crm;
  InitServerProcess("gateway");
  Config config(argc, argv);
  // The proxy never blocks, so one thread keeps every call on one thread; add
  // threads only where one core is not enough.
  ServerOptions server_options = ReadServerOptions(config, 50051, 1);
  const int channels = static_cast<int>(
      config.GetInt("backend-channels", 4, "connections to each backend address, to spread load"));
  gateway::BackendRouter router;  // filled once the TLS files are read
  std::vector<std::string> backend_addresses;
  for (const BackendDefault& b : kBackends) {
    backend_addresses.push_back(
        config.GetString(std::string(b.name) + "-addr", "127.0.0.1:" + std::to_string(b.port),
                         absl::StrCat("address of the backend serving crm.", b.name, ".*")));
  }
  const InternalTlsSettings internal_tls = ReadInternalTlsSettings(config);
  const std::string identity_secret = config.GetString(
      "identity-key", "", "secret (32+ characters) signing the identity passed to backends");
  const std::string identity_also_accepted = config.GetString(
      "identity-key-also-accepted", "",
      "during a rotation: a second identity key whose signatures are accepted too");
  const std::string token_secret_text = config.GetString(
      "token-secret", "", "secret (32+ characters) the org service signs access tokens with");
  const std::string token_also_accepted =
      config.GetString("token-secret-also-accepted", "",
                       "during a rotation: a second token secret whose tokens are accepted too");
  const auto credential_refresh = std::chrono::milliseconds(config.GetInt(
      "credential-refresh-ms", 2000,
      "how often API keys and token revocations are fetched (a revoked key or token works at "
      "most this long)"));
  const auto credential_max_staleness = absl::Milliseconds(
      config.GetInt("credential-max-staleness-ms", 30000,
                    "when keys and revocations could not be fetched for this long, calls needing a "
                    "credential are refused with UNAVAILABLE (fail closed)"));
  gateway::ProxySettings settings;
  settings.router = &router;
  settings.unary_default_deadline = std::chrono::milliseconds(config.GetInt(
      "default-deadline-ms", 30000, "deadline for unary calls that arrive without one"));
  settings.stream_default_deadline = std::chrono::milliseconds(
      config.GetInt("stream-default-deadline-ms", 3600000,
                    "deadline for streaming calls (imports, exports) that arrive without one"));
  CallLimit call_limit(static_cast<int>(config.GetInt(
      "max-calls-in-flight", 1000,
      "calls proxied at once; more are refused with RESOURCE_EXHAUSTED (bounds memory)")));
  settings.call_limit = &call_limit;
  gateway::RateLimiter rate_limiter(
      static_cast<double>(config.GetInt(
          "rate-limit-per-s", 2000,
          "calls a second each caller (user, API key; anonymous: client address) "
          "may make on average; more get RESOURCE_EXHAUSTED with retry advice; 0: off")),
      static_cast<double>(
          config.GetInt("rate-limit-burst", 4000, "calls a caller may make at once")));
  settings.rate_limiter = &rate_limiter;
  const bool unary_fast_path = config.GetBool(
      "unary-fast-path", true,
      "proxy unary methods as one request and one response (off: every call as a stream)");
  const auto health_interval = std::chrono::milliseconds(
      config.GetInt("health-poll-ms", 1000, "how often backends' health is checked"));
  const std::string log_level = config.GetString("log-level", "info", "debug, info, warn or error");
  if (std::optional<int> exit_code = FinishConfiguration(config, "crm-gateway", log_level)) {
    return *exit_code;
  }
  absl::StatusOr<IdentityKey> identity_key =
      IdentityKey::FromSecret(identity_secret, identity_also_accepted);
  if (!identity_key.ok()) {
    return StartupFailed("bad configuration (see --help)",
                         absl::InvalidArgumentError(absl::StrCat(
                             "identity-key (CRM_IDENTITY_KEY): ", identity_key.status().message())),
                         kExitBadConfiguration);
  }
  absl::StatusOr<TokenSecret> token_secret =
      TokenSecret::FromString(token_secret_text, token_also_accepted);
  if (!token_secret.ok()) {
    return StartupFailed("bad configuration (see --help)",
                         absl::InvalidArgumentError(absl::StrCat(
                             "token-secret (CRM_TOKEN_SECRET): ", token_secret.status().message())),
                         kExitBadConfiguration);
  }
  absl::StatusOr<std::shared_ptr<const ChannelTls>> backend_tls = LoadChannelTls(internal_tls);
  if (!backend_tls.ok()) {
    return StartupFailed("bad configuration (see --help)", backend_tls.status(),
                         kExitBadConfiguration);
  }
  for (size_t i = 0; i < std::size(kBackends); ++i) {
    router.AddBackend(kBackends[i].name, backend_addresses[i], channels, *backend_tls);
  }
  gateway::CredentialStore credentials(Clock::System(), credential_max_staleness);
  gateway::CallAuthorizer authorizer(*token_secret, *identity_key, credentials);
  settings.authorizer = &authorizer;

  GrpcServer server(server_options);
  // Not ready (health NOT_SERVING) until it knows keys and revocations.
  server.health().SetReady(false);
  std::vector<std::string> service_names;
  for (const BackendDefault& b : kBackends) {
    const auto* descriptor =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(b.service);
    if (descriptor == nullptr) {
      return StartupFailed("a service descriptor is missing from this build",
                           absl::InternalError(b.service));
    }
    for (int i = 0; i < descriptor->method_count(); ++i) {
      const auto* method = descriptor->method(i);
      authorizer.AddMethod("/" + descriptor->full_name() + "/" + method->name(),
                           PolicyFor(*method));
      if (unary_fast_path && !method->client_streaming() && !method->server_streaming()) {
        settings.unary_methods.insert("/" + descriptor->full_name() + "/" + method->name());
      }
    }
    server.AddReflectedName(b.service);
    service_names.push_back(b.service);
  }
  grpc::AsyncGenericService proxy_service;
  server.ConfigureBuilder(
      [&](grpc::ServerBuilder& builder) { builder.RegisterAsyncGenericService(&proxy_service); });
  server.OnQueueReady([&](grpc::ServerCompletionQueue* cq) {
    for (int i = 0; i < kProxyAcceptsPerQueue; ++i) {
      gateway::ProxyCall::Accept(proxy_service, cq, settings);
    }
  });
  // The first fetch happens before the port is served, so that when org is
  // up no call meets a gateway that knows no credentials yet.
  gateway::CredentialRefresher credential_refresher(
      router.Route("/crm.org.v1.OrgService/")->channels.front(), *identity_key, credentials,
      credential_refresh, [&server] { server.health().SetReady(true); });
  credential_refresher.Start();
  if (absl::Status status = server.Start(); !status.ok()) {
    return StartupFailed("cannot serve", status);
  }
  gateway::BackendHealthMonitor monitor(router, service_names, server.health(), health_interval);
  monitor.Start();
  return server.ServeUntilShutdownSignal();
}
