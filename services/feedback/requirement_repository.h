// SQL for the requirement library (R19): requirements and the customers'
// requests linked to them.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/db/keyset_page.h"
#include "common/rpc/call_context.h"
#include "crm/feedback/v1/requirement.pb.h"

namespace crm {
class Database;
}  // namespace crm

namespace crm::feedback {

class RequirementRepository {
 public:
  explicit RequirementRepository(Database& db) : db_(db) {}

  absl::StatusOr<v1::Requirement> Create(const CallContext& call,
                                         const v1::Requirement& requirement,
                                         const std::string& request_id);
  absl::StatusOr<v1::Requirement> Get(const CallContext& call, int64_t id);
  absl::StatusOr<v1::Requirement> Update(
      const CallContext& call, int64_t id, const std::string& etag,
      const std::function<absl::Status(v1::Requirement&)>& change);
  absl::StatusOr<Page<v1::Requirement>> List(const CallContext& call, v1::RequirementStatus status,
                                             int page_size, std::optional<int64_t> before_id);
  // `request` validated and its customer checked; the requirement's count
  // moves on in the same transaction (NOT_FOUND when it does not exist).
  absl::StatusOr<v1::RequirementRequest> Link(const CallContext& call,
                                              const v1::RequirementRequest& request,
                                              const std::string& request_id);
  // The requests linked to requirement `id`, oldest first.
  absl::StatusOr<std::vector<v1::RequirementRequest>> Requests(const CallContext& call, int64_t id);
  // The daily review of `day`: what was created or changed from the start of
  // the working day before it (the company's calendar in `zone`), newest
  // change first.
  struct Review {
    absl::CivilDay since;
    std::vector<v1::Requirement> requirements;
  };
  absl::StatusOr<Review> ReviewOf(const CallContext& call, absl::CivilDay day, absl::TimeZone zone);

 private:
  Database& db_;
};

}  // namespace crm::feedback
