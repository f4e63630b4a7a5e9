// Where an export's rows come from: a page at a time, each row as CSV cells.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/text/csv_export.h"

namespace crm::reporting {

using CsvRow = std::vector<CsvCell>;

class RowSource {
 public:
  virtual ~RowSource() = default;
  virtual std::vector<std::string> Header() const = 0;
  // Appends the next page of rows to `rows`; false once there were none left.
  virtual absl::StatusOr<bool> Next(std::vector<CsvRow>& rows) = 0;
};

}  // namespace crm::reporting
