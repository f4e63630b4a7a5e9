// crm-org: the staff and organisation service process (also issues tokens).
#include "common/backend/backend_main.h"
#include "common/base/config.h"
#include "common/base/dates.h"
#include "services/org/org_service.h"

namespace crm {
std::vector<MigrationFile> OrgMigrations();  // generated from migrations/
}

namespace {

absl::StatusOr<crm::org::OrgSettings> ReadSettings(crm::Config& config) {
  crm::org::OrgSettings settings;
  const std::string secret =
      config.GetString("token-secret", "",
                       "secret (32+ characters) signing access tokens (shared with the gateway)");
  settings.auth.access_token_ttl =
      absl::Seconds(config.GetInt("access-token-ttl-s", 900, "lifetime of an access token"));
  settings.auth.refresh_token_ttl = absl::Seconds(
      config.GetInt("refresh-token-ttl-s", 14 * 24 * 3600, "lifetime of a refresh token"));
  settings.password_ops_limit = static_cast<uint64_t>(
      config.GetInt("password-hash-ops", 2, "argon2id passes per password hash"));
  settings.password_memory_limit =
      static_cast<size_t>(config.GetInt("password-hash-memory-kib", 64 * 1024,
                                        "argon2id memory per password hash, KiB")) *
      1024;
  settings.max_password_checks = static_cast<int>(config.GetInt(
      "max-concurrent-password-checks", settings.max_password_checks,
      "log-in password checks at once (keep below threads); more: RESOURCE_EXHAUSTED"));
  const std::string zone = config.GetString(
      "time-zone", "Asia/Shanghai", "the company's time zone (whose days work logs belong to)");
  absl::StatusOr<crm::TokenSecret> token_secret = crm::TokenSecret::FromString(secret);
  if (!token_secret.ok()) {
    return absl::InvalidArgumentError("--token-secret (CRM_TOKEN_SECRET): " +
                                      std::string(token_secret.status().message()));
  }
  settings.auth.token_secret = *token_secret;
  absl::StatusOr<absl::TimeZone> time_zone = crm::LoadZone(zone);
  if (!time_zone.ok()) return time_zone.status();
  settings.zone = *time_zone;
  return settings;
}

}  // namespace

int main(int argc, char** argv) {
  crm::org::OrgServiceImpl* org = nullptr;
  const crm::Clock* clock = nullptr;  // the backend's, for the first-start bootstrap
  std::string admin_password;
  crm::BackendSpec spec;
  spec.name = "org";
  spec.default_port = 50064;
  spec.migrations = &crm::OrgMigrations;
  spec.make_services =
      [&](crm::BackendContext& context) -> absl::StatusOr<std::vector<crm::BackendService>> {
    admin_password = context.config.GetString("admin-password", "",
                                              "on a first start, the password of the user 'admin'");
    absl::StatusOr<crm::org::OrgSettings> settings = ReadSettings(context.config);
    if (!settings.ok()) return settings.status();
    auto service = std::make_unique<crm::org::OrgServiceImpl>(context.db, context.methods,
                                                              *std::move(settings));
    org = service.get();
    clock = &context.clock;
    std::vector<crm::BackendService> services;
    services.push_back({std::move(service), crm::org::v1::OrgService::service_full_name()});
    return services;
  };
  spec.after_migrations = [&] {
    return org->auth().BootstrapAdministrator(admin_password, *clock);
  };
  return crm::RunBackend(argc, argv, spec);
}
