// AnnouncementRepository: announcements, their audiences and the OA feed.
#include "services/org/announcement_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <memory>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "common/db/visibility.h"
#include "common/feed/change_log.h"
#include "common/feed/versioned_rows.h"
#include "crm/common/v1/changes.pb.h"

namespace crm::org {
namespace {

using v1::Announcement;

constexpr char kAudienceField[] = "announcement.audience_department_ids";
constexpr size_t kMaxAuthorNameChars = 100;  // announcements.author_name is VARCHAR(100)

// The audience comes along as one "4,9,12" column, so a page of rows needs no
// query per row and every statement text stays fixed.
constexpr char kSelect[] =
    "SELECT a.id, a.title, a.body, a.author_user_id, a.author_name, a.pinned, a.expires_at,"
    " a.audience_everyone, a.status, a.version, a.published_at, a.updated_at,"
    " (SELECT GROUP_CONCAT(aa.department_id ORDER BY aa.department_id SEPARATOR ',')"
    " FROM announcement_audience aa WHERE aa.announcement_id = a.id)"
    " FROM announcements a";

Announcement ReadAnnouncement(sql::ResultSet& rs) {
  Announcement a;
  a.set_id(rs.getInt64(1));
  a.set_title(rs.getString(2));
  a.set_body(rs.getString(3));
  a.set_author_user_id(rs.getInt64(4));
  a.set_author_name(rs.getString(5));
  a.set_pinned(rs.getInt(6) != 0);
  if (!rs.isNull(7)) SqlDateTimeToTimestamp(rs.getString(7), a.mutable_expire_time());
  a.set_audience_everyone(rs.getInt(8) != 0);
  a.set_status(static_cast<v1::AnnouncementStatus>(rs.getInt(9)));
  a.set_etag(EtagOf(rs.getInt64(10)));
  SqlDateTimeToTimestamp(rs.getString(11), a.mutable_publish_time());
  SqlDateTimeToTimestamp(rs.getString(12), a.mutable_update_time());
  if (!rs.isNull(13)) {
    for (absl::string_view part : absl::StrSplit(std::string(rs.getString(13)), ',')) {
      int64_t id = 0;
      if (absl::SimpleAtoi(part, &id)) a.add_audience_department_ids(id);
    }
  }
  return a;
}

// The department ids on a path like "/1/4/9/": the caller's department and
// every ancestor, i.e. the audiences that reach the caller.
std::vector<int64_t> DepartmentIdsOnPath(const std::string& path) {
  std::vector<int64_t> ids;
  for (absl::string_view part : absl::StrSplit(path, '/', absl::SkipEmpty())) {
    int64_t id = 0;
    if (absl::SimpleAtoi(part, &id) && id > 0) ids.push_back(id);
  }
  return ids;
}

// Restricts `where` to what `caller` may see: everything with an all-records
// scope; otherwise their own announcements, and published ones addressed to
// everyone or to a department on their path. The SQL text varies only with
// the depth of the caller's department, so the statements stay few.
void RestrictToViewer(SqlWhere& where, const Caller& caller) {
  if (ScopeOf(caller).kind == VisibilityScope::Kind::kAll) return;
  std::vector<SqlWhere::Value> values;
  std::string condition = "(";
  // user_id 0 (not a user) must not match announcements stored with author 0.
  if (caller.user_id != 0) {
    condition += "a.author_user_id = ? OR ";
    values.push_back(caller.user_id);
  }
  absl::StrAppend(&condition, "(a.status = ", v1::ANNOUNCEMENT_STATUS_PUBLISHED,
                  " AND (a.audience_everyone = 1");
  const std::vector<int64_t> departments = DepartmentIdsOnPath(caller.department_path);
  if (!departments.empty()) {
    condition +=
        " OR EXISTS (SELECT 1 FROM announcement_audience aa WHERE aa.announcement_id = a.id"
        " AND aa.department_id IN (";
    for (size_t i = 0; i < departments.size(); ++i) {
      condition += i == 0 ? "?" : ", ?";
      values.push_back(departments[i]);
    }
    condition += "))";
  }
  condition += ")))";
  where.And(std::move(condition), std::move(values));
}

// Loads an announcement, locking it when `for_update`; with a `viewer`, only
// when the viewer may see it.
std::unique_ptr<Announcement> Load(MySqlConnection& c, int64_t id, bool for_update,
                                   const Caller* viewer) {
  SqlWhere where;
  where.And("a.id = ?", {id});
  if (viewer != nullptr) RestrictToViewer(where, *viewer);
  sql::PreparedStatement& stmt =
      c.Prepare(absl::StrCat(kSelect, where.Sql(), for_update ? " FOR UPDATE" : ""));
  where.Bind(stmt);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  return std::make_unique<Announcement>(ReadAnnouncement(*rs));
}

// The announcements as `call` may change them: a row about to change (locked)
// loads only when the caller may see it; a stored one reloads as it is.
RecordTable<Announcement> AnnouncementsFor(const CallContext& call) {
  const Caller* viewer = &call.caller;
  return {"announcements", "announcement",
          [viewer](MySqlConnection& c, int64_t id, bool for_update) {
            return Load(c, id, for_update, for_update ? viewer : nullptr);
          }};
}

// Each department must exist and be open. The share lock keeps a concurrent
// CloseDepartment from closing it before this transaction commits.
absl::Status CheckOpenDepartments(MySqlConnection& c, const std::vector<int64_t>& ids) {
  for (int64_t id : ids) {
    sql::PreparedStatement& stmt =
        c.Prepare("SELECT closed_at IS NULL FROM departments WHERE id = ? LOCK IN SHARE MODE");
    stmt.setInt64(1, id);
    std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
    if (!rs->next())
      return InvalidField(kAudienceField, absl::StrCat("department ", id, " does not exist"));
    if (!rs->getBoolean(1)) {
      return InvalidField(kAudienceField, absl::StrCat("department ", id, " is closed"));
    }
  }
  return absl::OkStatus();
}

void InsertAudience(MySqlConnection& c, int64_t announcement_id, const Announcement& a) {
  for (int64_t department_id : a.audience_department_ids()) {
    sql::PreparedStatement& insert = c.Prepare(
        "INSERT INTO announcement_audience (announcement_id, department_id) VALUES (?, ?)");
    insert.setInt64(1, announcement_id);
    insert.setInt64(2, department_id);
    insert.executeUpdate();
  }
}

void SetExpiry(sql::PreparedStatement& stmt, int index, const Announcement& a) {
  if (a.has_expire_time()) {
    stmt.setDateTime(index, FormatSqlDateTime(FromTimestamp(a.expire_time())));
  } else {
    stmt.setNull(index, 0);
  }
}

// At most `max_chars` code points, cut on a code point boundary.
std::string TruncateChars(const std::string& text, size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && chars++ == max_chars) {
      return text.substr(0, i);
    }
  }
  return text;
}

std::vector<int64_t> Audience(const Announcement& a) {
  return {a.audience_department_ids().begin(), a.audience_department_ids().end()};
}

}  // namespace

absl::StatusOr<Announcement> AnnouncementRepository::Publish(const CallContext& call,
                                                             const Announcement& announcement,
                                                             const std::string& request_id) {
  return CreateOnce(
      db_, call, AnnouncementsFor(call), request_id,
      [&](MySqlConnection& c, const std::string& request_key) -> absl::StatusOr<int64_t> {
        CRM_RETURN_IF_ERROR(CheckOpenDepartments(c, Audience(announcement)));
        const std::string now = FormatSqlDateTime(call.Now());
        sql::PreparedStatement& insert = c.Prepare(
            "INSERT INTO announcements (title, body, author_user_id, author_name, pinned,"
            " expires_at, audience_everyone, status, version, create_request_id, published_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)");
        insert.setString(1, announcement.title());
        insert.setString(2, announcement.body());
        insert.setInt64(3, call.caller.user_id);
        insert.setString(4, TruncateChars(call.caller.display_name, kMaxAuthorNameChars));
        insert.setInt(5, announcement.pinned() ? 1 : 0);
        SetExpiry(insert, 6, announcement);
        insert.setInt(7, announcement.audience_everyone() ? 1 : 0);
        insert.setInt(8, v1::ANNOUNCEMENT_STATUS_PUBLISHED);
        SetStringOrNull(insert, 9, request_key);
        insert.setDateTime(10, now);
        insert.setDateTime(11, now);
        insert.executeUpdate();
        const int64_t id = c.LastInsertId();
        InsertAudience(c, id, announcement);
        return id;
      });
}

absl::StatusOr<Announcement> AnnouncementRepository::Update(
    const CallContext& call, int64_t id, const std::string& etag, const AnnouncementCheck& may_edit,
    const std::function<absl::Status(Announcement&)>& change) {
  std::vector<int64_t> audience_before;
  auto edit = [&](MySqlConnection& c, Announcement& a) -> absl::Status {
    CRM_RETURN_IF_ERROR(may_edit(a));
    if (a.status() == v1::ANNOUNCEMENT_STATUS_WITHDRAWN) {
      return absl::FailedPreconditionError("a withdrawn announcement cannot be edited");
    }
    audience_before = Audience(a);
    CRM_RETURN_IF_ERROR(change(a));
    // Only departments added now must be open: one closed since the
    // announcement was published does not block editing its text.
    std::vector<int64_t> added;
    for (int64_t department : Audience(a)) {
      if (std::find(audience_before.begin(), audience_before.end(), department) ==
          audience_before.end()) {
        added.push_back(department);
      }
    }
    return CheckOpenDepartments(c, added);
  };
  auto write = [&](MySqlConnection& c, const Announcement& a) {
    sql::PreparedStatement& update = c.Prepare(
        "UPDATE announcements SET title = ?, body = ?, pinned = ?, expires_at = ?,"
        " audience_everyone = ? WHERE id = ?");
    update.setString(1, a.title());
    update.setString(2, a.body());
    update.setInt(3, a.pinned() ? 1 : 0);
    SetExpiry(update, 4, a);
    update.setInt(5, a.audience_everyone() ? 1 : 0);
    update.setInt64(6, id);
    update.executeUpdate();
    if (Audience(a) != audience_before) {
      sql::PreparedStatement& clear =
          c.Prepare("DELETE FROM announcement_audience WHERE announcement_id = ?");
      clear.setInt64(1, id);
      clear.executeUpdate();
      InsertAudience(c, id, a);
    }
  };
  return UpdateVersioned(db_, call, AnnouncementsFor(call), id, etag, edit, write);
}

absl::StatusOr<Announcement> AnnouncementRepository::Withdraw(const CallContext& call, int64_t id,
                                                              const std::string& etag,
                                                              const AnnouncementCheck& may_edit) {
  auto edit = [&](MySqlConnection&, Announcement& a) -> absl::Status {
    CRM_RETURN_IF_ERROR(may_edit(a));
    if (a.status() == v1::ANNOUNCEMENT_STATUS_WITHDRAWN) {
      return absl::FailedPreconditionError("the announcement is already withdrawn");
    }
    a.set_status(v1::ANNOUNCEMENT_STATUS_WITHDRAWN);
    return absl::OkStatus();
  };
  auto write = [&](MySqlConnection& c, const Announcement&) {
    sql::PreparedStatement& update = c.Prepare("UPDATE announcements SET status = ? WHERE id = ?");
    update.setInt(1, v1::ANNOUNCEMENT_STATUS_WITHDRAWN);
    update.setInt64(2, id);
    update.executeUpdate();
  };
  return UpdateVersioned(db_, call, AnnouncementsFor(call), id, etag, edit, write,
                         ChangeOp::kDelete);
}

absl::StatusOr<Announcement> AnnouncementRepository::Get(const CallContext& call, int64_t id) {
  return db_.Run("announcement.get", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<Announcement> {
                   std::unique_ptr<Announcement> a = Load(c, id, false, &call.caller);
                   if (!a)
                     return absl::NotFoundError(absl::StrCat("announcement ", id, " not found"));
                   return *a;
                 });
}

absl::StatusOr<AnnouncementPage> AnnouncementRepository::List(
    const CallContext& call, const AnnouncementFilter& filter, int page_size,
    const std::optional<AnnouncementKey>& after) {
  return db_.Run(
      "announcement.list", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<AnnouncementPage> {
        SqlWhere where;
        where.And("a.status = ?", {int64_t{v1::ANNOUNCEMENT_STATUS_PUBLISHED}});
        if (!filter.include_expired) {
          where.And("(a.expires_at IS NULL OR a.expires_at > ?)", {FormatSqlDateTime(call.Now())});
        }
        RestrictToViewer(where, call.caller);
        KeysetQuery q(kSelect, "FROM announcements a", where,
                      " ORDER BY a.pinned DESC, a.published_at DESC, a.id DESC", page_size);
        if (after) {
          // Strictly after the previous page's last row in that order.
          const int64_t pinned = after->pinned ? 1 : 0;
          const std::string published = FormatSqlDateTime(after->published_at);
          q.After(
              "(a.pinned < ? OR (a.pinned = ? AND (a.published_at < ? OR"
              " (a.published_at = ? AND a.id < ?))))",
              {pinned, pinned, published, published, after->id});
        }
        return ReadKeysetPage<Announcement>(c, q, ReadAnnouncement);
      });
}

absl::Status AnnouncementRepository::ListChanges(const CallContext& call,
                                                 const common::v1::ListChangesRequest& request,
                                                 common::v1::ListChangesResponse* response) {
  return crm::ListChanges(db_, call, request, response, Announcement::descriptor()->full_name());
}

}  // namespace crm::org
