// SQL for implementation records (R20), under row-level visibility (owned
// by whoever recorded them).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/db/keyset_page.h"
#include "common/rpc/call_context.h"
#include "crm/feedback/v1/implementation.pb.h"

namespace crm {
class Database;
}  // namespace crm

namespace crm::feedback {

struct ImplementationPosition {
  std::string start_date;
  int64_t id = 0;
};

class ImplementationRepository {
 public:
  explicit ImplementationRepository(Database& db) : db_(db) {}

  absl::StatusOr<v1::ImplementationRecord> Create(const CallContext& call,
                                                  const v1::ImplementationRecord& record,
                                                  const std::string& request_id);
  absl::StatusOr<v1::ImplementationRecord> Get(const CallContext& call, int64_t id);
  absl::StatusOr<v1::ImplementationRecord> Update(
      const CallContext& call, int64_t id, const std::string& etag,
      const std::function<absl::Status(v1::ImplementationRecord&)>& change);
  absl::StatusOr<Page<v1::ImplementationRecord>> List(
      const CallContext& call, int64_t customer_id, const std::string& project, int page_size,
      const std::optional<ImplementationPosition>& after);

 private:
  Database& db_;
};

}  // namespace crm::feedback
