// Company announcements (R26) and the OA system's feed of them: validation,
// access rules and mapping around AnnouncementRepository.
//
// Who sees an announcement: its author; callers with an all-records scope
// (administrators, management, read-only auditors); and, while it is
// published, everyone it is addressed to (everyone, or members of an audience
// department or of one below it). Everyone else gets NOT_FOUND. Only the
// author or holders of "announcement.manage" may edit or withdraw it.
#pragma once

#include "absl/status/status.h"
#include "common/rpc/call_context.h"
#include "crm/org/v1/announcement.pb.h"

namespace crm::org {

class AnnouncementRepository;

class AnnouncementHandlers {
 public:
  explicit AnnouncementHandlers(AnnouncementRepository& repository) : repository_(repository) {}

  absl::Status PublishAnnouncement(const CallContext& call,
                                   const v1::PublishAnnouncementRequest& request,
                                   v1::Announcement* response);
  absl::Status UpdateAnnouncement(const CallContext& call,
                                  const v1::UpdateAnnouncementRequest& request,
                                  v1::Announcement* response);
  absl::Status WithdrawAnnouncement(const CallContext& call,
                                    const v1::WithdrawAnnouncementRequest& request,
                                    v1::Announcement* response);
  absl::Status GetAnnouncement(const CallContext& call, const v1::GetAnnouncementRequest& request,
                               v1::Announcement* response);
  absl::Status ListAnnouncements(const CallContext& call,
                                 const v1::ListAnnouncementsRequest& request,
                                 v1::ListAnnouncementsResponse* response);
  // The OA system's pull: every publication, edit and withdrawal in commit order.
  absl::Status ListAnnouncementChanges(const CallContext& call,
                                       const v1::ListAnnouncementChangesRequest& request,
                                       v1::ListAnnouncementChangesResponse* response);

 private:
  AnnouncementRepository& repository_;
};

}  // namespace crm::org
