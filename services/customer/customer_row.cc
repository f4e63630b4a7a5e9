// Customer row reading.
#include "services/customer/customer_row.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "services/customer/duplicate_keys.h"

namespace crm::customer {

// The column list and the tables, apart, so that the variant with the
// shares differs only in its last column.
#define CRM_CUSTOMER_COLUMNS                                                                  \
  "SELECT c.id, c.code, c.importance, c.name, c.keywords, c.country, c.province,"             \
  " c.region_code, ci.name, c.address, c.postcode, c.phone, c.fax, c.email, c.website, c.qq," \
  " c.wechat, c.annual_revenue_minor, c.revenue_currency, c.employee_count,"                  \
  " c.legal_representative, c.tax_id, c.bank, c.bank_account, c.industry_code, c.type_code,"  \
  " c.stage_code, c.level_code, c.source_code, c.credit_rating, c.joined_date, c.status,"     \
  " c.grade, c.remarks, c.owner_id, c.version, c.created_at, c.updated_at,"                   \
  " c.last_activity_at, c.deleted_at, c.credit_code"
#define CRM_CUSTOMER_TABLES " FROM customers c LEFT JOIN cities ci ON ci.id = c.city_id"

const char kCustomerSelect[] = CRM_CUSTOMER_COLUMNS CRM_CUSTOMER_TABLES;
const char kCustomerWithSharesSelect[] = CRM_CUSTOMER_COLUMNS
    ", (SELECT GROUP_CONCAT(s.employee_id ORDER BY s.employee_id SEPARATOR ',')"
    " FROM customer_shares s WHERE s.customer_id = c.id)" CRM_CUSTOMER_TABLES;

namespace {
// The columns kCustomerSelect lists (none of them holds a comma).
constexpr int CountColumns(const char* select) {
  int commas = 0;
  for (const char* p = select; *p != '\0'; ++p) commas += *p == ',';
  return commas + 1;
}
constexpr int kCustomerColumns = CountColumns(CRM_CUSTOMER_COLUMNS);
#undef CRM_CUSTOMER_COLUMNS
#undef CRM_CUSTOMER_TABLES
}  // namespace

v1::Customer ReadCustomer(sql::ResultSet& rs) {
  v1::Customer c;
  c.set_id(rs.getInt64(1));
  c.set_code(rs.getString(2));
  c.set_importance(static_cast<v1::CustomerImportance>(rs.getInt(3)));
  c.set_name(rs.getString(4));
  c.set_keywords(rs.getString(5));
  c.set_country(rs.getString(6));
  c.set_province(rs.getString(7));
  c.set_region_code(rs.getString(8));
  if (!rs.isNull(9)) c.set_city(rs.getString(9));
  c.set_address(rs.getString(10));
  c.set_postcode(rs.getString(11));
  c.set_phone(rs.getString(12));
  c.set_fax(rs.getString(13));
  c.set_email(rs.getString(14));
  c.set_website(rs.getString(15));
  c.set_qq(rs.getString(16));
  c.set_wechat(rs.getString(17));
  if (!rs.isNull(18)) {
    c.mutable_annual_revenue()->set_minor_units(rs.getInt64(18));
    c.mutable_annual_revenue()->set_currency_code(rs.getString(19));
  }
  c.set_employee_count(rs.getInt(20));
  c.set_legal_representative(rs.getString(21));
  if (!rs.isNull(22)) c.set_tax_id(rs.getString(22));
  c.set_bank(rs.getString(23));
  c.set_bank_account(rs.getString(24));
  c.set_industry_code(rs.getString(25));
  c.set_type_code(rs.getString(26));
  c.set_stage_code(rs.getString(27));
  c.set_level_code(rs.getString(28));
  c.set_source_code(rs.getString(29));
  c.set_credit_rating(rs.getString(30));
  c.set_joined_date(rs.getString(31));
  c.set_status(static_cast<v1::CustomerStatus>(rs.getInt(32)));
  c.set_grade(static_cast<v1::CustomerGrade>(rs.getInt(33)));
  c.set_remarks(rs.getString(34));
  c.set_owner_id(rs.getInt64(35));
  c.set_in_pool(c.owner_id() == 0);
  c.set_etag(EtagOf(rs.getInt64(36)));
  SqlDateTimeToTimestamp(rs.getString(37), c.mutable_create_time());
  SqlDateTimeToTimestamp(rs.getString(38), c.mutable_update_time());
  SqlDateTimeToTimestamp(rs.getString(39), c.mutable_last_activity_time());
  c.set_in_recycle_bin(!rs.isNull(40));
  if (!rs.isNull(41)) c.set_credit_code(rs.getString(41));
  return c;
}

void ReadShares(sql::ResultSet& rs, v1::Customer& customer) {
  customer.clear_shared_with_employee_ids();
  if (rs.isNull(kCustomerColumns + 1)) return;
  const std::string ids = rs.getString(kCustomerColumns + 1);
  for (absl::string_view id : absl::StrSplit(ids, ',')) {
    int64_t employee_id = 0;
    if (absl::SimpleAtoi(id, &employee_id)) customer.add_shared_with_employee_ids(employee_id);
  }
}

const char kCustomerInsertHead[] =
    "INSERT INTO customers (code, importance, name, keywords, country, province, region_code,"
    " city_id, address, postcode, phone, fax, email, website, qq, wechat, annual_revenue_minor,"
    " revenue_currency, employee_count, legal_representative, tax_id, bank, bank_account,"
    " industry_code, type_code, stage_code, level_code, source_code, credit_rating, joined_date,"
    " status, grade, remarks, credit_code, name_key, phone_key, owner_id, owner_department_id, "
    "owner_department_path, version,"
    " create_request_id, created_at, updated_at, last_activity_at) VALUES ";
const char kCustomerInsertGroup[] =
    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
    " ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)";

namespace {

// The mutable columns, in the order of kCustomerInsertHead after the code.
int BindMutable(sql::PreparedStatement& s, int i, const v1::Customer& c, int64_t city_id) {
  s.setInt(i++, c.importance());
  s.setString(i++, c.name());
  s.setString(i++, c.keywords());
  s.setString(i++, c.country());
  s.setString(i++, c.province());
  s.setString(i++, c.region_code());
  SetIdOrNull(s, i++, city_id);
  s.setString(i++, c.address());
  s.setString(i++, c.postcode());
  s.setString(i++, c.phone());
  s.setString(i++, c.fax());
  s.setString(i++, c.email());
  s.setString(i++, c.website());
  s.setString(i++, c.qq());
  s.setString(i++, c.wechat());
  if (c.has_annual_revenue()) {
    s.setInt64(i++, c.annual_revenue().minor_units());
  } else {
    s.setNull(i++, 0);
  }
  s.setString(
      i++, c.annual_revenue().currency_code().empty() ? "CNY" : c.annual_revenue().currency_code());
  s.setInt(i++, c.employee_count());
  s.setString(i++, c.legal_representative());
  SetStringOrNull(s, i++, c.tax_id());
  s.setString(i++, c.bank());
  s.setString(i++, c.bank_account());
  s.setString(i++, c.industry_code());
  s.setString(i++, c.type_code());
  s.setString(i++, c.stage_code());
  s.setString(i++, c.level_code());
  s.setString(i++, c.source_code());
  s.setString(i++, c.credit_rating());
  s.setString(i++, c.joined_date());
  s.setInt(i++, c.status());
  s.setInt(i++, c.grade());
  s.setString(i++, c.remarks());
  SetStringOrNull(s, i++, c.credit_code());
  // The keys duplicates are found by (duplicate_keys.h), kept beside what
  // they are made of.
  s.setString(i++, NameKey(c.name()));
  s.setString(i++, PhoneKey(c.phone()));
  return i;
}

}  // namespace

int BindCustomerInsert(sql::PreparedStatement& s, int i, const v1::Customer& c,
                       const RowExtras& extras) {
  s.setString(i++, c.code());
  i = BindMutable(s, i, c, extras.city_id);
  s.setInt64(i++, extras.owner_id);
  s.setInt64(i++, extras.owner_department_id);
  s.setString(i++, extras.owner_department_path);
  SetStringOrNull(s, i++, extras.create_request_key);
  s.setDateTime(i++, extras.now);
  s.setDateTime(i++, extras.now);
  s.setDateTime(i++, extras.now);
  return i;
}

v1::Customer InsertedCustomer(const v1::Customer& customer, int64_t id, const RowExtras& extras) {
  v1::Customer c = customer;
  c.set_id(id);
  if (extras.city_id == 0) c.clear_city();
  if (c.has_annual_revenue() && c.annual_revenue().currency_code().empty()) {
    c.mutable_annual_revenue()->set_currency_code("CNY");
  }
  c.set_owner_id(extras.owner_id);
  c.set_in_pool(extras.owner_id == 0);
  c.set_etag(EtagOf(1));
  SqlDateTimeToTimestamp(extras.now, c.mutable_create_time());
  SqlDateTimeToTimestamp(extras.now, c.mutable_update_time());
  SqlDateTimeToTimestamp(extras.now, c.mutable_last_activity_time());
  c.set_in_recycle_bin(false);
  c.clear_suggested_grade();
  c.clear_shared_with_employee_ids();
  return c;
}

const char kCustomerUpdate[] =
    "UPDATE customers SET importance = ?, name = ?, keywords = ?, country = ?, province = ?,"
    " region_code = ?, city_id = ?, address = ?, postcode = ?, phone = ?, fax = ?, email = ?,"
    " website = ?, qq = ?, wechat = ?, annual_revenue_minor = ?, revenue_currency = ?,"
    " employee_count = ?, legal_representative = ?, tax_id = ?, bank = ?, bank_account = ?,"
    " industry_code = ?, type_code = ?, stage_code = ?, level_code = ?, source_code = ?,"
    " credit_rating = ?, joined_date = ?, status = ?, grade = ?, remarks = ?, credit_code = ?,"
    // A row whose normalised name collided when keys were first computed
    // (keys_version 2) keeps its own name as its key until it is renamed.
    // MariaDB assigns left to right: `name` is the new name by here.
    " name_key = IF(keys_version = 2 AND name_key = name, name_key, ?), phone_key = ?,"
    " keys_version = IF(keys_version = 2 AND name_key = name, 2, 1), last_activity_at = ?"
    " WHERE id = ?";

void BindCustomerUpdate(sql::PreparedStatement& s, const v1::Customer& c, int64_t city_id,
                        const std::string& now) {
  int i = BindMutable(s, 1, c, city_id);
  s.setDateTime(i++, now);
  s.setInt64(i, c.id());
}

char ImportanceLetter(v1::CustomerImportance importance) {
  switch (importance) {
    case v1::CUSTOMER_IMPORTANCE_IMPORTANT:
      return 'i';
    case v1::CUSTOMER_IMPORTANCE_POTENTIAL:
      return 'p';
    default:
      return 'n';
  }
}

}  // namespace crm::customer
