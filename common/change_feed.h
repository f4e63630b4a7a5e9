// The ListChanges method every CRM service serves from its own change_log.
#pragma once

#include "common/async_methods.h"
#include "common/backend_main.h"
#include "common/change_log.h"
#include "crm/common/v1/changes.pb.h"

namespace crm {

class Database;

// Registers `service`'s ListChanges (its generated RequestListChanges member).
template <typename Service, typename Base>
void AddChangeFeed(
    AsyncMethods& methods, Service* service,
    AsyncUnaryRequest<Base, common::v1::ListChangesRequest, common::v1::ListChangesResponse>
        request,
    Database& db) {
  methods.AddUnary(
      service, request, "ListChanges",
      [&db](const CallContext& call, const common::v1::ListChangesRequest& in,
            common::v1::ListChangesResponse* out) { return ListChanges(db, call, in, out); });
}

// A service that so far serves only its change feed.
template <typename GeneratedAsyncService>
class ChangeFeedOnlyService : public GeneratedAsyncService {
 public:
  ChangeFeedOnlyService(Database& db, AsyncMethods& methods) {
    AddChangeFeed(methods, this, &GeneratedAsyncService::RequestListChanges, db);
  }
};

// The BackendSpec of a service that so far serves only its change feed.
template <typename Generated>
BackendSpec ChangeFeedOnlySpec(std::string name, int default_port,
                               std::vector<MigrationFile> (*migrations)()) {
  BackendSpec spec;
  spec.name = std::move(name);
  spec.default_port = default_port;
  spec.migrations = migrations;
  spec.make_services = [](BackendContext& context) {
    std::vector<BackendService> services;
    services.push_back({std::make_unique<ChangeFeedOnlyService<typename Generated::AsyncService>>(
                            context.db, context.methods),
                        Generated::service_full_name()});
    return services;
  };
  return spec;
}

}  // namespace crm
