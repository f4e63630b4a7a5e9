// RunBackend: configuration, database, migrations, server.
#include "common/backend/backend_main.h"

#include <grpcpp/impl/service_type.h>

#include <optional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/auth/identity.h"
#include "common/backend/backend_readiness.h"
#include "common/base/background_worker.h"
#include "common/base/config.h"
#include "common/base/file_clock.h"
#include "common/base/logging.h"
#include "common/base/metrics.h"
#include "common/base/process_start.h"
#include "common/db/database.h"
#include "common/db/migrations.h"
#include "common/db/mysql_pool.h"
#include "common/feed/feed_consumer.h"
#include "common/rpc/async_methods.h"
#include "common/rpc/dependency_budget.h"
#include "common/rpc/grpc_server.h"

namespace crm {
namespace {

MySqlOptions ReadMySqlOptions(Config& config, const std::string& service) {
  MySqlOptions o;
  const std::string schema = "crm_" + service;
  o.host = config.GetString("db-host", "127.0.0.1", "MySQL/MariaDB host");
  o.port = static_cast<int>(config.GetInt("db-port", 3306, "MySQL/MariaDB port"));
  o.socket = config.GetString(
      "db-socket", "", "MySQL/MariaDB Unix socket path (when set, db-host and db-port are unused)");
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
  o.statement_cache_size = static_cast<int>(
      config.GetInt("db-statement-cache", o.statement_cache_size,
                    "prepared statements kept per connection (least recently used closed first)"));
  return o;
}

// The pool's figures at every scrape, while the pool lives.
std::shared_ptr<void> ExportPoolMetrics(const MySqlPool& pool) {
  return metrics::Registry::Global().AddCollector([&pool](metrics::Exposition& out) {
    const MySqlPoolStats s = pool.Stats();
    out.Gauge("crm_db_pool_size", "Connections the MySQL pool may hold.", s.size);
    out.Gauge("crm_db_pool_in_use", "Connections checked out of the pool now.", s.in_use);
    out.Counter("crm_db_pool_waits_total", "Checkouts that waited for a free connection.",
                static_cast<double>(s.waits));
    out.Counter("crm_db_pool_wait_seconds_total", "Time checkouts spent waiting, in seconds.",
                static_cast<double>(s.wait_micros) / 1e6);
    out.Counter("crm_db_pool_timeouts_total", "Checkouts that gave up waiting.",
                static_cast<double>(s.timeouts));
    out.Counter("crm_db_pool_connections_replaced_total",
                "Broken or stale connections closed and opened again.",
                static_cast<double>(s.replaced));
    out.Counter("crm_db_pool_connect_failures_total", "Attempts to connect that failed.",
                static_cast<double>(s.connect_failures));
  });
}

// crm_schema_migration_version{track}: the newest migration applied per track
// ("common" and the service's own), once they all are.
void ExportMigrationVersions(const std::vector<MigrationFile>& applied) {
  for (const MigrationFile& file : applied) {
    absl::StatusOr<Migration> migration = ParseMigration(file);
    if (!migration.ok()) continue;
    metrics::Gauge& version = metrics::Registry::Global().GetGauge(
        "crm_schema_migration_version", "The newest schema migration applied, per track.",
        {{"track", file.track}});
    if (migration->version > version.value()) version.Set(migration->version);
  }
}

}  // namespace

int RunBackend(int argc, char** argv, const BackendSpec& spec) {
  InitServerProcess(spec.name);
  Config config(argc, argv);
  // Each thread runs one handler at a time and blocks on the database while it
  // does: the pool keeps more connections than threads for calls that hold
  // one longer (streams).
  ServerOptions server_options = ReadServerOptions(config, spec.default_port, 4);
  // All threads but one may wait on other services at once; that one keeps
  // serving whatever needs none of them when one hangs (dependency_budget.h).
  DependencyBudget::SetLimit(server_options.threads - 1);
  MySqlOptions db_options = ReadMySqlOptions(config, spec.name);
  const auto readiness_interval = std::chrono::milliseconds(
      config.GetInt("readiness-interval-ms", 2000,
                    "how often the database is checked (and, until done, the migrations retried)"));
  const auto startup_timeout = std::chrono::seconds(config.GetInt(
      "db-startup-timeout-s", 600,
      "give up and exit when the schema is not ready this long after start (0: wait forever)"));
  const std::string log_level = config.GetString("log-level", "info", "debug, info, warn or error");
  const std::string identity_secret = config.GetString(
      "identity-key", "", "secret (32+ characters) verifying the identity the gateway signs");
  const std::string identity_also_accepted = config.GetString(
      "identity-key-also-accepted", "",
      "during a rotation: a second identity key whose signatures are accepted too");

  std::vector<MigrationFile> migrations = CommonMigrations();
  for (MigrationFile& f : spec.migrations()) migrations.push_back(std::move(f));

  const std::string program = "crm-" + spec.name;
  absl::StatusOr<IdentityKey> identity_key =
      IdentityKey::FromSecret(identity_secret, identity_also_accepted);
  const IdentityKey key = identity_key.ok() ? *identity_key : IdentityKey();
  // Migrations may rewrite large tables (an ALTER, a backfill): their own
  // connection waits longer for an answer than a call's does.
  MySqlOptions migration_options = db_options;
  migration_options.pool_size = 1;
  migration_options.read_timeout_s = static_cast<int>(config.GetInt(
      "db-migration-timeout-s", 3600, "per-read network timeout while applying migrations"));
  MySqlPool pool(db_options);
  const std::shared_ptr<void> pool_metrics = ExportPoolMetrics(pool);
  Database db(pool);
  // Tests of a running process set its business clock through a file.
  const std::string clock_file = config.GetString(
      "test-clock-file", "",
      "tests only: read the business clock (created times, SLA, overdue) from this file of Unix "
      "seconds; empty: the system clock");
  std::unique_ptr<FileClock> file_clock;
  if (!clock_file.empty()) file_clock = std::make_unique<FileClock>(clock_file);
  const Clock& clock = file_clock ? static_cast<const Clock&>(*file_clock) : Clock::System();
  // Handlers on threads of their own, as many as the queues (handler_pool.h).
  const int handler_threads = static_cast<int>(
      config.GetInt("handler-threads", server_options.threads,
                    "threads unary handlers run on (0: on the completion-queue threads, where a "
                    "blocked handler holds up the calls matched to its queue)"));
  AsyncMethods methods(key, clock, handler_threads);
  // What make_services creates beyond the services. Destroyed after the
  // services: the workers first, then the resources, each newest first, since
  // a later one may use an earlier one (the grade policy's thread calls the
  // org client) and std::vector destroys its elements oldest first.
  struct NewestFirst {
    std::vector<std::shared_ptr<void>> resources;
    std::vector<std::unique_ptr<BackgroundWorker>> workers;
    ~NewestFirst() {
      while (!workers.empty()) workers.pop_back();
      while (!resources.empty()) resources.pop_back();
    }
  } owned;
  std::vector<std::shared_ptr<void>>& resources = owned.resources;
  std::vector<std::unique_ptr<BackgroundWorker>>& workers = owned.workers;
  BackendContext context{spec.name, config, db, methods, key, clock, workers, resources};
  absl::StatusOr<std::vector<BackendService>> services = spec.make_services(context);

  if (std::optional<int> exit_code = FinishConfiguration(config, program, log_level)) {
    return *exit_code;
  }
  if (!identity_key.ok()) {
    return StartupFailed("bad configuration (see --help)",
                         absl::InvalidArgumentError(absl::StrCat(
                             "identity-key (CRM_IDENTITY_KEY): ", identity_key.status().message())),
                         kExitBadConfiguration);
  }
  if (!services.ok()) {
    return StartupFailed("bad configuration (see --help)", services.status(),
                         kExitBadConfiguration);
  }
  if (absl::Status wired = methods.CheckComplete(); !wired.ok()) {
    return StartupFailed("the service's methods are not all wired", wired);
  }
  log::Info("starting",
            {{"database", db_options.database},
             {"threads", server_options.threads},
             {"db_host", db_options.socket.empty() ? db_options.host : db_options.socket},
             {"db_port", db_options.port},
             {"pool_size", db_options.pool_size}});

  // Serving starts at once, not ready: liveness answers while the database
  // comes up (Kubernetes starts both together) and the schema is migrated.
  GrpcServer server(server_options);
  for (BackendService& s : *services) server.AddService(s.service.get(), s.name);
  server.OnQueueReady([&methods](grpc::ServerCompletionQueue* cq) { methods.Prime(cq); });
  server.health().SetReady(false);
  methods.SetReady(false);
  if (absl::Status status = server.Start(); !status.ok()) {
    return StartupFailed("cannot serve", status);
  }
  BackendReadiness::Steps steps;
  steps.prepare = [&]() -> absl::Status {
    MySqlPool migration_pool(migration_options);  // closed once the schema is ready
    absl::StatusOr<MigrationReport> report = ApplyMigrations(migration_pool, migrations);
    if (!report.ok()) return report.status();
    log::Info("schema ready", {{"applied", report->applied},
                               {"already_applied", report->already_applied},
                               {"latest", report->latest}});
    ExportMigrationVersions(migrations);
    if (spec.after_migrations) {
      if (absl::Status status = spec.after_migrations(); !status.ok()) return status;
    }
    for (auto& worker : workers) worker->Start();
    return absl::OkStatus();
  };
  steps.check = [&db]() -> absl::Status {
    return db.Run("readiness", std::chrono::steady_clock::now() + std::chrono::seconds(5),
                  [](MySqlConnection& c) -> absl::Status {
                    c.Execute("DO 1");
                    return absl::OkStatus();
                  });
  };
  steps.on_change = [&server, &methods](bool ready) {
    methods.SetReady(ready);
    server.health().SetReady(ready);
  };
  steps.give_up = [&server, startup_timeout](const absl::Status& last_error) {
    StartupFailed(absl::StrCat("the schema was not ready ",
                               absl::FormatDuration(absl::FromChrono(startup_timeout)),
                               " after start (db-startup-timeout-s)"),
                  last_error);
    server.StopForError(kExitCannotStart);
  };
  BackendReadiness readiness(std::move(steps), readiness_interval, startup_timeout);
  readiness.Start();
  return server.ServeUntilShutdownSignal();
}

}  // namespace crm
