// The methods every CRM service serves from its own change_log: ListChanges
// (the feed) and ListAuditEvents (the audit trail).
#pragma once

#include "common/feed/change_log.h"
#include "common/rpc/service_methods.h"
#include "crm/common/v1/audit.pb.h"
#include "crm/common/v1/changes.pb.h"

namespace crm {

class Database;

// The handlers of ListChanges and ListAuditEvents over one service's schema.
class ChangeLogHandlers {
 public:
  explicit ChangeLogHandlers(Database& db) : db_(db) {}

  absl::Status ListChanges(const CallContext& call, const common::v1::ListChangesRequest& request,
                           common::v1::ListChangesResponse* response) {
    return crm::ListChanges(db_, call, request, response);
  }
  absl::Status ListAuditEvents(const CallContext& call,
                               const common::v1::ListAuditEventsRequest& request,
                               common::v1::ListAuditEventsResponse* response) {
    return crm::ListAuditEvents(db_, call, request, response);
  }

 private:
  Database& db_;
};

// Registers the service's ListChanges and ListAuditEvents.
template <typename Service>
void AddChangeLogMethods(ServiceMethods<Service>& m, ChangeLogHandlers* handlers) {
  CRM_METHOD(m, ListChanges, handlers);
  CRM_METHOD(m, ListAuditEvents, handlers);
}

}  // namespace crm
