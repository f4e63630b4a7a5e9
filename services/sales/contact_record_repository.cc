// ContactRecordRepository: prepared statements over contact_records, and
// the reminder queries.
#include "services/sales/contact_record_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <memory>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "common/db/visibility.h"
#include "common/feed/owner_departments.h"
#include "common/feed/versioned_rows.h"
#include "services/sales/opportunity_repository.h"

namespace crm::sales {
namespace {

using v1::ContactRecord;

constexpr char kRecordSelect[] =
    "SELECT r.id, r.contact_date, r.customer_id, r.contact_id, r.method, r.subject, r.content,"
    " r.next_step, r.reminder_date, r.opportunity_id, r.owner_id, r.owner_department_id,"
    " r.version, r.created_at, r.updated_at FROM contact_records r";

ContactRecord ReadRecord(sql::ResultSet& rs) {
  ContactRecord r;
  r.set_id(rs.getInt64(1));
  r.set_contact_date(rs.getString(2));
  r.set_customer_id(rs.getInt64(3));
  r.set_contact_id(rs.getInt64(4));
  r.set_method(static_cast<v1::ContactMethod>(rs.getInt(5)));
  r.set_subject(rs.getString(6));
  r.set_content(rs.getString(7));
  r.set_next_step(rs.getString(8));
  if (!rs.isNull(9)) r.set_reminder_date(rs.getString(9));
  r.set_opportunity_id(rs.getInt64(10));
  r.set_owner_employee_id(rs.getInt64(11));
  r.set_owner_department_id(rs.getInt64(12));
  r.set_etag(EtagOf(rs.getInt64(13)));
  SqlDateTimeToTimestamp(rs.getString(14), r.mutable_create_time());
  SqlDateTimeToTimestamp(rs.getString(15), r.mutable_update_time());
  return r;
}

std::unique_ptr<ContactRecord> LoadRecord(MySqlConnection& c, const VisibilityScope& scope,
                                          int64_t id, bool for_update) {
  SqlWhere where;
  where.And("r.id = ?", {id});
  RestrictToScope(where, scope, "r.owner_id", "r.owner_department_path");
  sql::PreparedStatement& stmt =
      c.Prepare(absl::StrCat(kRecordSelect, where.Sql(), for_update ? " FOR UPDATE" : ""));
  where.Bind(stmt);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  return std::make_unique<ContactRecord>(ReadRecord(*rs));
}

RecordTable<ContactRecord> RecordTableFor(const CallContext& call) {
  return {"contact_records", "contact record",
          [&call](MySqlConnection& c, int64_t id, bool for_update) {
            return LoadRecord(c, for_update ? WriteScopeOf(call.caller) : ScopeOf(call.caller), id,
                              for_update);
          },
          [&call](MySqlConnection& c, int64_t id) {
            return LoadRecord(c, ScopeOf(call.caller), id, false) != nullptr;
          }};
}

// Parameters 1–7 of the insert and the update, in the order both name them.
void BindEditableColumns(sql::PreparedStatement& stmt, const ContactRecord& r) {
  stmt.setString(1, r.contact_date());
  stmt.setInt64(2, r.contact_id());
  stmt.setInt(3, r.method());
  stmt.setString(4, r.subject());
  stmt.setString(5, r.content());
  stmt.setString(6, r.next_step());
  SetStringOrNull(stmt, 7, r.reminder_date());
}

}  // namespace

absl::StatusOr<ContactRecord> ContactRecordRepository::Create(const CallContext& call,
                                                              const ContactRecord& record,
                                                              const std::string& request_id) {
  // The opportunity is locked first (CreateOnceLocked: a retry's lookup then
  // sees what a racing create committed).
  auto lock = [&](MySqlConnection& c) -> absl::Status {
    if (record.opportunity_id() == 0) return absl::OkStatus();
    return LockOpenOpportunity(c, call, record.opportunity_id(), record.customer_id(),
                               "record.opportunity_id");
  };
  return CreateOnceLocked(
      db_, call, RecordTableFor(call), request_id, lock,
      [&](MySqlConnection& c, const std::string& request_key) -> absl::StatusOr<int64_t> {
        const Owner owner = CurrentOwner(c, call.caller);
        const std::string now = FormatSqlDateTime(call.Now());
        sql::PreparedStatement& stmt = c.Prepare(
            "INSERT INTO contact_records (contact_date, contact_id, method, subject, content,"
            " next_step, reminder_date, customer_id, opportunity_id, owner_id,"
            " owner_department_id, owner_department_path, create_request_id, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        BindEditableColumns(stmt, record);
        stmt.setInt64(8, record.customer_id());
        stmt.setInt64(9, record.opportunity_id());
        stmt.setInt64(10, owner.employee_id);
        stmt.setInt64(11, owner.department_id);
        stmt.setString(12, owner.department_path);
        SetStringOrNull(stmt, 13, request_key);
        stmt.setDateTime(14, now);
        stmt.setDateTime(15, now);
        stmt.executeUpdate();
        const int64_t id = c.LastInsertId();
        if (record.opportunity_id() != 0) TouchOpportunity(c, record.opportunity_id(), call.Now());
        return id;
      });
}

absl::StatusOr<ContactRecord> ContactRecordRepository::Get(const CallContext& call, int64_t id) {
  return db_.Run("contact_record.get", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<ContactRecord> {
                   auto r = LoadRecord(c, ScopeOf(call.caller), id, false);
                   if (!r) return RecordTableFor(call).NotFound(id);
                   return *r;
                 });
}

absl::StatusOr<ContactRecord> ContactRecordRepository::Update(
    const CallContext& call, int64_t id, const std::string& etag,
    const std::function<absl::Status(ContactRecord&)>& change) {
  auto edit = [&](MySqlConnection&, ContactRecord& r) { return change(r); };
  auto write = [&](MySqlConnection& c, const ContactRecord& r) {
    sql::PreparedStatement& stmt = c.Prepare(
        "UPDATE contact_records SET contact_date = ?, contact_id = ?, method = ?, subject = ?,"
        " content = ?, next_step = ?, reminder_date = ? WHERE id = ?");
    BindEditableColumns(stmt, r);
    stmt.setInt64(8, id);
    stmt.executeUpdate();
  };
  return UpdateVersioned(db_, call, RecordTableFor(call), id, etag, edit, write);
}

absl::StatusOr<Page<ContactRecord>> ContactRecordRepository::List(
    const CallContext& call, const ContactRecordFilter& filter, int page_size,
    const std::optional<ContactRecordPosition>& after) {
  return db_.Run("contact_record.list", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<Page<ContactRecord>> {
                   SqlWhere where;
                   if (filter.customer_id != 0)
                     where.And("r.customer_id = ?", {filter.customer_id});
                   if (filter.owner_employee_id != 0)
                     where.And("r.owner_id = ?", {filter.owner_employee_id});
                   if (filter.opportunity_id != 0)
                     where.And("r.opportunity_id = ?", {filter.opportunity_id});
                   if (!filter.from_date.empty())
                     where.And("r.contact_date >= ?", {filter.from_date});
                   if (!filter.to_date.empty()) where.And("r.contact_date <= ?", {filter.to_date});
                   RestrictToScope(where, ScopeOf(call.caller), "r.owner_id",
                                   "r.owner_department_path");
                   KeysetQuery q(kRecordSelect, "FROM contact_records r", where,
                                 " ORDER BY r.contact_date DESC, r.id DESC", page_size);
                   if (after) {
                     q.After("(r.contact_date < ? OR (r.contact_date = ? AND r.id < ?))",
                             {after->contact_date, after->contact_date, after->id});
                   }
                   return ReadKeysetPage<ContactRecord>(c, q, ReadRecord);
                 });
}

absl::StatusOr<std::vector<v1::Reminder>> ContactRecordRepository::Reminders(
    const CallContext& call, const std::string& from_date, const std::string& to_date) {
  return db_.Run(
      "reminders.mine", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<std::vector<v1::Reminder>> {
        std::vector<v1::Reminder> reminders;
        // Each: (date, record id, customer id, text) of the caller's own rows.
        auto collect = [&](const char* sql, v1::Reminder::Kind kind) {
          sql::PreparedStatement& stmt = c.Prepare(sql);
          stmt.setInt64(1, call.caller.employee_id);
          stmt.setString(2, from_date);
          stmt.setString(3, to_date);
          std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
          while (rs->next()) {
            v1::Reminder& r = reminders.emplace_back();
            r.set_kind(kind);
            r.set_date(rs->getString(1));
            r.set_record_id(rs->getInt64(2));
            r.set_customer_id(rs->getInt64(3));
            r.set_text(rs->getString(4));
          }
        };
        collect(
            "SELECT reminder_date, id, customer_id, IF(next_step = '', subject, next_step)"
            " FROM contact_records WHERE owner_id = ? AND reminder_date BETWEEN ? AND ?",
            v1::Reminder::NEXT_STEP);
        collect(
            "SELECT expected_close_date, id, customer_id, title FROM opportunities"
            " WHERE owner_id = ? AND status = 1 AND expected_close_date BETWEEN ? AND ?",
            v1::Reminder::EXPECTED_CLOSE);
        collect(
            "SELECT delivery_date, id, customer_id, number FROM orders"
            " WHERE owner_id = ? AND status IN (2, 3) AND delivery_date BETWEEN ? AND ?",
            v1::Reminder::DELIVERY);
        collect(
            "SELECT reminder_date, id, customer_id, number FROM orders"
            " WHERE owner_id = ? AND status <> 5 AND reminder_date BETWEEN ? AND ?",
            v1::Reminder::ORDER_REMINDER);
        std::sort(reminders.begin(), reminders.end(),
                  [](const v1::Reminder& a, const v1::Reminder& b) {
                    return std::make_tuple(a.date(), static_cast<int>(a.kind()), a.record_id()) <
                           std::make_tuple(b.date(), static_cast<int>(b.kind()), b.record_id());
                  });
        return reminders;
      });
}

}  // namespace crm::sales
