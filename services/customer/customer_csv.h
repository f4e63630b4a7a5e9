// The CSV form of customers for import and export (bulk.proto): columns named
// by the header line, Customer field names plus the primary contact's
// contact_* columns. Export writes every column, so its output imports again.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/customer/v1/bulk.pb.h"

namespace crm::customer {

// A problem with one field of one row: (column, message).
using CsvFieldError = std::pair<std::string, std::string>;

// Which column of a file is which field.
class CustomerCsvLayout {
 public:
  // INVALID_ARGUMENT for an unknown or repeated column, or no "name" column.
  static absl::StatusOr<CustomerCsvLayout> FromHeader(const std::vector<std::string>& header);

  // The row a record holds. Values that cannot be read (a revenue that is no
  // number, a status no status has) are left unset and reported in `errors`;
  // so is a record whose field count differs from the header's.
  v1::ImportRow Read(const std::vector<std::string>& record,
                     std::vector<CsvFieldError>& errors) const;

 private:
  std::vector<int> columns_;  // per file column: index into the column table
};

// Every column, in export order.
std::vector<std::string> CustomerCsvHeader();
// One customer (and its primary contact, or nullptr) as a record of
// CustomerCsvHeader()'s columns.
std::vector<std::string> CustomerCsvRecord(const v1::Customer& customer,
                                           const v1::Contact* primary_contact);

}  // namespace crm::customer
