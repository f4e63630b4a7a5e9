// AnnouncementHandlers.
#include "services/org/announcement_handlers.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth/permissions.h"
#include "common/base/status_util.h"
#include "common/db/record_helpers.h"
#include "common/rpc/page_token.h"
#include "common/text/text_checks.h"
#include "crm/common/v1/changes.pb.h"
#include "services/org/announcement_repository.h"

namespace crm::org {
namespace {

using v1::Announcement;

constexpr int kDefaultPageSize = 20;
constexpr int kMaxPageSize = 200;
constexpr int kDefaultChangesPageSize = 100;
constexpr int kMaxChangesPageSize = 1000;
constexpr size_t kMaxTitleChars = 200;
constexpr size_t kMaxBodyChars = 20000;
// More departments than any company has; bounds the work of one request.
constexpr int kMaxAudienceDepartments = 200;
// The last second a DATETIME column holds (9999-12-31 23:59:59 UTC).
constexpr int64_t kMaxExpireSeconds = 253402300799;

constexpr char kAudienceField[] = "announcement.audience_department_ids";

absl::Status CheckId(int64_t id, const char* field) {
  return id > 0 ? absl::OkStatus() : InvalidField(field, "must be a positive id");
}

// Title, body and audience, checked as a whole record (a publication, or an
// announcement after an edit). Trims the title; sorts and de-duplicates the
// audience, so a repeated id is harmless and audiences compare as lists.
void CheckContent(FieldViolations& v, Announcement& a) {
  a.set_title(TrimText(a.title()));
  CheckText(v, "announcement.title", a.title(), kMaxTitleChars, Presence::kRequired);
  // The body keeps its layout (leading indentation, trailing lines); only a
  // blank one counts as missing.
  if (TrimText(a.body()).empty()) {
    v.Add("announcement.body", "is required");
  } else {
    CheckText(v, "announcement.body", a.body(), kMaxBodyChars, Presence::kRequired,
              /*multiline=*/true);
  }
  std::vector<int64_t> ids(a.audience_department_ids().begin(), a.audience_department_ids().end());
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  a.mutable_audience_department_ids()->Clear();
  a.mutable_audience_department_ids()->Add(ids.begin(), ids.end());
  if (!ids.empty() && ids.front() <= 0) {
    v.Add(kAudienceField, "must hold positive department ids");
  } else if (static_cast<int>(ids.size()) > kMaxAudienceDepartments) {
    v.Add(kAudienceField, absl::StrCat("must hold at most ", kMaxAudienceDepartments, " ids"));
  } else if (a.audience_everyone() && !ids.empty()) {
    v.Add(kAudienceField, "must be empty when audience_everyone is set");
  } else if (!a.audience_everyone() && ids.empty()) {
    v.Add(kAudienceField, "is required unless audience_everyone is set");
  }
}

void CheckExpiry(FieldViolations& v, const Announcement& a, absl::Time now) {
  if (!a.has_expire_time()) return;
  const auto& t = a.expire_time();
  if (t.nanos() < 0 || t.nanos() > 999999999 || t.seconds() > kMaxExpireSeconds) {
    v.Add("announcement.expire_time", "is not a valid time");
  } else if (FromTimestamp(t) <= now) {
    v.Add("announcement.expire_time", "must be in the future");
  }
}

// The author, and whoever manages announcements (management, administrators).
absl::Status CheckMayEdit(const Caller& caller, const Announcement& a) {
  static const RoleSet kManagers = RolesWithPermission("announcement.manage");
  const bool author = caller.user_id != 0 && a.author_user_id() == caller.user_id;
  if (author || (caller.roles & kManagers) != 0) return absl::OkStatus();
  return absl::PermissionDeniedError(
      "only the author or a manager of announcements may change this announcement");
}

// The fields an update names.
struct AnnouncementMask {
  bool title = false;
  bool body = false;
  bool pinned = false;
  bool expire_time = false;
  bool audience_everyone = false;
  bool audience_department_ids = false;

  bool any() const {
    return title || body || pinned || expire_time || audience_everyone || audience_department_ids;
  }
};

v1::AnnouncementChangeType ChangeTypeOf(common::v1::ChangeOperation operation) {
  switch (operation) {
    case common::v1::CHANGE_OPERATION_CREATE:
      return v1::ANNOUNCEMENT_CHANGE_TYPE_PUBLISHED;
    case common::v1::CHANGE_OPERATION_UPDATE:
      return v1::ANNOUNCEMENT_CHANGE_TYPE_EDITED;
    case common::v1::CHANGE_OPERATION_DELETE:
      return v1::ANNOUNCEMENT_CHANGE_TYPE_WITHDRAWN;
    default:
      return v1::ANNOUNCEMENT_CHANGE_TYPE_UNSPECIFIED;
  }
}

}  // namespace

absl::Status AnnouncementHandlers::PublishAnnouncement(
    const CallContext& call, const v1::PublishAnnouncementRequest& request,
    Announcement* response) {
  // Only what a publisher sets; id, author, status and times are the server's.
  const Announcement& in = request.announcement();
  Announcement a;
  a.set_title(in.title());
  a.set_body(in.body());
  a.set_pinned(in.pinned());
  if (in.has_expire_time()) *a.mutable_expire_time() = in.expire_time();
  a.set_audience_everyone(in.audience_everyone());
  *a.mutable_audience_department_ids() = in.audience_department_ids();
  FieldViolations v;
  CheckContent(v, a);
  CheckExpiry(v, a, absl::Now());
  CheckText(v, "request_id", request.request_id(), 64, Presence::kOptional);
  CRM_RETURN_IF_ERROR(v.ToStatus());
  CRM_ASSIGN_OR_RETURN(*response, repository_.Publish(call, a, request.request_id()));
  return absl::OkStatus();
}

absl::Status AnnouncementHandlers::UpdateAnnouncement(const CallContext& call,
                                                      const v1::UpdateAnnouncementRequest& request,
                                                      Announcement* response) {
  const Announcement& patch = request.announcement();
  CRM_RETURN_IF_ERROR(CheckId(patch.id(), "announcement.id"));
  AnnouncementMask mask;
  FieldViolations v;
  for (const std::string& path : request.update_mask().paths()) {
    if (path == "title") {
      mask.title = true;
    } else if (path == "body") {
      mask.body = true;
    } else if (path == "pinned") {
      mask.pinned = true;
    } else if (path == "expire_time") {
      mask.expire_time = true;
    } else if (path == "audience_everyone") {
      mask.audience_everyone = true;
    } else if (path == "audience_department_ids") {
      mask.audience_department_ids = true;
    } else {
      v.Add("update_mask", absl::StrCat("field '", path,
                                        "' cannot be updated (use WithdrawAnnouncement to "
                                        "withdraw)"));
    }
  }
  if (request.update_mask().paths().empty()) {
    mask.title = !patch.title().empty();
    mask.body = !patch.body().empty();
    mask.pinned = patch.pinned();
    mask.expire_time = patch.has_expire_time();
    mask.audience_everyone = patch.audience_everyone();
    mask.audience_department_ids = !patch.audience_department_ids().empty();
  }
  if (v.empty() && !mask.any()) v.Add("update_mask", "names no field to update");
  CRM_RETURN_IF_ERROR(v.ToStatus());
  const absl::Time now = absl::Now();
  auto may_edit = [&call](const Announcement& a) { return CheckMayEdit(call.caller, a); };
  auto change = [&](Announcement& a) -> absl::Status {
    if (mask.title) a.set_title(patch.title());
    if (mask.body) a.set_body(patch.body());
    if (mask.pinned) a.set_pinned(patch.pinned());
    if (mask.expire_time) {
      if (patch.has_expire_time()) {
        *a.mutable_expire_time() = patch.expire_time();
      } else {
        a.clear_expire_time();  // never expires
      }
    }
    if (mask.audience_everyone) {
      a.set_audience_everyone(patch.audience_everyone());
      // Widening to everyone drops the departments unless they are set too.
      if (patch.audience_everyone() && !mask.audience_department_ids) {
        a.clear_audience_department_ids();
      }
    }
    if (mask.audience_department_ids) {
      *a.mutable_audience_department_ids() = patch.audience_department_ids();
    }
    FieldViolations checks;
    CheckContent(checks, a);
    // An announcement that expired may still get its text fixed; only a new
    // expiry must lie ahead.
    if (mask.expire_time) CheckExpiry(checks, a, now);
    return checks.ToStatus();
  };
  CRM_ASSIGN_OR_RETURN(*response,
                       repository_.Update(call, patch.id(), patch.etag(), may_edit, change));
  return absl::OkStatus();
}

absl::Status AnnouncementHandlers::WithdrawAnnouncement(
    const CallContext& call, const v1::WithdrawAnnouncementRequest& request,
    Announcement* response) {
  CRM_RETURN_IF_ERROR(CheckId(request.id(), "id"));
  auto may_edit = [&call](const Announcement& a) { return CheckMayEdit(call.caller, a); };
  CRM_ASSIGN_OR_RETURN(*response,
                       repository_.Withdraw(call, request.id(), request.etag(), may_edit));
  return absl::OkStatus();
}

absl::Status AnnouncementHandlers::GetAnnouncement(const CallContext& call,
                                                   const v1::GetAnnouncementRequest& request,
                                                   Announcement* response) {
  CRM_RETURN_IF_ERROR(CheckId(request.id(), "id"));
  CRM_ASSIGN_OR_RETURN(*response, repository_.Get(call, request.id()));
  return absl::OkStatus();
}

absl::Status AnnouncementHandlers::ListAnnouncements(const CallContext& call,
                                                     const v1::ListAnnouncementsRequest& request,
                                                     v1::ListAnnouncementsResponse* response) {
  if (request.page_size() < 0) return InvalidField("page_size", "must not be negative");
  AnnouncementQuery query;
  query.include_expired = request.include_expired();
  query.page_size =
      request.page_size() == 0 ? kDefaultPageSize : std::min(request.page_size(), kMaxPageSize);
  query.now = absl::Now();
  const uint64_t fingerprint =
      FilterFingerprint({"announcements", query.include_expired ? "1" : "0"});
  CRM_ASSIGN_OR_RETURN(std::vector<std::string> position,
                       DecodePageToken(request.page_token(), fingerprint));
  if (!position.empty()) {
    int64_t published_micros = 0;
    if (position.size() != 3 || (position[0] != "0" && position[0] != "1") ||
        !absl::SimpleAtoi(position[1], &published_micros) ||
        !absl::SimpleAtoi(position[2], &query.after.id)) {
      return InvalidField("page_token", "is malformed");
    }
    query.has_after = true;
    query.after.pinned = position[0] == "1";
    query.after.published_at = absl::FromUnixMicros(published_micros);
  }
  CRM_ASSIGN_OR_RETURN(AnnouncementPage page, repository_.List(call, query));
  for (Announcement& a : page.announcements) *response->add_announcements() = std::move(a);
  response->set_total_size(page.total_size);
  if (page.has_more) {
    const Announcement& last = response->announcements(response->announcements_size() - 1);
    response->set_next_page_token(
        EncodePageToken({last.pinned() ? "1" : "0",
                         absl::StrCat(absl::ToUnixMicros(FromTimestamp(last.publish_time()))),
                         absl::StrCat(last.id())},
                        fingerprint));
  }
  return absl::OkStatus();
}

absl::Status AnnouncementHandlers::ListAnnouncementChanges(
    const CallContext& call, const v1::ListAnnouncementChangesRequest& request,
    v1::ListAnnouncementChangesResponse* response) {
  FieldViolations v;
  if (request.after_cursor() < 0) v.Add("after_cursor", "must not be negative");
  if (request.page_size() < 0) v.Add("page_size", "must not be negative");
  CRM_RETURN_IF_ERROR(v.ToStatus());
  common::v1::ListChangesRequest changes_request;
  changes_request.set_after_sequence(request.after_cursor());
  changes_request.set_page_size(request.page_size() == 0
                                    ? kDefaultChangesPageSize
                                    : std::min(request.page_size(), kMaxChangesPageSize));
  common::v1::ListChangesResponse changes;
  CRM_RETURN_IF_ERROR(repository_.ListChanges(call, changes_request, &changes));
  for (const common::v1::Change& change : changes.changes()) {
    v1::AnnouncementChange* out = response->add_changes();
    out->set_cursor(change.sequence());
    out->set_type(ChangeTypeOf(change.operation()));
    if (!change.state().UnpackTo(out->mutable_announcement())) {
      return absl::InternalError(
          absl::StrCat("change ", change.sequence(), " does not hold an announcement"));
    }
    *out->mutable_change_time() = change.change_time();
  }
  response->set_last_cursor(changes.last_sequence());
  response->set_has_more(changes.has_more());
  return absl::OkStatus();
}

}  // namespace crm::org
