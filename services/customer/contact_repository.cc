// ContactRepository: prepared statements over contacts and contact_anniversaries.
#include "services/customer/contact_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <google/protobuf/util/message_differencer.h>

#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/keyset_page.h"
#include "common/db/multi_row.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "common/feed/change_log.h"
#include "common/feed/versioned_rows.h"
#include "services/customer/care_reminders.h"
#include "services/customer/customer_access.h"

namespace crm::customer {
namespace {

using v1::Contact;

constexpr char kContactSelect[] =
    "SELECT ct.id, ct.customer_id, ct.name, ct.salutation, ct.is_primary, ct.department,"
    " ct.position, ct.office_phone, ct.mobile_phone, ct.home_phone, ct.fax, ct.email, ct.qq,"
    " ct.wechat, ct.birthday, ct.hobbies, ct.address, ct.remarks, ct.owner_id, ct.version,"
    " ct.created_at, ct.updated_at FROM contacts ct";
// Contacts are seen through their live customer (`c`, for RestrictCustomers).
constexpr char kVisibleJoin[] =
    " JOIN customers c ON c.id = ct.customer_id AND c.deleted_at IS NULL";

// The mutable columns, in the order BindFields binds them.
constexpr char kFieldColumns[] =
    "name, salutation, department, position, office_phone, mobile_phone, home_phone, fax,"
    " email, qq, wechat, birthday, birthday_md, hobbies, address, remarks, owner_id";

Contact ReadContact(sql::ResultSet& rs) {
  Contact c;
  c.set_id(rs.getInt64(1));
  c.set_customer_id(rs.getInt64(2));
  c.set_name(rs.getString(3));
  c.set_salutation(rs.getString(4));
  c.set_primary(rs.getInt(5) != 0);
  c.set_department(rs.getString(6));
  c.set_position(rs.getString(7));
  c.set_office_phone(rs.getString(8));
  c.set_mobile_phone(rs.getString(9));
  c.set_home_phone(rs.getString(10));
  c.set_fax(rs.getString(11));
  c.set_email(rs.getString(12));
  c.set_qq(rs.getString(13));
  c.set_wechat(rs.getString(14));
  c.set_birthday(rs.getString(15));
  c.set_hobbies(rs.getString(16));
  c.set_address(rs.getString(17));
  c.set_remarks(rs.getString(18));
  c.set_owner_id(rs.getInt64(19));
  c.set_etag(EtagOf(rs.getInt64(20)));
  SqlDateTimeToTimestamp(rs.getString(21), c.mutable_create_time());
  SqlDateTimeToTimestamp(rs.getString(22), c.mutable_update_time());
  return c;
}

// Binds the columns of kFieldColumns from parameter `first` on; returns the
// next free index.
int BindFields(sql::PreparedStatement& stmt, int first, const Contact& contact) {
  int i = first;
  for (const std::string* text :
       {&contact.name(), &contact.salutation(), &contact.department(), &contact.position(),
        &contact.office_phone(), &contact.mobile_phone(), &contact.home_phone(), &contact.fax(),
        &contact.email(), &contact.qq(), &contact.wechat(), &contact.birthday()}) {
    stmt.setString(i++, *text);
  }
  absl::StatusOr<AnnualDate> birthday = ParseAnnualDate(contact.birthday());
  if (birthday.ok()) {
    stmt.setInt(i++, birthday->MonthDay());
  } else {
    stmt.setNull(i++, 0);  // no birthday (the handler refuses a malformed one)
  }
  stmt.setString(i++, contact.hobbies());
  stmt.setString(i++, contact.address());
  stmt.setString(i++, contact.remarks());
  stmt.setInt64(i++, contact.owner_id());
  return i;
}

void FillAnniversaries(MySqlConnection& c, const std::vector<Contact*>& contacts) {
  if (contacts.empty()) return;
  std::map<int64_t, Contact*> by_id;
  for (Contact* contact : contacts) {
    contact->clear_anniversaries();
    by_id[contact->id()] = contact;
  }
  sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(
      "SELECT contact_id, date_text, description FROM contact_anniversaries WHERE contact_id IN (",
      InPlaceholders(by_id.size()), ") ORDER BY contact_id, id"));
  int index = 1;
  for (const auto& [id, contact] : by_id) stmt.setInt64(index++, id);
  for (size_t i = by_id.size(); i < PaddedInSize(by_id.size()); ++i) {
    stmt.setInt64(index++, by_id.rbegin()->first);
  }
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  while (rs->next()) {
    v1::Anniversary* a = by_id[rs->getInt64(1)]->add_anniversaries();
    a->set_date(rs->getString(2));
    a->set_description(rs->getString(3));
  }
}

void ReplaceAnniversaries(MySqlConnection& c, int64_t id, const Contact& contact) {
  sql::PreparedStatement& clear =
      c.Prepare("DELETE FROM contact_anniversaries WHERE contact_id = ?");
  clear.setInt64(1, id);
  clear.executeUpdate();
  for (const v1::Anniversary& a : contact.anniversaries()) {
    absl::StatusOr<AnnualDate> date = ParseAnnualDate(a.date());
    if (!date.ok()) continue;  // the handler refuses these
    sql::PreparedStatement& insert = c.Prepare(
        "INSERT INTO contact_anniversaries (contact_id, date_text, md, description)"
        " VALUES (?, ?, ?, ?)");
    insert.setInt64(1, id);
    insert.setString(2, a.date());
    insert.setInt(3, date->MonthDay());
    insert.setString(4, a.description());
    insert.executeUpdate();
  }
}

// The contact with its anniversaries whatever its state (live_only: only a
// live one); nullptr when there is none.
std::unique_ptr<Contact> LoadContact(MySqlConnection& c, int64_t id, bool live_only) {
  sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(
      kContactSelect, " WHERE ct.id = ?", live_only ? " AND ct.deleted_at IS NULL" : ""));
  stmt.setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  auto contact = std::make_unique<Contact>(ReadContact(*rs));
  FillAnniversaries(c, {contact.get()});
  return contact;
}

// Locks the customer for writing, then reads the live contact; nullptr when
// either is out of the caller's reach. Must open the transaction: InnoDB
// takes a transaction's snapshot at its first plain read, and that has to
// come after the customer lock, or a primary switch committed while this
// transaction waited would stay invisible to it.
std::unique_ptr<Contact> LockForWrite(MySqlConnection& c, const Caller& caller, int64_t customer_id,
                                      int64_t id) {
  if (!LoadCustomer(c, caller, customer_id, Access::kWrite, /*for_update=*/true)) return nullptr;
  std::unique_ptr<Contact> contact = LoadContact(c, id, /*live_only=*/true);
  if (!contact || contact->customer_id() != customer_id) return nullptr;
  return contact;
}

// The customer's live primary contact, or 0.
int64_t PrimaryOf(MySqlConnection& c, int64_t customer_id) {
  sql::PreparedStatement& stmt = c.Prepare("SELECT id FROM contacts WHERE primary_of = ?");
  stmt.setInt64(1, customer_id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  return rs->next() ? rs->getInt64(1) : 0;
}

void SetPrimaryFlag(MySqlConnection& c, int64_t id, bool primary, absl::Time now) {
  sql::PreparedStatement& stmt = c.Prepare(
      "UPDATE contacts SET is_primary = ?, version = version + 1, updated_at = ? WHERE id = ?");
  stmt.setInt(1, primary ? 1 : 0);
  stmt.setDateTime(2, FormatSqlDateTime(now));
  stmt.setInt64(3, id);
  stmt.executeUpdate();
}

// Demotes the customer's primary contact (when there is one) and appends its
// change: the side effect of another contact becoming primary. The demoted
// contact's change row comes before the promoted one's, as the write does.
// Demoting first leaves room in the unique primary_of key for the new one.
void DemotePrimary(MySqlConnection& c, const CallContext& call, int64_t customer_id) {
  const int64_t demoted = PrimaryOf(c, customer_id);
  if (demoted == 0) return;
  SetPrimaryFlag(c, demoted, false, call.Now());
  std::unique_ptr<Contact> other = LoadContact(c, demoted, /*live_only=*/false);
  AppendChange(c, call, ChangeOp::kUpdate, demoted, *other);
}

bool SameAnniversaries(const Contact& a, const Contact& b) {
  if (a.anniversaries_size() != b.anniversaries_size()) return false;
  for (int i = 0; i < a.anniversaries_size(); ++i) {
    if (!google::protobuf::util::MessageDifferencer::Equals(a.anniversaries(i),
                                                            b.anniversaries(i))) {
      return false;
    }
  }
  return true;
}

// Contacts as the versioned-row helpers see them. A change locks the
// contact's customer first (LockForWrite), so `customer_id` is read before
// the transaction; a create reads any contact (a retry returns the contact
// the first call made even if it was deleted since).
RecordTable<Contact> ContactTable(const CallContext& call, int64_t customer_id) {
  return {"contacts", "contact",
          [&call, customer_id](MySqlConnection& c, int64_t id, bool for_update) {
            return for_update ? LockForWrite(c, call.caller, customer_id, id)
                              : LoadContact(c, id, /*live_only=*/false);
          }};
}

// Writes every field of a changed contact; a contact turned primary demotes
// the old primary first. Version and updated_at are UpdateVersioned's.
void WriteContact(MySqlConnection& c, const CallContext& call, const Contact& before,
                  const Contact& contact) {
  if (!before.primary() && contact.primary()) DemotePrimary(c, call, contact.customer_id());
  sql::PreparedStatement& stmt = c.Prepare(
      "UPDATE contacts SET name = ?, salutation = ?, department = ?, position = ?,"
      " office_phone = ?, mobile_phone = ?, home_phone = ?, fax = ?, email = ?, qq = ?,"
      " wechat = ?, birthday = ?, birthday_md = ?, hobbies = ?, address = ?, remarks = ?,"
      " owner_id = ?, is_primary = ? WHERE id = ?");
  int i = BindFields(stmt, 1, contact);
  stmt.setInt(i++, contact.primary() ? 1 : 0);
  stmt.setInt64(i++, contact.id());
  stmt.executeUpdate();
  // Rewritten only when they changed: their row ids are care reminders' page keys.
  if (!SameAnniversaries(before, contact)) ReplaceAnniversaries(c, contact.id(), contact);
}

}  // namespace

absl::Status ContactNotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat("contact ", id, " not found"));
}

absl::StatusOr<int64_t> ContactRepository::CustomerOf(const CallContext& call, int64_t id) {
  return db_.Run(
      "contact.customer_of", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<int64_t> {
        sql::PreparedStatement& stmt =
            c.Prepare("SELECT customer_id FROM contacts WHERE id = ? AND deleted_at IS NULL");
        stmt.setInt64(1, id);
        std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
        return rs->next() ? rs->getInt64(1) : 0;
      });
}

absl::StatusOr<Contact> ContactRepository::Create(const CallContext& call, const Contact& contact,
                                                  const std::string& request_id) {
  const int64_t customer_id = contact.customer_id();
  // The customer is locked before anything is read (see LockForWrite), the
  // request key lookup included.
  auto lock = [&](MySqlConnection& c) -> absl::Status {
    if (!LoadCustomer(c, call.caller, customer_id, Access::kWrite, /*for_update=*/true)) {
      return CustomerNotFound(customer_id);
    }
    return absl::OkStatus();
  };
  auto insert = [&](MySqlConnection& c, const std::string& request_key) -> absl::StatusOr<int64_t> {
    const bool primary = contact.primary() || PrimaryOf(c, customer_id) == 0;
    if (primary) DemotePrimary(c, call, customer_id);
    const std::string now = FormatSqlDateTime(call.Now());
    sql::PreparedStatement& stmt = c.Prepare(
        absl::StrCat("INSERT INTO contacts (", kFieldColumns,
                     ", customer_id, is_primary, create_request_id, created_at, updated_at)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    int i = BindFields(stmt, 1, contact);
    stmt.setInt64(i++, customer_id);
    stmt.setInt(i++, primary ? 1 : 0);
    SetStringOrNull(stmt, i++, request_key);
    stmt.setDateTime(i++, now);
    stmt.setDateTime(i++, now);
    stmt.executeUpdate();
    const int64_t id = c.LastInsertId();
    ReplaceAnniversaries(c, id, contact);
    return id;
  };
  return CreateOnceLocked(db_, call, ContactTable(call, customer_id), request_id, lock, insert);
}

absl::StatusOr<Contact> ContactRepository::Get(const CallContext& call, int64_t id) {
  return db_.Run("contact.get", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<Contact> {
    SqlWhere where;
    where.And("ct.id = ?", {id}).And("ct.deleted_at IS NULL");
    RestrictCustomers(where, call.caller, Access::kRead);
    sql::PreparedStatement& stmt =
        c.Prepare(absl::StrCat(kContactSelect, kVisibleJoin, where.Sql()));
    where.Bind(stmt);
    std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
    if (!rs->next()) return ContactNotFound(id);
    Contact contact = ReadContact(*rs);
    FillAnniversaries(c, {&contact});
    return contact;
  });
}

absl::StatusOr<Contact> ContactRepository::Update(
    const CallContext& call, int64_t id, const std::string& etag,
    const std::function<absl::Status(Contact&)>& change) {
  CRM_ASSIGN_OR_RETURN(const int64_t customer_id, CustomerOf(call, id));
  if (customer_id == 0) return ContactNotFound(id);
  Contact before;
  auto edit = [&](MySqlConnection&, Contact& contact) -> absl::Status {
    before = contact;
    CRM_RETURN_IF_ERROR(change(contact));
    contact.set_id(id);
    contact.set_customer_id(customer_id);
    if (before.primary() && !contact.primary()) {
      return absl::FailedPreconditionError(
          absl::StrCat("contact ", id,
                       " is its customer's primary contact; make another contact primary instead"));
    }
    return absl::OkStatus();
  };
  auto write = [&](MySqlConnection& c, const Contact& contact) {
    WriteContact(c, call, before, contact);
  };
  return UpdateVersioned(db_, call, ContactTable(call, customer_id), id, etag, edit, write);
}

absl::Status ContactRepository::Delete(const CallContext& call, int64_t id,
                                       const std::string& etag) {
  CRM_ASSIGN_OR_RETURN(const int64_t customer_id, CustomerOf(call, id));
  if (customer_id == 0) return ContactNotFound(id);
  const RecordTable<Contact> contacts = ContactTable(call, customer_id);
  // Not UpdateVersioned: a deleted contact reads the same as a live one
  // (the message has no deleted state), yet the delete must always write.
  return db_.RunInTransaction("contact.delete", call.deadline, [&](MySqlConnection& c) {
    std::unique_ptr<Contact> contact = contacts.load(c, id, /*for_update=*/true);
    if (!contact) return ContactNotFound(id);
    CRM_RETURN_IF_ERROR(CheckEtag(etag, VersionOfEtag(contact->etag()), "contact"));
    const absl::Time now = call.Now();
    sql::PreparedStatement& stmt = c.Prepare(
        "UPDATE contacts SET deleted_at = ?, is_primary = 0, version = version + 1,"
        " updated_at = ? WHERE id = ?");
    stmt.setDateTime(1, FormatSqlDateTime(now));
    stmt.setDateTime(2, FormatSqlDateTime(now));
    stmt.setInt64(3, id);
    stmt.executeUpdate();
    int64_t promoted = 0;
    if (contact->primary()) {
      sql::PreparedStatement& oldest = c.Prepare(
          "SELECT id FROM contacts WHERE customer_id = ? AND deleted_at IS NULL"
          " ORDER BY id LIMIT 1");
      oldest.setInt64(1, customer_id);
      std::unique_ptr<sql::ResultSet> rs(oldest.executeQuery());
      if (rs->next()) promoted = rs->getInt64(1);
      if (promoted != 0) SetPrimaryFlag(c, promoted, true, now);
    }
    std::unique_ptr<Contact> deleted = LoadContact(c, id, /*live_only=*/false);
    std::unique_ptr<Contact> other =
        promoted == 0 ? nullptr : LoadContact(c, promoted, /*live_only=*/false);
    AppendChange(c, call, ChangeOp::kDelete, id, *deleted);
    if (other) AppendChange(c, call, ChangeOp::kUpdate, promoted, *other);
    return absl::OkStatus();
  });
}

absl::StatusOr<Contact> ContactRepository::SetPrimary(const CallContext& call, int64_t id) {
  CRM_ASSIGN_OR_RETURN(const int64_t customer_id, CustomerOf(call, id));
  if (customer_id == 0) return ContactNotFound(id);
  Contact before;
  // Already primary: nothing changes, so nothing is written.
  auto edit = [&](MySqlConnection&, Contact& contact) {
    before = contact;
    contact.set_primary(true);
    return absl::OkStatus();
  };
  auto write = [&](MySqlConnection& c, const Contact& contact) {
    WriteContact(c, call, before, contact);
  };
  return UpdateVersioned(db_, call, ContactTable(call, customer_id), id, /*etag=*/"", edit, write);
}

absl::StatusOr<ContactPage> ContactRepository::List(const CallContext& call, int64_t customer_id,
                                                    const std::string& name, int page_size,
                                                    const std::optional<ContactPosition>& after) {
  return db_.Run("contact.list", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<ContactPage> {
                   SqlWhere where;
                   where.And("ct.deleted_at IS NULL");
                   RestrictCustomers(where, call.caller, Access::kRead);
                   if (customer_id != 0) where.And("ct.customer_id = ?", {customer_id});
                   if (!name.empty())
                     where.And("ct.name LIKE CONCAT('%', ?, '%')", {EscapeLike(name)});
                   KeysetQuery q(absl::StrCat(kContactSelect, kVisibleJoin),
                                 absl::StrCat("FROM contacts ct", kVisibleJoin), where,
                                 " ORDER BY ct.customer_id, ct.is_primary DESC, ct.id", page_size);
                   if (after) {
                     const int64_t primary = after->primary ? 1 : 0;
                     q.After(
                         "(ct.customer_id > ? OR (ct.customer_id = ? AND (ct.is_primary < ?"
                         " OR (ct.is_primary = ? AND ct.id > ?))))",
                         {after->customer_id, after->customer_id, primary, primary, after->id});
                   }
                   Page<Contact> read = ReadKeysetPage<Contact>(c, q, ReadContact);
                   ContactPage page{std::move(read.rows), read.has_more, read.total_size};
                   std::vector<Contact*> filled;
                   for (Contact& contact : page.contacts) filled.push_back(&contact);
                   FillAnniversaries(c, filled);
                   return page;
                 });
}

std::vector<Contact> InsertFirstContacts(MySqlConnection& c, const std::vector<Contact>& contacts,
                                         const std::string& now, bool consecutive_ids) {
  std::vector<Contact> inserted;
  InsertRowsExactly(
      c,
      absl::StrCat("INSERT INTO contacts (", kFieldColumns,
                   ", customer_id, is_primary, created_at, updated_at) VALUES "),
      "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)", "", contacts.size(),
      [&](sql::PreparedStatement& stmt, int first, size_t row, bool) {
        int i = BindFields(stmt, first, contacts[row]);
        stmt.setInt64(i++, contacts[row].customer_id());
        stmt.setDateTime(i++, now);
        stmt.setDateTime(i++, now);
        return i;
      },
      [&](size_t first_row, size_t count) {
        if (!consecutive_ids) return;
        const int64_t first_id = c.LastInsertId();
        for (size_t k = 0; k < count; ++k) {
          Contact& contact = inserted.emplace_back(contacts[first_row + k]);
          contact.set_id(first_id + static_cast<int64_t>(k));
          contact.set_primary(true);
          contact.set_etag(EtagOf(1));
          SqlDateTimeToTimestamp(now, contact.mutable_create_time());
          SqlDateTimeToTimestamp(now, contact.mutable_update_time());
        }
      });
  if (consecutive_ids) return inserted;
  std::map<int64_t, Contact> stored;  // by customer
  for (size_t done = 0; done < contacts.size(); done += kMaxRowsPerStatement) {
    const size_t count = std::min(contacts.size() - done, kMaxRowsPerStatement);
    sql::PreparedStatement& select =
        c.Prepare(absl::StrCat(kContactSelect, " WHERE ct.is_primary = 1 AND ct.deleted_at IS NULL",
                               " AND ct.customer_id IN (", InPlaceholders(count), ")"));
    for (size_t i = 0; i < PaddedInSize(count); ++i) {
      select.setInt64(static_cast<int>(i + 1),
                      contacts[done + std::min(i, count - 1)].customer_id());
    }
    std::unique_ptr<sql::ResultSet> rs(select.executeQuery());
    while (rs->next()) {
      Contact contact = ReadContact(*rs);
      const int64_t customer_id = contact.customer_id();
      stored[customer_id] = std::move(contact);
    }
  }
  std::vector<Contact> result;
  result.reserve(contacts.size());
  for (const Contact& contact : contacts)
    result.push_back(std::move(stored[contact.customer_id()]));
  return result;
}

}  // namespace crm::customer
