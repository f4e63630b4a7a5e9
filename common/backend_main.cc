// RunBackend: configuration, database, migrations, server.
#include "common/backend_main.h"

#include <grpcpp/impl/service_type.h>

#include <iostream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/async_methods.h"
#include "common/background_worker.h"
#include "common/config.h"
#include "common/database.h"
#include "common/feed_consumer.h"
#include "common/grpc_server.h"
#include "common/identity.h"
#include "common/logging.h"
#include "common/migrations.h"
#include "common/mysql_pool.h"

namespace crm {
namespace {

MySqlOptions ReadMySqlOptions(Config& config, const std::string& service) {
  MySqlOptions o;
  const std::string schema = "crm_" + service;
  o.host = config.GetString("db-host", "127.0.0.1", "MySQL/MariaDB host");
  o.port = static_cast<int>(config.GetInt("db-port", 3306, "MySQL/MariaDB port"));
  o.database = config.GetString("db-name", schema, "schema this service owns");
  o.user = config.GetString("db-user", schema, "database user, granted on that schema only");
  o.password = config.GetString("db-password", "", "database password (from a secret)");
  o.pool_size = static_cast<int>(config.GetInt("db-pool-size", o.pool_size, "connections"));
  o.connect_timeout_s = static_cast<int>(
      config.GetInt("db-connect-timeout-s", o.connect_timeout_s, "connect timeout"));
  o.read_timeout_s = static_cast<int>(
      config.GetInt("db-read-timeout-s", o.read_timeout_s, "per-read network timeout"));
  o.write_timeout_s = static_cast<int>(
      config.GetInt("db-write-timeout-s", o.write_timeout_s, "per-write network timeout"));
  o.validate_after_idle_ms =
      static_cast<int>(config.GetInt("db-validate-after-idle-ms", o.validate_after_idle_ms,
                                     "ping a connection idle longer than this before using it"));
  o.acquire_timeout_ms = static_cast<int>(
      config.GetInt("db-acquire-timeout-ms", o.acquire_timeout_ms,
                    "longest wait for a free connection when the call has no deadline"));
  return o;
}

// Databases may come up after the service (Kubernetes starts both at once):
// retry while it is unreachable, fail at once on anything else.
absl::Status MigrateWhenReachable(MySqlPool& pool, const std::vector<MigrationFile>& files,
                                  int startup_timeout_s) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(startup_timeout_s);
  for (;;) {
    absl::StatusOr<MigrationReport> report = ApplyMigrations(pool, files);
    if (report.ok()) {
      log::Info("schema ready", {{"applied", report->applied},
                                 {"already_applied", report->already_applied},
                                 {"latest", report->latest}});
      return absl::OkStatus();
    }
    bool transient = report.status().code() == absl::StatusCode::kUnavailable ||
                     report.status().code() == absl::StatusCode::kResourceExhausted;
    if (!transient || std::chrono::steady_clock::now() > give_up) return report.status();
    log::Warn("database not reachable yet; retrying", {{"error", report.status().message()}});
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

}  // namespace

int RunBackend(int argc, char** argv, const BackendSpec& spec) {
  InitServerProcess();
  Config config(argc, argv);
  // Each thread runs one handler at a time and blocks on the database while it
  // does: the pool keeps more connections than threads for calls that hold
  // one longer (streams).
  ServerOptions server_options = ReadServerOptions(config, spec.default_port, 4);
  MySqlOptions db_options = ReadMySqlOptions(config, spec.name);
  const int startup_timeout_s = static_cast<int>(
      config.GetInt("db-startup-timeout-s", 60, "how long to wait for the database at start-up"));
  const std::string log_level = config.GetString("log-level", "info", "debug, info, warn or error");
  const std::string identity_secret = config.GetString(
      "identity-key", "", "secret (32+ characters) verifying the identity the gateway signs");
  const std::string identity_also_accepted = config.GetString(
      "identity-key-also-accepted", "",
      "during a rotation: a second identity key whose signatures are accepted too");

  std::vector<MigrationFile> migrations = CommonMigrations();
  for (MigrationFile& f : spec.migrations()) migrations.push_back(std::move(f));

  const std::string program = "crm-" + spec.name;
  absl::StatusOr<IdentityKey> identity_key = IdentityKey::FromSecret(identity_secret, identity_also_accepted);
  const IdentityKey key = identity_key.ok() ? *identity_key : IdentityKey();
  MySqlPool pool(db_options);
  Database db(pool);
  AsyncMethods methods(key);
  // Destroyed in reverse: services, then workers, then what both use.
  std::vector<std::shared_ptr<void>> resources;
  std::vector<std::unique_ptr<BackgroundWorker>> workers;
  BackendContext context{config, db, methods, key, workers, resources};
  absl::StatusOr<std::vector<BackendService>> services = spec.make_services(context);

  if (config.help_requested()) {
    std::cout << config.Usage(program);
    return 0;
  }
  if (absl::Status status = config.Finish(); !status.ok()) {
    std::cerr << program << ": " << status.message() << "\n" << config.Usage(program);
    return 2;
  }
  if (!identity_key.ok()) {
    std::cerr << program
              << ": --identity-key (CRM_IDENTITY_KEY): " << identity_key.status().message() << "\n";
    return 2;
  }
  if (!services.ok()) {
    std::cerr << program << ": " << services.status().message() << "\n";
    return 2;
  }
  if (!log::Init(spec.name, log_level)) {
    std::cerr << program << ": unknown log level '" << log_level << "'\n";
    return 2;
  }
  log::Info("starting", {{"database", db_options.database},
                         {"threads", server_options.threads},
                         {"db_host", db_options.host},
                         {"db_port", db_options.port},
                         {"pool_size", db_options.pool_size}});

  if (absl::Status status = MigrateWhenReachable(pool, migrations, startup_timeout_s);
      !status.ok()) {
    log::Error("cannot prepare the schema", {{"error", status.message()}});
    return 1;
  }
  if (spec.after_migrations) {
    if (absl::Status status = spec.after_migrations(); !status.ok()) {
      log::Error("cannot prepare the service", {{"error", status.message()}});
      return 1;
    }
  }
  for (auto& worker : workers) worker->Start();

  GrpcServer server(server_options);
  for (BackendService& s : *services) server.AddService(s.service.get(), s.name);
  server.OnQueueReady([&methods](grpc::ServerCompletionQueue* cq) { methods.Prime(cq); });
  if (absl::Status status = server.Start(); !status.ok()) {
    log::Error("cannot start the server", {{"error", status.message()}});
    return 1;
  }
  server.ServeUntilShutdownSignal();
  return 0;
}

}  // namespace crm
