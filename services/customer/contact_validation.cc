// Contact field rules and update masks.
#include "services/customer/contact_validation.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"
#include "common/rpc/update_mask.h"
#include "common/text/text_checks.h"
#include "crm/customer/v1/contact.pb.h"
#include "services/customer/care_reminders.h"

namespace crm::customer {
namespace {

using v1::Contact;

void CopyAnniversaries(const Contact& from, Contact& to) {
  to.clear_anniversaries();
  for (const v1::Anniversary& a : from.anniversaries()) {
    v1::Anniversary* copy = to.add_anniversaries();
    copy->set_date(TrimText(a.date()));
    copy->set_description(TrimText(a.description()));
  }
}

const MaskFields<Contact>& MutableFields() {
  static const auto* fields = new MaskFields<Contact>{
      {"name", TextField(&Contact::name, &Contact::mutable_name)},
      {"salutation", TextField(&Contact::salutation, &Contact::mutable_salutation)},
      {"primary", ScalarField(&Contact::primary, &Contact::set_primary)},
      {"department", TextField(&Contact::department, &Contact::mutable_department)},
      {"position", TextField(&Contact::position, &Contact::mutable_position)},
      {"office_phone", TextField(&Contact::office_phone, &Contact::mutable_office_phone)},
      {"mobile_phone", TextField(&Contact::mobile_phone, &Contact::mutable_mobile_phone)},
      {"home_phone", TextField(&Contact::home_phone, &Contact::mutable_home_phone)},
      {"fax", TextField(&Contact::fax, &Contact::mutable_fax)},
      {"email", TextField(&Contact::email, &Contact::mutable_email)},
      {"qq", TextField(&Contact::qq, &Contact::mutable_qq)},
      {"wechat", TextField(&Contact::wechat, &Contact::mutable_wechat)},
      {"birthday", TextField(&Contact::birthday, &Contact::mutable_birthday)},
      {"hobbies", TextField(&Contact::hobbies, &Contact::mutable_hobbies)},
      {"anniversaries",
       {CopyAnniversaries, [](const Contact& c) { return c.anniversaries_size() > 0; }}},
      {"address", TextField(&Contact::address, &Contact::mutable_address)},
      {"remarks", TextField(&Contact::remarks, &Contact::mutable_remarks)},
      {"owner_id", ScalarField(&Contact::owner_id, &Contact::set_owner_id)},
  };
  return *fields;
}

}  // namespace

void PrepareContactForCreate(Contact& contact) {
  Contact clean;
  clean.set_customer_id(contact.customer_id());
  for (const auto& [path, field] : MutableFields()) field.copy(contact, clean);
  contact = std::move(clean);  // id, times and etag are output only
}

absl::Status ValidateContact(const Contact& c, const std::string& prefix) {
  FieldViolations v;
  auto field = [&](const std::string& name) { return absl::StrCat(prefix, ".", name); };
  if (c.customer_id() <= 0) v.Add(field("customer_id"), "must be a positive customer id");
  CheckText(v, field("name"), c.name(), 100, Presence::kRequired);
  CheckText(v, field("salutation"), c.salutation(), 32, Presence::kOptional);
  CheckText(v, field("department"), c.department(), 100, Presence::kOptional);
  CheckText(v, field("position"), c.position(), 100, Presence::kOptional);
  CheckPhone(v, field("office_phone"), c.office_phone());
  CheckPhone(v, field("mobile_phone"), c.mobile_phone());
  CheckPhone(v, field("home_phone"), c.home_phone());
  CheckPhone(v, field("fax"), c.fax());
  CheckEmail(v, field("email"), c.email());
  CheckQq(v, field("qq"), c.qq());
  CheckText(v, field("wechat"), c.wechat(), 64, Presence::kOptional);
  if (!c.birthday().empty() && !ParseAnnualDate(c.birthday()).ok()) {
    v.Add(field("birthday"), "must be a date as MM-DD or YYYY-MM-DD");
  }
  CheckText(v, field("hobbies"), c.hobbies(), 500, Presence::kOptional, /*multiline=*/true);
  if (c.anniversaries_size() > kMaxAnniversaries) {
    v.Add(field("anniversaries"), absl::StrCat("must be at most ", kMaxAnniversaries));
  }
  for (int i = 0; i < c.anniversaries_size() && i < kMaxAnniversaries; ++i) {
    const v1::Anniversary& a = c.anniversaries(i);
    const std::string at = field(absl::StrCat("anniversaries[", i, "]"));
    if (a.date().empty()) {
      v.Add(at + ".date", "is required");
    } else if (!ParseAnnualDate(a.date()).ok()) {
      v.Add(at + ".date", "must be a date as MM-DD or YYYY-MM-DD");
    }
    CheckText(v, at + ".description", a.description(), 100, Presence::kRequired);
  }
  CheckText(v, field("address"), c.address(), 500, Presence::kOptional);
  CheckText(v, field("remarks"), c.remarks(), 2000, Presence::kOptional, /*multiline=*/true);
  if (c.owner_id() < 0) v.Add(field("owner_id"), "must be an employee id");
  return v.ToStatus();
}

absl::Status ApplyContactMask(const google::protobuf::FieldMask& mask, const Contact& patch,
                              Contact& target) {
  return ApplyMask(mask, MutableFields(), patch, target);
}

}  // namespace crm::customer
