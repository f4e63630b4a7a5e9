// SQL for positions (crm_org.positions): job titles employees hold. A deleted
// position keeps its row (deleted_at) so old change rows still name it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/rpc/call_context.h"
#include "crm/org/v1/structure.pb.h"

namespace crm {
class Database;
class MySqlConnection;
}  // namespace crm

namespace crm::org {

// The position with `id`, locked when `for_update`; null when there is none
// or it is deleted. Throws sql::SQLException.
std::unique_ptr<v1::Position> LoadPosition(MySqlConnection& connection, int64_t id,
                                           bool for_update);

// Every write appends its change row in the same transaction.
class PositionRepository {
 public:
  explicit PositionRepository(Database& db) : db_(db) {}

  absl::StatusOr<v1::Position> Create(const CallContext& call, const v1::Position& position,
                                      const std::string& request_id);
  // Locks the position, checks `etag`, lets `change` edit it (an error
  // aborts) and writes it back when it changed.
  absl::StatusOr<v1::Position> Update(const CallContext& call, int64_t id, const std::string& etag,
                                      const std::function<absl::Status(v1::Position&)>& change);
  // FAILED_PRECONDITION while active employees hold the position.
  absl::Status Delete(const CallContext& call, int64_t id, const std::string& etag);
  // Every position not deleted, by id (not paged: a company has few).
  absl::StatusOr<std::vector<v1::Position>> List(const CallContext& call);

 private:
  Database& db_;
};

}  // namespace crm::org
