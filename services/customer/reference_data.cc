// ReferenceData.
#include "services/customer/reference_data.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"
#include "common/db/mysql_pool.h"

namespace crm::customer {
namespace {

const DictionaryField kDictionaryFields[] = {
    {v1::DICTIONARY_KIND_CUSTOMER_TYPE, "type_code", &v1::Customer::type_code},
    {v1::DICTIONARY_KIND_STAGE, "stage_code", &v1::Customer::stage_code},
    {v1::DICTIONARY_KIND_LEVEL, "level_code", &v1::Customer::level_code},
    {v1::DICTIONARY_KIND_SOURCE, "source_code", &v1::Customer::source_code},
    {v1::DICTIONARY_KIND_INDUSTRY, "industry_code", &v1::Customer::industry_code},
};

}  // namespace

const DictionaryField* CustomerDictionaryFields(int* count) {
  *count = sizeof(kDictionaryFields) / sizeof(kDictionaryFields[0]);
  return kDictionaryFields;
}

ReferenceData ReferenceData::Load(MySqlConnection& c) {
  ReferenceData data;
  {
    std::unique_ptr<sql::ResultSet> rs(
        c.Prepare("SELECT code, name, sort_order FROM regions").executeQuery());
    while (rs->next()) {
      v1::Region region;
      region.set_code(rs->getString(1));
      region.set_name(rs->getString(2));
      region.set_sort_order(rs->getInt(3));
      data.regions_[region.code()] = region;
    }
  }
  {
    std::unique_ptr<sql::ResultSet> rs(
        c.Prepare("SELECT id, region_code, name, province, area_code, sort_order FROM cities")
            .executeQuery());
    while (rs->next()) {
      v1::City city;
      city.set_id(rs->getInt64(1));
      city.set_region_code(rs->getString(2));
      city.set_name(rs->getString(3));
      city.set_province(rs->getString(4));
      city.set_area_code(rs->getString(5));
      city.set_sort_order(rs->getInt(6));
      auto [it, inserted] =
          data.cities_.emplace(std::make_pair(city.region_code(), city.name()), city);
      data.cities_by_id_[city.id()] = &it->second;
    }
  }
  {
    std::unique_ptr<sql::ResultSet> rs(
        c.Prepare("SELECT kind, code, name, retired, sort_order FROM dictionary_entries")
            .executeQuery());
    while (rs->next()) {
      v1::DictionaryEntry entry;
      entry.set_kind(static_cast<v1::DictionaryKind>(rs->getInt(1)));
      entry.set_code(rs->getString(2));
      entry.set_name(rs->getString(3));
      entry.set_retired(rs->getInt(4) != 0);
      entry.set_sort_order(rs->getInt(5));
      data.entries_[{entry.kind(), entry.code()}] = entry;
    }
  }
  return data;
}

const v1::City* ReferenceData::FindCity(const std::string& region_code,
                                        const std::string& name) const {
  auto it = cities_.find({region_code, name});
  return it == cities_.end() ? nullptr : &it->second;
}

const v1::City* ReferenceData::CityById(int64_t id) const {
  auto it = cities_by_id_.find(id);
  return it == cities_by_id_.end() ? nullptr : it->second;
}

const v1::DictionaryEntry* ReferenceData::FindEntry(v1::DictionaryKind kind,
                                                    const std::string& code) const {
  auto it = entries_.find({kind, code});
  return it == entries_.end() ? nullptr : &it->second;
}

absl::Status ReferenceData::CheckCustomer(const v1::Customer& customer, const v1::Customer* before,
                                          const std::string& prefix) const {
  FieldViolations v;
  auto field = [&](const char* name) { return absl::StrCat(prefix, ".", name); };
  if (!HasRegion(customer.region_code())) {
    v.Add(field("region_code"),
          absl::StrCat("unknown region '", customer.region_code(), "' (see ListRegions)"));
  } else if (!customer.city().empty() &&
             FindCity(customer.region_code(), customer.city()) == nullptr) {
    v.Add(field("city"), absl::StrCat("'", customer.city(), "' is not a city of region '",
                                      customer.region_code(), "' (see ListCities)"));
  }
  int count = 0;
  const DictionaryField* fields = CustomerDictionaryFields(&count);
  for (int i = 0; i < count; ++i) {
    const std::string& code = (customer.*fields[i].get)();
    if (code.empty()) continue;
    const v1::DictionaryEntry* entry = FindEntry(fields[i].kind, code);
    if (entry == nullptr) {
      v.Add(field(fields[i].name),
            absl::StrCat("unknown code '", code, "' (see ListDictionaryEntries)"));
    } else if (entry->retired() && (before == nullptr || (before->*fields[i].get)() != code)) {
      v.Add(field(fields[i].name),
            absl::StrCat("'", code, "' is retired and cannot be given to a customer anymore"));
    }
  }
  return v.ToStatus();
}

}  // namespace crm::customer
