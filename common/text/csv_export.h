// CSV files for people to open in a spreadsheet (exports, R32): cells that a
// spreadsheet would run as a formula are made text, and the file is UTF-8
// with a byte-order mark (Excel on Chinese Windows reads it right) or
// GB18030 on request.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crm {

// A cell: text (made safe for spreadsheets) or a number written as is.
struct CsvNumber {
  std::string text;  // e.g. "-12.34": a figure the exporter formatted
};
using CsvCell = std::variant<std::string, CsvNumber>;

// Text that a spreadsheet would read as a formula (starting with '=', '+',
// '-', '@', a tab or a carriage return) gets a leading apostrophe, which
// spreadsheets show as text and do not run.
std::string SpreadsheetText(absl::string_view text);

// Fen as yuan with two decimals, e.g. -1234 → "-12.34".
CsvNumber YuanCell(int64_t fen);
CsvNumber IntegerCell(int64_t value);

enum class CsvEncoding { kUtf8WithBom, kGb18030 };

// Records are built in UTF-8 (AppendCells), then a whole piece of the file
// is converted at once (Encode).
class CsvWriter {
 public:
  explicit CsvWriter(CsvEncoding encoding) : encoding_(encoding) {}

  // The file's first bytes: the byte-order mark for UTF-8, nothing for
  // GB18030.
  std::string Start() const;
  // Appends one CRLF-terminated record to `utf8`.
  static void AppendCells(std::string& utf8, const std::vector<CsvCell>& cells);
  static void AppendHeader(std::string& utf8, const std::vector<std::string>& names);
  // `utf8` in the file's encoding. INVALID_ARGUMENT for text that is not
  // valid UTF-8 (GB18030 has a form for every Unicode character).
  absl::StatusOr<std::string> Encode(std::string utf8) const;

 private:
  CsvEncoding encoding_;
};

}  // namespace crm
