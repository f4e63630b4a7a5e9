// AnnouncementHandlers.
#include "services/org/announcement_handlers.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/auth/permissions.h"
#include "common/base/status_util.h"
#include "common/db/record_helpers.h"
#include "common/rpc/paging.h"
#include "common/rpc/update_mask.h"
#include "common/text/text_checks.h"
#include "crm/common/v1/changes.pb.h"
#include "services/org/announcement_repository.h"

namespace crm::org {
namespace {

using v1::Announcement;

constexpr PageLimits kAnnouncementPages{/*default_size=*/20, /*max_size=*/200};
constexpr PageLimits kChangePages{/*default_size=*/100, /*max_size=*/1000};
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

// What UpdateAnnouncement may change (WithdrawAnnouncement withdraws).
const MaskFields<Announcement>& AnnouncementFields() {
  static const auto* fields = new MaskFields<Announcement>{
      {"title", TextField(&Announcement::title, &Announcement::mutable_title)},
      // The body keeps its layout.
      {"body", VerbatimTextField(&Announcement::body, &Announcement::mutable_body)},
      {"pinned", ScalarField(&Announcement::pinned, &Announcement::set_pinned)},
      // Unset: never expires.
      {"expire_time",
       {[](const Announcement& from, Announcement& to) {
          if (from.has_expire_time()) {
            *to.mutable_expire_time() = from.expire_time();
          } else {
            to.clear_expire_time();
          }
        },
        [](const Announcement& a) { return a.has_expire_time(); }}},
      {"audience_everyone",
       ScalarField(&Announcement::audience_everyone, &Announcement::set_audience_everyone)},
      {"audience_department_ids",
       {[](const Announcement& from, Announcement& to) {
          *to.mutable_audience_department_ids() = from.audience_department_ids();
        },
        [](const Announcement& a) { return a.audience_department_ids_size() > 0; }}},
  };
  return *fields;
}

// Whether applying `mask` to `patch` changes the field at `path` (a valid
// mask: ApplyMask has accepted it).
bool MaskChanges(const google::protobuf::FieldMask& mask, const Announcement& patch,
                 const std::string& path) {
  if (mask.paths_size() == 0) return AnnouncementFields().at(path).is_set(patch);
  for (const std::string& p : mask.paths()) {
    if (p == "*" || p == path) return true;
  }
  return false;
}

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
  CheckExpiry(v, a, call.Now());
  CheckRequestId(v, request.request_id());
  CRM_RETURN_IF_ERROR(v.ToStatus());
  CRM_ASSIGN_OR_RETURN(*response, repository_.Publish(call, a, request.request_id()));
  return absl::OkStatus();
}

absl::Status AnnouncementHandlers::UpdateAnnouncement(const CallContext& call,
                                                      const v1::UpdateAnnouncementRequest& request,
                                                      Announcement* response) {
  const Announcement& patch = request.announcement();
  CRM_RETURN_IF_ERROR(CheckId(patch.id(), "announcement.id"));
  CRM_RETURN_IF_ERROR(RequireEtag(patch.etag(), "announcement.etag"));
  const google::protobuf::FieldMask& mask = request.update_mask();
  Announcement scratch;  // a bad mask is refused before the database is touched
  CRM_RETURN_IF_ERROR(ApplyMask(mask, AnnouncementFields(), patch, scratch));
  const absl::Time now = call.Now();
  auto may_edit = [&call](const Announcement& a) { return CheckMayEdit(call.caller, a); };
  auto change = [&](Announcement& a) -> absl::Status {
    CRM_RETURN_IF_ERROR(ApplyMask(mask, AnnouncementFields(), patch, a));
    // Widening to everyone drops the departments unless they are set too.
    if (MaskChanges(mask, patch, "audience_everyone") && patch.audience_everyone() &&
        !MaskChanges(mask, patch, "audience_department_ids")) {
      a.clear_audience_department_ids();
    }
    FieldViolations checks;
    CheckContent(checks, a);
    // An announcement that expired may still get its text fixed; only a new
    // expiry must lie ahead.
    if (MaskChanges(mask, patch, "expire_time")) CheckExpiry(checks, a, now);
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
  AnnouncementFilter filter;
  filter.include_expired = request.include_expired();
  CRM_ASSIGN_OR_RETURN(
      PageRequest page,
      PageRequest::Parse(request, {"announcements", filter.include_expired ? "1" : "0"},
                         kAnnouncementPages));
  // The sort key: pinned ("1"/"0"), published (Unix micros), id.
  CRM_ASSIGN_OR_RETURN(auto key, (page.After<std::string, int64_t, int64_t>()));
  std::optional<AnnouncementKey> after;
  if (key) {
    const std::string& pinned = std::get<0>(*key);
    if (pinned != "0" && pinned != "1") return InvalidField("page_token", "is malformed");
    after =
        AnnouncementKey{pinned == "1", absl::FromUnixMicros(std::get<1>(*key)), std::get<2>(*key)};
  }
  CRM_ASSIGN_OR_RETURN(AnnouncementPage listed, repository_.List(call, filter, page.size(), after));
  for (Announcement& a : listed.rows) *response->add_announcements() = std::move(a);
  response->set_total_size(listed.total_size);
  if (listed.has_more) {
    const Announcement& last = response->announcements(response->announcements_size() - 1);
    response->set_next_page_token(page.NextToken(
        listed.has_more, {last.pinned() ? "1" : "0",
                          absl::StrCat(absl::ToUnixMicros(FromTimestamp(last.publish_time()))),
                          absl::StrCat(last.id())}));
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
                                    ? kChangePages.default_size
                                    : std::min(request.page_size(), kChangePages.max_size));
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
