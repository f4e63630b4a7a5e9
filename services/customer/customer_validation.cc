// Customer field rules and update masks.
#include "services/customer/customer_validation.h"

#include <google/protobuf/field_mask.pb.h>

#include <functional>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/base/dates.h"
#include "common/base/status_util.h"
#include "common/rpc/update_mask.h"
#include "common/text/text_checks.h"
#include "crm/customer/v1/customer.pb.h"
#include "services/customer/duplicate_keys.h"
#include "services/customer/reference_handlers.h"

namespace crm::customer {
namespace {

using v1::Customer;

#define CRM_TEXT_FIELD(f)                                                         \
  {                                                                               \
#f, {                                                                         \
      [](const Customer& from, Customer& to) { to.set_##f(TrimText(from.f())); }, \
          [](const Customer& c) { return !c.f().empty(); }                        \
    }                                                                             \
  }
#define CRM_SCALAR_FIELD(f)                                             \
  {                                                                     \
#f, {                                                               \
      [](const Customer& from, Customer& to) { to.set_##f(from.f()); }, \
          [](const Customer& c) { return c.f() != 0; }                  \
    }                                                                   \
  }

const MaskFields<Customer>& MutableFields() {
  static const auto* fields = new MaskFields<Customer>{
      CRM_TEXT_FIELD(name),
      CRM_TEXT_FIELD(keywords),
      CRM_TEXT_FIELD(country),
      CRM_TEXT_FIELD(province),
      CRM_TEXT_FIELD(region_code),
      CRM_TEXT_FIELD(city),
      CRM_TEXT_FIELD(address),
      CRM_TEXT_FIELD(postcode),
      CRM_TEXT_FIELD(phone),
      CRM_TEXT_FIELD(fax),
      CRM_TEXT_FIELD(email),
      CRM_TEXT_FIELD(website),
      CRM_TEXT_FIELD(qq),
      CRM_TEXT_FIELD(wechat),
      CRM_TEXT_FIELD(legal_representative),
      {"tax_id",
       {[](const Customer& f, Customer& t) { t.set_tax_id(NormalizeTaxId(f.tax_id())); },
        [](const Customer& c) { return !c.tax_id().empty(); }}},
      CRM_TEXT_FIELD(credit_code),
      CRM_TEXT_FIELD(bank),
      CRM_TEXT_FIELD(bank_account),
      CRM_TEXT_FIELD(industry_code),
      CRM_TEXT_FIELD(type_code),
      CRM_TEXT_FIELD(stage_code),
      CRM_TEXT_FIELD(level_code),
      CRM_TEXT_FIELD(source_code),
      CRM_TEXT_FIELD(credit_rating),
      CRM_TEXT_FIELD(joined_date),
      CRM_TEXT_FIELD(remarks),
      CRM_SCALAR_FIELD(status),
      CRM_SCALAR_FIELD(grade),
      CRM_SCALAR_FIELD(importance),
      CRM_SCALAR_FIELD(employee_count),
      {"annual_revenue",
       {[](const Customer& f, Customer& t) {
          if (f.has_annual_revenue()) {
            *t.mutable_annual_revenue() = f.annual_revenue();
            if (t.annual_revenue().currency_code().empty()) {
              t.mutable_annual_revenue()->set_currency_code("CNY");
            }
          } else {
            t.clear_annual_revenue();
          }
        },
        [](const Customer& c) { return c.has_annual_revenue(); }}},
  };
  return *fields;
}
#undef CRM_TEXT_FIELD
#undef CRM_SCALAR_FIELD

bool AllOf(const std::string& text, const std::function<bool(char)>& ok) {
  for (char c : text) {
    if (!ok(c)) return false;
  }
  return true;
}

void CheckEnum(FieldViolations& v, const std::string& field, bool valid, int value,
               const char* names) {
  if (!valid || value == 0) v.Add(field, absl::StrCat("must be ", names));
}

}  // namespace

std::string NormalizeTaxId(const std::string& tax_id) {
  return absl::AsciiStrToUpper(TrimText(tax_id));
}

void PrepareForCreate(Customer& customer, const CreateDefaults& defaults) {
  Customer clean;
  for (const auto& [path, field] : MutableFields()) field.copy(customer, clean);
  if (clean.status() == v1::CUSTOMER_STATUS_UNSPECIFIED) {
    clean.set_status(v1::CUSTOMER_STATUS_FOLLOWING_UP);
  }
  if (clean.importance() == v1::CUSTOMER_IMPORTANCE_UNSPECIFIED) {
    clean.set_importance(v1::CUSTOMER_IMPORTANCE_NORMAL);
  }
  if (clean.country().empty()) clean.set_country("中国");
  if (clean.joined_date().empty()) clean.set_joined_date(defaults.today);
  if (clean.grade() == v1::CUSTOMER_GRADE_UNSPECIFIED) {
    const v1::CustomerGrade suggested = SuggestGrade(clean, defaults.thresholds);
    clean.set_grade(suggested == v1::CUSTOMER_GRADE_UNSPECIFIED ? v1::CUSTOMER_GRADE_POTENTIAL
                                                                : suggested);
  }
  customer = std::move(clean);  // output-only fields (id, code, owner, times, etag) are dropped
}

absl::Status ValidateCustomer(const Customer& c, const std::string& prefix) {
  FieldViolations v;
  auto field = [&](const char* name) { return absl::StrCat(prefix, ".", name); };
  CheckText(v, field("name"), c.name(), 200, Presence::kRequired);
  CheckText(v, field("keywords"), c.keywords(), 500, Presence::kOptional);
  CheckText(v, field("country"), c.country(), 64, Presence::kOptional);
  CheckText(v, field("province"), c.province(), 64, Presence::kOptional);
  if (c.region_code().empty()) {
    v.Add(field("region_code"), "is required");
  } else if (!IsReferenceCode(c.region_code())) {
    v.Add(field("region_code"), "must be a region code such as 'east'");
  }
  CheckText(v, field("city"), c.city(), 64, Presence::kOptional);
  CheckText(v, field("address"), c.address(), 500, Presence::kOptional);
  CheckText(v, field("postcode"), c.postcode(), 16, Presence::kOptional);
  if (!AllOf(c.postcode(),
             [](char ch) { return absl::ascii_isalnum(ch) || ch == '-' || ch == ' '; })) {
    v.Add(field("postcode"), "must hold only letters, digits, '-' and spaces");
  }
  CheckPhone(v, field("phone"), c.phone());
  CheckPhone(v, field("fax"), c.fax());
  CheckEmail(v, field("email"), c.email());
  CheckText(v, field("website"), c.website(), 254, Presence::kOptional);
  CheckQq(v, field("qq"), c.qq());
  CheckText(v, field("wechat"), c.wechat(), 64, Presence::kOptional);
  if (c.has_annual_revenue()) {
    if (c.annual_revenue().minor_units() < 0) {
      v.Add(field("annual_revenue"), "must not be negative");
    }
    if (c.annual_revenue().currency_code() != "CNY" &&
        !c.annual_revenue().currency_code().empty()) {
      v.Add(field("annual_revenue.currency_code"), "only CNY is supported");
    }
  }
  if (c.employee_count() < 0) v.Add(field("employee_count"), "must not be negative");
  CheckText(v, field("legal_representative"), c.legal_representative(), 64, Presence::kOptional);
  CheckText(v, field("tax_id"), c.tax_id(), 32, Presence::kOptional);
  if (!AllOf(c.tax_id(), absl::ascii_isalnum)) {
    v.Add(field("tax_id"), "must hold only letters and digits");
  }
  if (!c.credit_code().empty()) {
    if (std::optional<std::string> problem = CreditCodeProblem(c.credit_code())) {
      v.Add(field("credit_code"), *problem);
    }
  }
  CheckText(v, field("bank"), c.bank(), 128, Presence::kOptional);
  CheckText(v, field("bank_account"), c.bank_account(), 64, Presence::kOptional);
  if (!AllOf(c.bank_account(),
             [](char ch) { return absl::ascii_isdigit(ch) || ch == ' ' || ch == '-'; })) {
    v.Add(field("bank_account"), "must hold only digits, spaces and '-'");
  }
  for (auto [name, value] :
       {std::pair<const char*, const std::string*>{"industry_code", &c.industry_code()},
        {"type_code", &c.type_code()},
        {"stage_code", &c.stage_code()},
        {"level_code", &c.level_code()},
        {"source_code", &c.source_code()}}) {
    if (!value->empty() && !IsReferenceCode(*value)) {
      v.Add(field(name), "must be a dictionary code (see ListDictionaryEntries)");
    }
  }
  CheckText(v, field("credit_rating"), c.credit_rating(), 16, Presence::kOptional);
  if (c.joined_date().empty()) {
    v.Add(field("joined_date"), "is required");
  } else if (!ParseIsoDate(c.joined_date()).ok()) {
    v.Add(field("joined_date"), "must be a date YYYY-MM-DD");
  }
  CheckText(v, field("remarks"), c.remarks(), 2000, Presence::kOptional, /*multiline=*/true);
  CheckEnum(v, field("status"), v1::CustomerStatus_IsValid(c.status()), c.status(),
            "SIGNED, FOLLOWING_UP or TERMINATED");
  CheckEnum(v, field("grade"), v1::CustomerGrade_IsValid(c.grade()), c.grade(),
            "EFFECTIVE, POTENTIAL or INTENDED");
  CheckEnum(v, field("importance"), v1::CustomerImportance_IsValid(c.importance()), c.importance(),
            "IMPORTANT, NORMAL or POTENTIAL");
  return v.ToStatus();
}

absl::Status ApplyUpdateMask(const google::protobuf::FieldMask& mask, const Customer& patch,
                             Customer& target) {
  return ApplyMask(mask, MutableFields(), patch, target);
}

}  // namespace crm::customer
