// SQL for system parameters (R30) (crm_org.system_parameters).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/rpc/call_context.h"
#include "crm/org/v1/settings.pb.h"

namespace crm {
class Database;
}  // namespace crm

namespace crm::org {

class SettingsRepository {
 public:
  explicit SettingsRepository(Database& db) : db_(db) {}

  // NOT_FOUND when there is no parameter with this key.
  absl::StatusOr<v1::SystemParameter> Get(const CallContext& call, const std::string& key);
  // Every parameter, ordered by key.
  absl::StatusOr<std::vector<v1::SystemParameter>> List(const CallContext& call);
  // Creates the parameter `wanted.key` (its type is required) or replaces the
  // value and description of the stored one (a type, when given, must equal the
  // stored type: FAILED_PRECONDITION otherwise; a given etag must match:
  // ABORTED otherwise). `check` sees the record as it would be stored, with
  // its type resolved, and may refuse it; nothing is written then. A value
  // and description as stored write nothing. A retried create with the same
  // request id returns the parameter the first call created.
  absl::StatusOr<v1::SystemParameter> Set(
      const CallContext& call, const v1::SystemParameter& wanted,
      const std::function<absl::Status(const v1::SystemParameter&)>& check,
      const std::string& request_id = "");

 private:
  Database& db_;
};

}  // namespace crm::org
