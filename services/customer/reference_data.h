// Regions, cities and dictionary entries as one small snapshot read inside a
// transaction: what validation of a customer needs (is the region known, which
// city and area code, is a dictionary code active).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "crm/customer/v1/customer.pb.h"
#include "crm/customer/v1/reference.pb.h"

namespace crm {
class MySqlConnection;
}

namespace crm::customer {

class ReferenceData {
 public:
  // Reads every region, city and dictionary entry (small tables). Throws
  // sql::SQLException.
  static ReferenceData Load(MySqlConnection& connection);

  bool HasRegion(const std::string& code) const { return regions_.count(code) > 0; }
  // The city named `name` in `region_code`, or nullptr.
  const v1::City* FindCity(const std::string& region_code, const std::string& name) const;
  const v1::City* CityById(int64_t id) const;
  // The entry, or nullptr when the code is unknown.
  const v1::DictionaryEntry* FindEntry(v1::DictionaryKind kind, const std::string& code) const;

  // Checks the references of `customer` against this snapshot: the region
  // exists; the city, when given, is one of the region's; each dictionary
  // code exists and, unless it equals the same field of `before` (an update
  // keeping an old value), is not retired. Field paths are prefixed with
  // `prefix`. INVALID_ARGUMENT naming every bad field.
  absl::Status CheckCustomer(const v1::Customer& customer, const v1::Customer* before,
                             const std::string& prefix) const;

 private:
  std::map<std::string, v1::Region> regions_;
  std::map<std::pair<std::string, std::string>, v1::City> cities_;  // (region, name)
  std::map<int64_t, const v1::City*> cities_by_id_;
  std::map<std::pair<int, std::string>, v1::DictionaryEntry> entries_;
};

// The dictionary fields of a customer, for checks and for CSV.
struct DictionaryField {
  v1::DictionaryKind kind;
  const char* name;  // the Customer field
  const std::string& (v1::Customer::*get)() const;
};
const DictionaryField* CustomerDictionaryFields(int* count);

}  // namespace crm::customer
