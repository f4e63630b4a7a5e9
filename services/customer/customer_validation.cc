// Customer field rules and update masks.
#include "services/customer/customer_validation.h"

#include <google/protobuf/field_mask.pb.h>

#include <functional>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status_util.h"
#include "common/text_checks.h"
#include "crm/customer/v1/customer.pb.h"

namespace crm::customer {
namespace {

using v1::Customer;

// Mutable fields by update-mask path: how to copy one from a patch, and
// whether it holds a non-default value (for an implied mask).
struct MutableField {
  std::function<void(const Customer& from, Customer& to)> copy;
  std::function<bool(const Customer&)> is_set;
};

// A trimmed text field: copied trimmed, set when non-empty.
#define CRM_TEXT_FIELD(f)                                                         \
  {                                                                               \
#f, {                                                                         \
      [](const Customer& from, Customer& to) { to.set_##f(TrimText(from.f())); }, \
          [](const Customer& c) { return !c.f().empty(); }                        \
    }                                                                             \
  }

const std::map<std::string, MutableField>& MutableFields() {
  static const auto* fields = new std::map<std::string, MutableField>{
      CRM_TEXT_FIELD(name),
      CRM_TEXT_FIELD(keywords),
      CRM_TEXT_FIELD(region_code),
      CRM_TEXT_FIELD(city),
      CRM_TEXT_FIELD(address),
      CRM_TEXT_FIELD(phone),
      CRM_TEXT_FIELD(email),
      CRM_TEXT_FIELD(remarks),
      {"status",
       {[](const Customer& f, Customer& t) { t.set_status(f.status()); },
        [](const Customer& c) { return c.status() != 0; }}},
      {"grade",
       {[](const Customer& f, Customer& t) { t.set_grade(f.grade()); },
        [](const Customer& c) { return c.grade() != 0; }}},
  };
  return *fields;
}
#undef CRM_TEXT_FIELD

bool IsRegionCode(const std::string& code) {
  if (code.empty() || code.size() > 32) return false;
  for (char c : code) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '_' && c != '-') return false;
  }
  return true;
}

}  // namespace

void PrepareForCreate(Customer& customer) {
  Customer trimmed;
  for (const auto& [path, field] : MutableFields()) field.copy(customer, trimmed);
  if (trimmed.status() == v1::CUSTOMER_STATUS_UNSPECIFIED) {
    trimmed.set_status(v1::CUSTOMER_STATUS_FOLLOWING_UP);
  }
  if (trimmed.grade() == v1::CUSTOMER_GRADE_UNSPECIFIED) {
    trimmed.set_grade(v1::CUSTOMER_GRADE_POTENTIAL);
  }
  customer = std::move(trimmed);  // output-only fields (id, owner, times, etag) are dropped
}

absl::Status ValidateCustomer(const Customer& c, const std::string& prefix) {
  FieldViolations v;
  auto field = [&](const char* name) { return absl::StrCat(prefix, ".", name); };
  CheckText(v, field("name"), c.name(), 200, Presence::kRequired);
  CheckText(v, field("keywords"), c.keywords(), 500, Presence::kOptional);
  if (c.region_code().empty()) {
    v.Add(field("region_code"), "is required");
  } else if (!IsRegionCode(c.region_code())) {
    v.Add(field("region_code"), "must be a region code such as 'east'");
  }
  CheckText(v, field("city"), c.city(), 64, Presence::kOptional);
  CheckText(v, field("address"), c.address(), 500, Presence::kOptional);
  CheckText(v, field("phone"), c.phone(), 32, Presence::kOptional);
  if (!c.phone().empty() && !LooksLikePhone(c.phone())) {
    v.Add(field("phone"),
          "must be a phone number: at least 3 digits, and only digits, spaces, + - ( ) . /");
  }
  CheckText(v, field("email"), c.email(), 254, Presence::kOptional);
  if (!c.email().empty() && !LooksLikeEmail(c.email())) {
    v.Add(field("email"), "must be an e-mail address");
  }
  CheckText(v, field("remarks"), c.remarks(), 2000, Presence::kOptional, /*multiline=*/true);
  if (!v1::CustomerStatus_IsValid(c.status()) || c.status() == v1::CUSTOMER_STATUS_UNSPECIFIED) {
    v.Add(field("status"), "must be SIGNED, FOLLOWING_UP or TERMINATED");
  }
  if (!v1::CustomerGrade_IsValid(c.grade()) || c.grade() == v1::CUSTOMER_GRADE_UNSPECIFIED) {
    v.Add(field("grade"), "must be EFFECTIVE, POTENTIAL or INTENDED");
  }
  if (c.owner_id() < 0) v.Add(field("owner_id"), "must not be negative");
  return v.ToStatus();
}

absl::Status ApplyUpdateMask(const google::protobuf::FieldMask& mask, const Customer& patch,
                             Customer& target) {
  const auto& fields = MutableFields();
  if (mask.paths_size() == 0) {  // implied mask: every field the patch sets
    for (const auto& [path, field] : fields) {
      if (field.is_set(patch)) field.copy(patch, target);
    }
    return absl::OkStatus();
  }
  FieldViolations v;
  for (const std::string& path : mask.paths()) {
    if (path == "*") {
      for (const auto& [p, field] : fields) field.copy(patch, target);
      continue;
    }
    auto it = fields.find(path);
    if (it != fields.end()) {
      it->second.copy(patch, target);
    } else if (Customer::descriptor()->FindFieldByName(path) != nullptr) {
      v.Add("update_mask", absl::StrCat("field '", path, "' cannot be updated"));
    } else {
      v.Add("update_mask", absl::StrCat("unknown field '", path, "'"));
    }
  }
  return v.ToStatus();
}

absl::Status ValidateCreateRequestId(const std::string& request_id) {
  FieldViolations v;
  CheckText(v, "request_id", request_id, 64, Presence::kOptional);
  return v.ToStatus();
}

}  // namespace crm::customer
