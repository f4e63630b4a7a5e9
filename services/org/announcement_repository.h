// SQL for company announcements (R26) and their change feed (crm_org).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/keyset_page.h"
#include "common/rpc/call_context.h"
#include "crm/org/v1/announcement.pb.h"

namespace crm {
class Database;
namespace common::v1 {
class ListChangesRequest;
class ListChangesResponse;
}  // namespace common::v1
}  // namespace crm

namespace crm::org {

// The sort key of a listed announcement: pinned first, then newest published,
// then the highest id.
struct AnnouncementKey {
  bool pinned = false;
  absl::Time published_at;
  int64_t id = 0;
};

struct AnnouncementFilter {
  // Also those whose expiry lies before the call's clock.
  bool include_expired = false;
};

using AnnouncementPage = Page<v1::Announcement>;

// Decides on a loaded announcement whether the caller may change it; a non-OK
// status is returned as is and nothing is written.
using AnnouncementCheck = std::function<absl::Status(const v1::Announcement&)>;

// Every read and write sees only the announcements the caller may see (see
// announcement_handlers.h for the rule); others are NOT_FOUND.
class AnnouncementRepository {
 public:
  explicit AnnouncementRepository(Database& db) : db_(db) {}

  // Publishes `announcement` (title, body, pinned, expire_time, audience) as
  // written by the caller. A repeated request id of the same caller returns
  // the first result. Audience departments must be open.
  absl::StatusOr<v1::Announcement> Publish(const CallContext& call,
                                           const v1::Announcement& announcement,
                                           const std::string& request_id);

  // Checks the etag, runs `may_edit`, refuses a withdrawn announcement, then
  // applies `change` to the locked row and saves it. Departments newly added
  // to the audience must be open.
  absl::StatusOr<v1::Announcement> Update(
      const CallContext& call, int64_t id, const std::string& etag,
      const AnnouncementCheck& may_edit,
      const std::function<absl::Status(v1::Announcement&)>& change);

  absl::StatusOr<v1::Announcement> Withdraw(const CallContext& call, int64_t id,
                                            const std::string& etag,
                                            const AnnouncementCheck& may_edit);

  absl::StatusOr<v1::Announcement> Get(const CallContext& call, int64_t id);

  // Published announcements the caller may see, in AnnouncementKey order,
  // after `after` (nullopt: the first page).
  absl::StatusOr<AnnouncementPage> List(const CallContext& call, const AnnouncementFilter& filter,
                                        int page_size, const std::optional<AnnouncementKey>& after);

  // The change log restricted to announcements, in commit order.
  absl::Status ListChanges(const CallContext& call, const common::v1::ListChangesRequest& request,
                           common::v1::ListChangesResponse* response);

 private:
  Database& db_;
};

}  // namespace crm::org
