// The shared main() of every database-backed service.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/db/migration_file.h"

namespace grpc {
class Service;
}

namespace crm {

class AsyncMethods;
class Clock;
class Config;
class Database;
class BackgroundWorker;
class IdentityKey;

// What a service's wiring gets to build its handlers with.
struct BackendContext {
  const std::string& name;  // the service's name ("customer"), as BackendSpec gave it
  Config& config;           // read service-specific settings here
  Database& db;
  AsyncMethods& methods;  // register every method's handler here
  const IdentityKey& identity_key;
  // The wall clock handlers and background work read (base/clock.h).
  const Clock& clock;
  // Background work (feeds of other services to follow, ...); started once
  // the schema is ready, stopped before the database closes.
  std::vector<std::unique_ptr<BackgroundWorker>>& workers;
  // Objects the services use that must outlive them (clients, caches);
  // destroyed newest first, so one may use any pushed before it.
  std::vector<std::shared_ptr<void>>& resources;
};

struct BackendService {
  std::unique_ptr<grpc::Service> service;  // a generated AsyncService
  std::string name;                        // e.g. crm.customer.v1.CustomerService
};

struct BackendSpec {
  // "customer": schema and user default to crm_customer, migrations track "customer".
  std::string name;
  int default_port = 0;
  std::vector<MigrationFile> (*migrations)() = nullptr;
  // Builds the services; reads its own settings from context.config (an error
  // there, e.g. a missing secret, stops the start-up).
  std::function<absl::StatusOr<std::vector<BackendService>>(BackendContext&)> make_services;
  // Runs once the schema is ready, before serving (e.g. first-start data).
  std::function<absl::Status()> after_migrations;
};

// Reads configuration, opens the pool, applies the common and the service's
// migrations (waiting for the database to come up), serves until SIGTERM, then
// drains. Returns the process exit code.
int RunBackend(int argc, char** argv, const BackendSpec& spec);

}  // namespace crm
