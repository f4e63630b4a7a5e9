// SQL for marketing campaigns (R15), their target customers and the results
// attributed to them, under row-level visibility (a campaign is owned by the
// employee who made it, in that employee's department).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/db/keyset_page.h"
#include "common/rpc/call_context.h"
#include "crm/sales/v1/campaign.pb.h"

namespace crm {
class Database;
}

namespace crm::sales {

class CampaignRepository {
 public:
  explicit CampaignRepository(Database& db) : db_(db) {}

  // `campaign` validated, its targets checked.
  absl::StatusOr<v1::Campaign> Create(const CallContext& call, const v1::Campaign& campaign,
                                      const std::string& request_id);
  absl::StatusOr<v1::Campaign> Get(const CallContext& call, int64_t id);
  // Locks the campaign, checks `etag`, applies `change`, writes it back (its
  // targets too when they changed).
  absl::StatusOr<v1::Campaign> Update(const CallContext& call, int64_t id, const std::string& etag,
                                      const std::function<absl::Status(v1::Campaign&)>& change);
  absl::StatusOr<Page<v1::Campaign>> List(const CallContext& call, v1::CampaignStatus status,
                                          int page_size, std::optional<int64_t> before_id);
  // NOT_FOUND naming `field` unless campaign `id` exists (whoever owns it:
  // anyone may attribute a sale to a campaign). Campaigns are never
  // deleted, so the answer stays true.
  absl::Status CheckExists(const CallContext& call, int64_t id, const std::string& field);
  // The campaign's results over the opportunities and orders the caller can
  // see (campaign.proto).
  absl::StatusOr<v1::CampaignResults> Results(const CallContext& call, int64_t id);

 private:
  Database& db_;
};

}  // namespace crm::sales
