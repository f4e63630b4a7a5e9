// The column table: how each CSV column reads into an ImportRow and is
// written from a customer.
#include "services/customer/customer_csv.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/reflection.h>

#include <functional>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/text/decimal_text.h"

namespace crm::customer {
namespace {

using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;
using v1::Contact;
using v1::Customer;

struct Column {
  std::string name;
  // Sets the row's field from non-empty text; an error message or "".
  std::function<std::string(const std::string& text, v1::ImportRow& row)> read;
  std::function<std::string(const Customer&, const Contact*)> write;
};

// A string field of Customer, by reflection (the column is the field's name).
Column CustomerText(const std::string& name) {
  const FieldDescriptor* field = Customer::descriptor()->FindFieldByName(name);
  return {name,
          [field](const std::string& text, v1::ImportRow& row) {
            Customer* c = row.mutable_customer();
            c->GetReflection()->SetString(c, field, text);
            return std::string();
          },
          [field](const Customer& c, const Contact*) {
            return c.GetReflection()->GetString(c, field);
          }};
}

// A string field of the primary contact.
Column ContactText(const std::string& column, const std::string& field_name) {
  const FieldDescriptor* field = Contact::descriptor()->FindFieldByName(field_name);
  return {column,
          [field](const std::string& text, v1::ImportRow& row) {
            Contact* c = row.mutable_primary_contact();
            c->GetReflection()->SetString(c, field, text);
            return std::string();
          },
          [field](const Customer&, const Contact* contact) {
            return contact == nullptr ? std::string()
                                      : contact->GetReflection()->GetString(*contact, field);
          }};
}

// An enum field: its number, its full name (CUSTOMER_STATUS_SIGNED) or the
// name without the type's prefix (SIGNED, signed), plus `aliases`.
Column CustomerEnum(const std::string& name, const std::string& prefix,
                    std::map<std::string, int> aliases = {}) {
  const FieldDescriptor* field = Customer::descriptor()->FindFieldByName(name);
  const EnumDescriptor* type = field->enum_type();
  return {name,
          [field, type, prefix, aliases](const std::string& text, v1::ImportRow& row) {
            const std::string upper = absl::AsciiStrToUpper(text);
            int number = 0;
            const google::protobuf::EnumValueDescriptor* value = nullptr;
            if (auto alias = aliases.find(absl::AsciiStrToLower(text)); alias != aliases.end()) {
              value = type->FindValueByNumber(alias->second);
            } else if (absl::SimpleAtoi(text, &number)) {
              value = type->FindValueByNumber(number);
            } else {
              value = type->FindValueByName(upper);
              if (value == nullptr) value = type->FindValueByName(prefix + upper);
            }
            if (value == nullptr || value->number() == 0) {
              return absl::StrCat("'", text, "' is not a ", field->name());
            }
            Customer* c = row.mutable_customer();
            c->GetReflection()->SetEnumValue(c, field, value->number());
            return std::string();
          },
          [field, prefix](const Customer& c, const Contact*) {
            const int number = c.GetReflection()->GetEnumValue(c, field);
            if (number == 0) return std::string();
            std::string name = field->enum_type()->FindValueByNumber(number)->name();
            return std::string(absl::StripPrefix(name, prefix));
          }};
}

const std::vector<Column>& Columns() {
  static const auto* columns = [] {
    auto* list = new std::vector<Column>;
    auto text = [&](const char* name) { list->push_back(CustomerText(name)); };
    text("code");
    text("name");
    list->push_back(CustomerEnum("importance", "CUSTOMER_IMPORTANCE_",
                                 {{"i", v1::CUSTOMER_IMPORTANCE_IMPORTANT},
                                  {"n", v1::CUSTOMER_IMPORTANCE_NORMAL},
                                  {"p", v1::CUSTOMER_IMPORTANCE_POTENTIAL}}));
    for (const char* name : {"region_code", "city", "address", "phone", "email"}) text(name);
    list->push_back(CustomerEnum("status", "CUSTOMER_STATUS_"));
    list->push_back(CustomerEnum("grade", "CUSTOMER_GRADE_"));
    for (const char* name :
         {"keywords", "country", "province", "postcode", "fax", "website", "qq", "wechat"}) {
      text(name);
    }
    list->push_back({"annual_revenue",
                     [](const std::string& t, v1::ImportRow& row) {
                       std::optional<int64_t> fen = ParseDecimal(t, 2);
                       if (!fen) return std::string("must be an amount in yuan, e.g. 1250000.50");
                       row.mutable_customer()->mutable_annual_revenue()->set_minor_units(*fen);
                       return std::string();
                     },
                     [](const Customer& c, const Contact*) {
                       return c.has_annual_revenue()
                                  ? FormatDecimal(c.annual_revenue().minor_units(), 2)
                                  : std::string();
                     }});
    list->push_back({"employee_count",
                     [](const std::string& t, v1::ImportRow& row) {
                       int32_t count = 0;
                       if (!absl::SimpleAtoi(t, &count)) return std::string("must be a number");
                       row.mutable_customer()->set_employee_count(count);
                       return std::string();
                     },
                     [](const Customer& c, const Contact*) {
                       return c.employee_count() == 0 ? std::string()
                                                      : absl::StrCat(c.employee_count());
                     }});
    for (const char* name :
         {"legal_representative", "tax_id", "credit_code", "bank", "bank_account", "industry_code",
          "type_code", "stage_code", "level_code", "source_code", "credit_rating", "joined_date",
          "remarks"}) {
      text(name);
    }
    list->push_back(ContactText("contact_name", "name"));
    list->push_back(ContactText("contact_mobile", "mobile_phone"));
    list->push_back(ContactText("contact_phone", "office_phone"));
    list->push_back(ContactText("contact_email", "email"));
    list->push_back(ContactText("contact_position", "position"));
    return list;
  }();
  return *columns;
}

}  // namespace

absl::StatusOr<CustomerCsvLayout> CustomerCsvLayout::FromHeader(
    const std::vector<std::string>& header) {
  std::map<std::string, int> by_name;
  for (size_t i = 0; i < Columns().size(); ++i) by_name[Columns()[i].name] = static_cast<int>(i);
  CustomerCsvLayout layout;
  std::vector<bool> seen(Columns().size(), false);
  for (const std::string& raw : header) {
    const std::string name = absl::AsciiStrToLower(absl::StripAsciiWhitespace(raw));
    auto it = by_name.find(name);
    if (it == by_name.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("CSV header: unknown column '", raw, "' (see bulk.proto for the columns)"));
    }
    if (seen[it->second]) {
      return absl::InvalidArgumentError(absl::StrCat("CSV header: column '", name, "' repeats"));
    }
    seen[it->second] = true;
    layout.columns_.push_back(it->second);
  }
  if (!seen[by_name["name"]]) return absl::InvalidArgumentError("CSV header: no 'name' column");
  return layout;
}

v1::ImportRow CustomerCsvLayout::Read(const std::vector<std::string>& record,
                                      std::vector<CsvFieldError>& errors) const {
  v1::ImportRow row;
  row.mutable_customer();
  if (record.size() != columns_.size()) {
    errors.emplace_back(
        "", absl::StrCat("has ", record.size(), " fields, the header has ", columns_.size()));
    return row;
  }
  for (size_t i = 0; i < record.size(); ++i) {
    const std::string value(absl::StripAsciiWhitespace(record[i]));
    if (value.empty()) continue;
    const Column& column = Columns()[columns_[i]];
    if (std::string error = column.read(value, row); !error.empty()) {
      errors.emplace_back(column.name, std::move(error));
    }
  }
  return row;
}

std::vector<std::string> CustomerCsvHeader() {
  std::vector<std::string> names;
  for (const Column& column : Columns()) names.push_back(column.name);
  return names;
}

std::vector<std::string> CustomerCsvRecord(const Customer& customer, const Contact* primary) {
  std::vector<std::string> fields;
  fields.reserve(Columns().size());
  for (const Column& column : Columns()) fields.push_back(column.write(customer, primary));
  return fields;
}

}  // namespace crm::customer
