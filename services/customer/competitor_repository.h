// SQL for competitors (R6): a shared table, not owned, visible to everyone
// holding the method's permission.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/db/keyset_page.h"
#include "common/rpc/call_context.h"
#include "crm/customer/v1/competitor.pb.h"

namespace crm {
class Database;
}

namespace crm::customer {

// Where a list page starts: after this competitor in (name, id) order.
struct CompetitorPosition {
  std::string name;
  int64_t id = 0;
};

using CompetitorPage = Page<v1::Competitor>;

// Every write appends its change row in the same transaction.
class CompetitorRepository {
 public:
  explicit CompetitorRepository(Database& db) : db_(db) {}

  // Inserts `competitor` (prepared and validated). Another one with the same
  // name (as the column's collation compares) is ALREADY_EXISTS. With a
  // request id, a second call by the same caller returns the first result.
  absl::StatusOr<v1::Competitor> Create(const CallContext& call, const v1::Competitor& competitor,
                                        const std::string& request_id);

  absl::StatusOr<v1::Competitor> Get(const CallContext& call, int64_t id);

  // Locks the competitor, checks `etag` (when not empty), lets `change` edit
  // it (it returns an error to abort), and writes it back.
  absl::StatusOr<v1::Competitor> Update(const CallContext& call, int64_t id,
                                        const std::string& etag,
                                        const std::function<absl::Status(v1::Competitor&)>& change);

  // Competitors whose name, products, strengths or weaknesses contain
  // `query` ("" for all), by name.
  absl::StatusOr<CompetitorPage> List(const CallContext& call, const std::string& query,
                                      int page_size,
                                      const std::optional<CompetitorPosition>& after);

 private:
  Database& db_;
};

}  // namespace crm::customer
