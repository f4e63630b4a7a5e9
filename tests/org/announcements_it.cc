// Announcements (R26) through AnnouncementHandlers on a real schema: who sees
// what, who may change what, validation that writes nothing, list order and
// paging, and the OA feed, also while publishers run concurrently.
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/db/record_helpers.h"
#include "services/org/announcement_handlers.h"
#include "services/org/announcement_repository.h"
#include "tests/org/org_fixture.h"
#include "tests/org/org_structure.h"

namespace crm::org {
namespace {

using v1::Announcement;

class AnnouncementTest : public crm::testing::OrgDatabaseTest {
 protected:
  void SetUp() override {
    OrgDatabaseTest::SetUp();
    structure_ = std::make_unique<testing::OrgStructure>(*db_);
    repository_ = std::make_unique<AnnouncementRepository>(*db_);
    handlers_ = std::make_unique<AnnouncementHandlers>(*repository_);
  }

  v1::Department MakeDepartment(const std::string& name, int64_t parent_id = 0) {
    v1::Department d;
    d.set_name(name);
    d.set_parent_id(parent_id);
    absl::StatusOr<v1::Department> created = structure_->departments.Create(Admin(), d, "");
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? *created : v1::Department();
  }

  static CallContext Member(int64_t user_id, Role role, const v1::Department& d) {
    return As(user_id, Bit(role), /*employee_id=*/user_id + 1000, d.id(), d.path());
  }

  static Announcement Draft(const std::string& title, bool everyone = true,
                            std::vector<int64_t> departments = {}, bool pinned = false) {
    Announcement a;
    a.set_title(title);
    a.set_body("正文\nsecond line");
    a.set_audience_everyone(everyone);
    for (int64_t id : departments) a.add_audience_department_ids(id);
    a.set_pinned(pinned);
    return a;
  }

  absl::StatusOr<Announcement> Publish(const CallContext& call, const Announcement& a,
                                       const std::string& request_id = "") {
    v1::PublishAnnouncementRequest request;
    *request.mutable_announcement() = a;
    request.set_request_id(request_id);
    Announcement response;
    absl::Status status = handlers_->PublishAnnouncement(call, request, &response);
    if (!status.ok()) return status;
    return response;
  }

  absl::StatusOr<Announcement> Update(const CallContext& call, const Announcement& patch,
                                      std::vector<std::string> paths) {
    v1::UpdateAnnouncementRequest request;
    *request.mutable_announcement() = patch;
    // An update names the version it changes: the one read now unless the
    // test says which ("0": none can be read).
    if (patch.etag().empty()) {
      absl::StatusOr<Announcement> current = Get(call, patch.id());
      request.mutable_announcement()->set_etag(current.ok() ? current->etag() : "0");
    }
    for (std::string& p : paths) request.mutable_update_mask()->add_paths(std::move(p));
    Announcement response;
    absl::Status status = handlers_->UpdateAnnouncement(call, request, &response);
    if (!status.ok()) return status;
    return response;
  }

  absl::StatusOr<Announcement> Withdraw(const CallContext& call, int64_t id,
                                        const std::string& etag = "") {
    v1::WithdrawAnnouncementRequest request;
    request.set_id(id);
    request.set_etag(etag);
    Announcement response;
    absl::Status status = handlers_->WithdrawAnnouncement(call, request, &response);
    if (!status.ok()) return status;
    return response;
  }

  absl::StatusOr<Announcement> Get(const CallContext& call, int64_t id) {
    v1::GetAnnouncementRequest request;
    request.set_id(id);
    Announcement response;
    absl::Status status = handlers_->GetAnnouncement(call, request, &response);
    if (!status.ok()) return status;
    return response;
  }

  absl::StatusOr<v1::ListAnnouncementsResponse> List(const CallContext& call, int page_size = 0,
                                                     const std::string& token = "",
                                                     bool include_expired = false) {
    v1::ListAnnouncementsRequest request;
    request.set_page_size(page_size);
    request.set_page_token(token);
    request.set_include_expired(include_expired);
    v1::ListAnnouncementsResponse response;
    absl::Status status = handlers_->ListAnnouncements(call, request, &response);
    if (!status.ok()) return status;
    return response;
  }

  std::vector<std::string> ListedTitles(const CallContext& call) {
    absl::StatusOr<v1::ListAnnouncementsResponse> page = List(call, 200);
    EXPECT_TRUE(page.ok()) << page.status();
    std::vector<std::string> titles;
    if (page.ok()) {
      for (const Announcement& a : page->announcements()) titles.push_back(a.title());
    }
    return titles;
  }

  absl::StatusOr<v1::ListAnnouncementChangesResponse> Changes(int64_t after, int page_size) {
    v1::ListAnnouncementChangesRequest request;
    request.set_after_cursor(after);
    request.set_page_size(page_size);
    v1::ListAnnouncementChangesResponse response;
    absl::Status status = handlers_->ListAnnouncementChanges(OaReader(), request, &response);
    if (!status.ok()) return status;
    return response;
  }

  static CallContext OaReader() { return As(900, Bit(Role::kOaReader)); }

  int64_t AnnouncementRows() { return Count("SELECT COUNT(*) FROM announcements"); }
  int64_t AnnouncementChangeRows() {
    return Count("SELECT COUNT(*) FROM change_log WHERE entity_type = 'crm.org.v1.Announcement'");
  }

  std::unique_ptr<testing::OrgStructure> structure_;
  std::unique_ptr<AnnouncementRepository> repository_;
  std::unique_ptr<AnnouncementHandlers> handlers_;
};

bool Mentions(const absl::Status& status, const std::string& text) {
  return std::string(status.message()).find(text) != std::string::npos;
}

TEST_F(AnnouncementTest, PublishRecordsTheAuthorAndIsPublished) {
  v1::Department sales = MakeDepartment("Sales");
  CallContext author = Member(10, Role::kSales, sales);
  Announcement draft = Draft("  Quarterly kick-off  ");
  SetTimestamp(absl::Now() + absl::Hours(24), draft.mutable_expire_time());
  absl::StatusOr<Announcement> a = Publish(author, draft);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_GT(a->id(), 0);
  EXPECT_EQ(a->title(), "Quarterly kick-off");
  EXPECT_EQ(a->body(), "正文\nsecond line");
  EXPECT_EQ(a->author_user_id(), 10);
  EXPECT_EQ(a->author_name(), "user 10");
  EXPECT_EQ(a->status(), v1::ANNOUNCEMENT_STATUS_PUBLISHED);
  EXPECT_TRUE(a->audience_everyone());
  EXPECT_EQ(a->etag(), "1");
  EXPECT_EQ(a->expire_time().seconds(), draft.expire_time().seconds());
  EXPECT_GT(a->publish_time().seconds(), 1700000000);

  absl::StatusOr<Announcement> read = Get(Member(11, Role::kService, sales), a->id());
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->SerializeAsString(), a->SerializeAsString());
}

TEST_F(AnnouncementTest, RepeatedRequestIdReturnsTheFirstPublication) {
  v1::Department sales = MakeDepartment("Sales");
  CallContext author = Member(10, Role::kSales, sales);
  absl::StatusOr<Announcement> first = Publish(author, Draft("Once"), "req-1");
  absl::StatusOr<Announcement> again = Publish(author, Draft("Once"), "req-1");
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(first->id(), again->id());
  // Request ids are per caller.
  absl::StatusOr<Announcement> other =
      Publish(Member(12, Role::kSales, sales), Draft("Once"), "req-1");
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->id(), first->id());
  EXPECT_EQ(AnnouncementRows(), 2);
  EXPECT_EQ(AnnouncementChangeRows(), 2);
}

TEST_F(AnnouncementTest, AudienceDecidesWhoSeesIt) {
  v1::Department hq = MakeDepartment("HQ");
  v1::Department sales = MakeDepartment("Sales", hq.id());
  v1::Department east = MakeDepartment("East", sales.id());
  v1::Department service = MakeDepartment("Service", hq.id());
  CallContext author = Member(10, Role::kSales, east);
  CallContext east_member = Member(11, Role::kSales, east);
  CallContext service_member = Member(12, Role::kService, service);
  CallContext admin = Admin();
  CallContext manager = As(2, Bit(Role::kManagement));

  absl::StatusOr<Announcement> everyone = Publish(author, Draft("For everyone"));
  // Published by a member of East for Service only: the author still sees it.
  absl::StatusOr<Announcement> for_service =
      Publish(author, Draft("For service", false, {service.id()}));
  absl::StatusOr<Announcement> for_sales =
      Publish(service_member, Draft("For sales", false, {sales.id()}));
  ASSERT_TRUE(everyone.ok() && for_service.ok() && for_sales.ok());
  EXPECT_EQ(for_sales->audience_department_ids_size(), 1);

  // A member of a sub-department of the audience sees it; others do not.
  EXPECT_TRUE(Get(east_member, for_sales->id()).ok());
  EXPECT_TRUE(Get(east_member, everyone->id()).ok());
  EXPECT_EQ(Get(east_member, for_service->id()).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Get(service_member, for_service->id()).status().code(), absl::StatusCode::kOk);
  // The author of "For sales" sits in Service, outside its audience.
  EXPECT_TRUE(Get(service_member, for_sales->id()).ok());
  EXPECT_TRUE(Get(author, for_service->id()).ok());
  // No department at all: only announcements for everyone.
  CallContext outsider = As(13, Bit(Role::kSales));
  EXPECT_TRUE(Get(outsider, everyone->id()).ok());
  EXPECT_EQ(Get(outsider, for_sales->id()).status().code(), absl::StatusCode::kNotFound);

  // Lists obey the same rule (newest first).
  EXPECT_EQ(ListedTitles(east_member), (std::vector<std::string>{"For sales", "For everyone"}));
  EXPECT_EQ(ListedTitles(author),
            (std::vector<std::string>{"For sales", "For service", "For everyone"}));
  EXPECT_EQ(ListedTitles(service_member),
            (std::vector<std::string>{"For sales", "For service", "For everyone"}));
  EXPECT_EQ(ListedTitles(outsider), (std::vector<std::string>{"For everyone"}));
  EXPECT_EQ(ListedTitles(admin).size(), 3u);
  EXPECT_EQ(ListedTitles(manager).size(), 3u);
  EXPECT_TRUE(Get(admin, for_service->id()).ok());
  absl::StatusOr<v1::ListAnnouncementsResponse> page = List(east_member);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total_size(), 2);
}

TEST_F(AnnouncementTest, OnlyTheAuthorOrAManagerMayEdit) {
  v1::Department sales = MakeDepartment("Sales");
  CallContext author = Member(10, Role::kSales, sales);
  CallContext colleague = Member(11, Role::kSales, sales);
  CallContext manager = As(2, Bit(Role::kManagement), 2000, sales.id(), sales.path());
  absl::StatusOr<Announcement> a = Publish(author, Draft("Draft title"));
  ASSERT_TRUE(a.ok());

  Announcement patch;
  patch.set_id(a->id());
  patch.set_title("By the author");
  absl::StatusOr<Announcement> edited = Update(author, patch, {"title"});
  ASSERT_TRUE(edited.ok()) << edited.status();
  EXPECT_EQ(edited->title(), "By the author");
  EXPECT_EQ(edited->body(), a->body());
  EXPECT_EQ(edited->etag(), "2");

  patch.set_title("By a colleague");
  absl::StatusOr<Announcement> denied = Update(colleague, patch, {"title"});
  EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Withdraw(colleague, a->id()).status().code(), absl::StatusCode::kPermissionDenied);

  // An empty mask takes the fields set to non-default values.
  Announcement managed;
  managed.set_id(a->id());
  managed.set_title("By the manager");
  managed.set_pinned(true);
  absl::StatusOr<Announcement> by_manager = Update(manager, managed, {});
  ASSERT_TRUE(by_manager.ok()) << by_manager.status();
  EXPECT_EQ(by_manager->title(), "By the manager");
  EXPECT_TRUE(by_manager->pinned());
  EXPECT_EQ(by_manager->author_user_id(), 10);  // still the author's
  EXPECT_EQ(by_manager->etag(), "3");
  EXPECT_EQ(Get(colleague, a->id())->title(), "By the manager");
}

TEST_F(AnnouncementTest, AudienceCanBeNarrowedAndWidened) {
  v1::Department hq = MakeDepartment("HQ");
  v1::Department sales = MakeDepartment("Sales", hq.id());
  v1::Department service = MakeDepartment("Service", hq.id());
  CallContext author = Member(10, Role::kSales, sales);
  CallContext service_member = Member(12, Role::kService, service);
  absl::StatusOr<Announcement> a = Publish(author, Draft("Audience"));
  ASSERT_TRUE(a.ok());

  Announcement patch;
  patch.set_id(a->id());
  patch.set_audience_everyone(false);
  patch.add_audience_department_ids(sales.id());
  patch.add_audience_department_ids(sales.id());  // repeated ids are harmless
  absl::StatusOr<Announcement> narrowed =
      Update(author, patch, {"audience_everyone", "audience_department_ids"});
  ASSERT_TRUE(narrowed.ok()) << narrowed.status();
  EXPECT_FALSE(narrowed->audience_everyone());
  ASSERT_EQ(narrowed->audience_department_ids_size(), 1);
  EXPECT_EQ(narrowed->audience_department_ids(0), sales.id());
  EXPECT_EQ(Get(service_member, a->id()).status().code(), absl::StatusCode::kNotFound);

  Announcement widen;
  widen.set_id(a->id());
  widen.set_audience_everyone(true);
  absl::StatusOr<Announcement> widened = Update(author, widen, {"audience_everyone"});
  ASSERT_TRUE(widened.ok()) << widened.status();
  EXPECT_TRUE(widened->audience_everyone());
  EXPECT_EQ(widened->audience_department_ids_size(), 0);
  EXPECT_TRUE(Get(service_member, a->id()).ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM announcement_audience"), 0);
}

TEST_F(AnnouncementTest, StaleEtagIsAbortedAndChangesNothing) {
  v1::Department sales = MakeDepartment("Sales");
  CallContext author = Member(10, Role::kSales, sales);
  absl::StatusOr<Announcement> a = Publish(author, Draft("Original"));
  ASSERT_TRUE(a.ok());
  Announcement patch;
  patch.set_id(a->id());
  patch.set_title("First edit");
  ASSERT_TRUE(Update(author, patch, {"title"}).ok());
  const int64_t changes_before = AnnouncementChangeRows();

  patch.set_title("Second edit");
  patch.set_etag(a->etag());  // read before the first edit
  EXPECT_EQ(Update(author, patch, {"title"}).status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(Withdraw(author, a->id(), a->etag()).status().code(), absl::StatusCode::kAborted);

  absl::StatusOr<Announcement> now = Get(author, a->id());
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->title(), "First edit");
  EXPECT_EQ(now->etag(), "2");
  EXPECT_EQ(now->status(), v1::ANNOUNCEMENT_STATUS_PUBLISHED);
  EXPECT_EQ(AnnouncementChangeRows(), changes_before);

  patch.set_etag(now->etag());  // the current etag passes
  EXPECT_TRUE(Update(author, patch, {"title"}).ok());
}

TEST_F(AnnouncementTest, WithdrawnIsHiddenFromMembers) {
  v1::Department sales = MakeDepartment("Sales");
  CallContext author = Member(10, Role::kSales, sales);
  CallContext member = Member(11, Role::kSales, sales);
  absl::StatusOr<Announcement> a = Publish(author, Draft("Soon gone"));
  ASSERT_TRUE(a.ok());
  absl::StatusOr<Announcement> withdrawn = Withdraw(author, a->id(), a->etag());
  ASSERT_TRUE(withdrawn.ok()) << withdrawn.status();
  EXPECT_EQ(withdrawn->status(), v1::ANNOUNCEMENT_STATUS_WITHDRAWN);

  EXPECT_EQ(Get(member, a->id()).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Get(author, a->id())->status(), v1::ANNOUNCEMENT_STATUS_WITHDRAWN);
  EXPECT_TRUE(Get(Admin(), a->id()).ok());
  EXPECT_TRUE(ListedTitles(member).empty());
  EXPECT_TRUE(ListedTitles(author).empty());  // lists hold published ones only
  EXPECT_EQ(Withdraw(author, a->id()).status().code(), absl::StatusCode::kFailedPrecondition);
  Announcement patch;
  patch.set_id(a->id());
  patch.set_title("Revived?");
  EXPECT_EQ(Update(author, patch, {"title"}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  // A normal member cannot even learn that it exists.
  EXPECT_EQ(Update(member, patch, {"title"}).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(AnnouncementTest, InvalidInputNamesTheFieldAndWritesNothing) {
  v1::Department hq = MakeDepartment("HQ");
  v1::Department closed = MakeDepartment("Closed", hq.id());
  ASSERT_TRUE(structure_->departments.Close(Admin(), closed.id(), "").ok());
  CallContext author = Member(10, Role::kSales, hq);

  struct Case {
    std::string name;
    Announcement draft;
    std::string request_id;
    std::string field;
  };
  std::vector<Case> cases;
  cases.push_back({"no title", Draft("   "), "", "announcement.title"});
  cases.push_back({"long title", Draft(std::string(201, 'x')), "", "announcement.title"});
  Announcement no_body = Draft("t");
  no_body.set_body(" \n ");
  cases.push_back({"no body", no_body, "", "announcement.body"});
  Announcement long_body = Draft("t");
  long_body.set_body(std::string(20001, 'y'));
  cases.push_back({"long body", long_body, "", "announcement.body"});
  cases.push_back({"no audience", Draft("t", false), "", "announcement.audience_department_ids"});
  cases.push_back({"closed department", Draft("t", false, {hq.id(), closed.id()}), "",
                   "announcement.audience_department_ids"});
  cases.push_back({"unknown department", Draft("t", false, {9999}), "",
                   "announcement.audience_department_ids"});
  Announcement past = Draft("t");
  SetTimestamp(absl::Now() - absl::Minutes(1), past.mutable_expire_time());
  cases.push_back({"past expiry", past, "", "announcement.expire_time"});
  cases.push_back({"long request id", Draft("t"), std::string(65, 'r'), "request_id"});
  for (const Case& c : cases) {
    absl::StatusOr<Announcement> result = Publish(author, c.draft, c.request_id);
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_TRUE(Mentions(result.status(), c.field)) << c.name << ": " << result.status();
  }
  EXPECT_EQ(AnnouncementRows(), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM announcement_audience"), 0);
  EXPECT_EQ(AnnouncementChangeRows(), 0);

  // The longest title and body pass, also in four-byte characters.
  Announcement longest = Draft(std::string(200, 'x'));
  std::string body;
  for (int i = 0; i < 20000; ++i) body += "\xF0\x9F\x98\x80";  // U+1F600
  longest.set_body(body);
  absl::StatusOr<Announcement> ok = Publish(author, longest);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->body(), body);

  // Updates: an unknown path, and a bad value, change nothing.
  const int64_t changes_before = AnnouncementChangeRows();
  Announcement patch;
  patch.set_id(ok->id());
  patch.set_title("new");
  absl::StatusOr<Announcement> bad_mask = Update(author, patch, {"title", "status"});
  EXPECT_EQ(bad_mask.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Mentions(bad_mask.status(), "update_mask")) << bad_mask.status();
  patch.set_title("");
  absl::StatusOr<Announcement> no_title = Update(author, patch, {"title"});
  EXPECT_EQ(no_title.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Mentions(no_title.status(), "announcement.title")) << no_title.status();
  Announcement to_closed;
  to_closed.set_id(ok->id());
  to_closed.add_audience_department_ids(closed.id());
  absl::StatusOr<Announcement> closed_audience =
      Update(author, to_closed, {"audience_everyone", "audience_department_ids"});
  EXPECT_EQ(closed_audience.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Mentions(closed_audience.status(), "announcement.audience_department_ids"));
  EXPECT_EQ(Get(author, ok->id())->etag(), "1");
  EXPECT_EQ(AnnouncementChangeRows(), changes_before);
}

TEST_F(AnnouncementTest, PinnedFirstThenNewestWithPagingAndTotal) {
  v1::Department sales = MakeDepartment("Sales");
  CallContext author = Member(10, Role::kSales, sales);
  CallContext reader = Member(11, Role::kSales, sales);
  // Published oldest first: n0 .. n5; n1 and n4 pinned.
  std::vector<int64_t> ids;
  for (int i = 0; i < 6; ++i) {
    absl::StatusOr<Announcement> a =
        Publish(author, Draft(absl::StrCat("n", i), true, {}, /*pinned=*/i == 1 || i == 4));
    ASSERT_TRUE(a.ok()) << a.status();
    ids.push_back(a->id());
  }
  // Two rows with the very same publish time: the higher id comes first.
  Exec(absl::StrCat("UPDATE announcements SET published_at = (SELECT published_at FROM",
                    " (SELECT published_at FROM announcements WHERE id = ", ids[2],
                    ") t) WHERE id = ", ids[3]));
  // One expired: left out unless asked for.
  Exec(absl::StrCat("UPDATE announcements SET expires_at = '2000-01-01 00:00:00' WHERE id = ",
                    ids[5]));

  const std::vector<std::string> expected = {"n4", "n1", "n3", "n2", "n0"};
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    absl::StatusOr<v1::ListAnnouncementsResponse> page = List(reader, 2, token);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_EQ(page->total_size(), 5);
    EXPECT_LE(page->announcements_size(), 2);
    for (const Announcement& a : page->announcements()) seen.push_back(a.title());
    token = page->next_page_token();
    ASSERT_LT(++pages, 10);
  } while (!token.empty());
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(pages, 3);

  absl::StatusOr<v1::ListAnnouncementsResponse> all = List(reader, 0, "", true);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->total_size(), 6);
  ASSERT_EQ(all->announcements_size(), 6);
  EXPECT_EQ(all->announcements(2).title(), "n5");
  EXPECT_TRUE(all->next_page_token().empty());
  // An expired announcement stays readable by id.
  EXPECT_TRUE(Get(reader, ids[5]).ok());

  // A token only works with the filters it was made for.
  absl::StatusOr<v1::ListAnnouncementsResponse> first = List(reader, 2);
  ASSERT_TRUE(first.ok());
  absl::StatusOr<v1::ListAnnouncementsResponse> mixed =
      List(reader, 2, first->next_page_token(), true);
  EXPECT_EQ(mixed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Mentions(mixed.status(), "page_token"));
  EXPECT_EQ(List(reader, -1).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(AnnouncementTest, ChangeFeedReportsPublishEditWithdrawInOrder) {
  v1::Department sales = MakeDepartment("Sales");  // a change the feed must skip
  CallContext author = Member(10, Role::kSales, sales);
  absl::StatusOr<Announcement> a = Publish(author, Draft("Feed"));
  ASSERT_TRUE(a.ok());
  Announcement patch;
  patch.set_id(a->id());
  patch.set_title("Feed, edited");
  ASSERT_TRUE(Update(author, patch, {"title"}).ok());
  MakeDepartment("Service");  // and another one in between
  ASSERT_TRUE(Withdraw(author, a->id()).ok());

  absl::StatusOr<v1::ListAnnouncementChangesResponse> feed = Changes(0, 0);
  ASSERT_TRUE(feed.ok()) << feed.status();
  ASSERT_EQ(feed->changes_size(), 3);
  EXPECT_EQ(feed->changes(0).type(), v1::ANNOUNCEMENT_CHANGE_TYPE_PUBLISHED);
  EXPECT_EQ(feed->changes(1).type(), v1::ANNOUNCEMENT_CHANGE_TYPE_EDITED);
  EXPECT_EQ(feed->changes(2).type(), v1::ANNOUNCEMENT_CHANGE_TYPE_WITHDRAWN);
  EXPECT_EQ(feed->changes(0).announcement().title(), "Feed");
  EXPECT_EQ(feed->changes(1).announcement().title(), "Feed, edited");
  EXPECT_EQ(feed->changes(2).announcement().status(), v1::ANNOUNCEMENT_STATUS_WITHDRAWN);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(feed->changes(i).announcement().id(), a->id());
    EXPECT_GT(feed->changes(i).change_time().seconds(), 1700000000);
    if (i > 0) {
      EXPECT_GT(feed->changes(i).cursor(), feed->changes(i - 1).cursor());
    }
  }
  EXPECT_EQ(feed->last_cursor(), feed->changes(2).cursor());
  EXPECT_FALSE(feed->has_more());

  // Page by page, passing back last_cursor.
  absl::StatusOr<v1::ListAnnouncementChangesResponse> first = Changes(0, 2);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->changes_size(), 2);
  EXPECT_TRUE(first->has_more());
  absl::StatusOr<v1::ListAnnouncementChangesResponse> rest = Changes(first->last_cursor(), 2);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->changes_size(), 1);
  EXPECT_EQ(rest->changes(0).type(), v1::ANNOUNCEMENT_CHANGE_TYPE_WITHDRAWN);
  EXPECT_FALSE(rest->has_more());
  absl::StatusOr<v1::ListAnnouncementChangesResponse> none = Changes(rest->last_cursor(), 2);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->changes_size(), 0);
  EXPECT_EQ(none->last_cursor(), rest->last_cursor());  // the cursor stays put

  absl::StatusOr<v1::ListAnnouncementChangesResponse> bad = Changes(-1, -1);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Mentions(bad.status(), "after_cursor"));
  EXPECT_TRUE(Mentions(bad.status(), "page_size"));
}

// Four publishers commit while the OA puller pages through the feed: it must
// receive every publication exactly once, with cursors 1, 2, 3, ... and no gap
// (nothing else writes to this schema).
TEST_F(AnnouncementTest, ConcurrentPublishersAndAPullerNeverMissOrRepeat) {
  constexpr int kPublishers = 4;
  constexpr int kPerPublisher = 250;
  constexpr int kTotal = kPublishers * kPerPublisher;
  const absl::Time started = absl::Now();
  std::atomic<int> publishing{kPublishers};
  std::atomic<int> failures{0};
  std::vector<std::thread> publishers;
  for (int p = 0; p < kPublishers; ++p) {
    publishers.emplace_back([&, p] {
      CallContext call = As(100 + p, Bit(Role::kSales));
      for (int i = 0; i < kPerPublisher; ++i) {
        absl::StatusOr<Announcement> a =
            Publish(call, Draft(absl::StrCat("p", p, "-", i)), absl::StrCat("r", i));
        if (!a.ok()) {
          ++failures;
          ADD_FAILURE() << a.status();
        }
      }
      --publishing;
    });
  }

  std::vector<int64_t> cursors;
  std::map<int64_t, int> times_seen;  // announcement id -> deliveries
  int64_t cursor = 0;
  bool puller_ok = true;
  std::thread puller([&] {
    const absl::Time give_up = absl::Now() + absl::Seconds(60);
    for (;;) {
      const bool done = publishing.load() == 0;
      absl::StatusOr<v1::ListAnnouncementChangesResponse> page = Changes(cursor, 50);
      if (!page.ok() || absl::Now() > give_up) {
        puller_ok = false;
        return;
      }
      for (const v1::AnnouncementChange& change : page->changes()) {
        cursors.push_back(change.cursor());
        ++times_seen[change.announcement().id()];
        if (change.type() != v1::ANNOUNCEMENT_CHANGE_TYPE_PUBLISHED) puller_ok = false;
      }
      cursor = page->last_cursor();
      // Every publisher had committed before this page was read: nothing follows.
      if (done && !page->has_more()) return;
    }
  });
  for (std::thread& t : publishers) t.join();
  puller.join();

  EXPECT_EQ(failures.load(), 0);
  EXPECT_TRUE(puller_ok);
  ASSERT_EQ(cursors.size(), static_cast<size_t>(kTotal));
  for (size_t i = 0; i < cursors.size(); ++i) ASSERT_EQ(cursors[i], static_cast<int64_t>(i + 1));
  EXPECT_EQ(times_seen.size(), static_cast<size_t>(kTotal));
  for (const auto& [id, times] : times_seen) EXPECT_EQ(times, 1) << "announcement " << id;
  EXPECT_EQ(AnnouncementRows(), kTotal);
  EXPECT_LT(absl::Now() - started, absl::Seconds(30));
}

}  // namespace
}  // namespace crm::org
