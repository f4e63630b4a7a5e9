// The methods every CRM service serves from its own change_log: ListChanges
// (the feed) and ListAuditEvents (the audit trail).
#pragma once

#include "common/async_methods.h"
#include "common/backend_main.h"
#include "common/change_log.h"
#include "crm/common/v1/audit.pb.h"
#include "crm/common/v1/changes.pb.h"

namespace crm {

class Database;

// Registers `service`'s ListChanges and ListAuditEvents (its generated
// RequestListChanges and RequestListAuditEvents members).
template <typename Service>
void AddChangeLogMethods(ServiceMethods& methods, Service* service, Database& db) {
  methods.AddUnary(
      service, &Service::RequestListChanges, "ListChanges",
      [&db](const CallContext& call, const common::v1::ListChangesRequest& in,
            common::v1::ListChangesResponse* out) { return ListChanges(db, call, in, out); });
  methods.AddUnary(service, &Service::RequestListAuditEvents, "ListAuditEvents",
                   [&db](const CallContext& call, const common::v1::ListAuditEventsRequest& in,
                         common::v1::ListAuditEventsResponse* out) {
                     return ListAuditEvents(db, call, in, out);
                   });
}

// A service that so far serves only its change log.
template <typename Generated>
class ChangeLogOnlyService : public Generated::AsyncService {
 public:
  ChangeLogOnlyService(Database& db, AsyncMethods& methods) {
    ServiceMethods registrar = methods.ForService(Generated::service_full_name());
    AddChangeLogMethods(registrar, this, db);
  }
};

// The BackendSpec of a service that so far serves only its change log.
template <typename Generated>
BackendSpec ChangeLogOnlySpec(std::string name, int default_port,
                              std::vector<MigrationFile> (*migrations)()) {
  BackendSpec spec;
  spec.name = std::move(name);
  spec.default_port = default_port;
  spec.migrations = migrations;
  spec.make_services = [](BackendContext& context) -> absl::StatusOr<std::vector<BackendService>> {
    std::vector<BackendService> services;
    services.push_back(
        {std::make_unique<ChangeLogOnlyService<Generated>>(context.db, context.methods),
         Generated::service_full_name()});
    return services;
  };
  return spec;
}

}  // namespace crm
