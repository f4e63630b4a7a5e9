// CsvWriter: records through AppendCsvRecord, converted by iconv for GB18030.
#include "common/text/csv_export.h"

#include <iconv.h>

#include <cerrno>
#include <cstdlib>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/text/csv.h"

namespace crm {
namespace {

// One conversion descriptor per piece: iconv_t keeps state and is not
// shareable between threads, and opening one is cheap next to a page of rows.
absl::StatusOr<std::string> ToGb18030(const std::string& utf8) {
  iconv_t cd = iconv_open("GB18030", "UTF-8");
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    return absl::InternalError("this system cannot convert to GB18030");
  }
  std::unique_ptr<void, int (*)(iconv_t)> close(cd, &iconv_close);
  std::string out(utf8.size() * 2 + 16, '\0');  // GB18030 needs at most 4 bytes per character
  char* in_ptr = const_cast<char*>(utf8.data());
  size_t in_left = utf8.size();
  char* out_ptr = out.data();
  size_t out_left = out.size();
  while (in_left > 0) {
    if (iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left) != static_cast<size_t>(-1)) continue;
    if (errno == E2BIG) {
      const size_t used = out.size() - out_left;
      out.resize(out.size() * 2);
      out_ptr = out.data() + used;
      out_left = out.size() - used;
      continue;
    }
    return absl::InvalidArgumentError("the text is not valid UTF-8 and cannot be exported");
  }
  out.resize(out.size() - out_left);
  return out;
}

}  // namespace

std::string SpreadsheetText(absl::string_view text) {
  if (!text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' ||
                        text[0] == '\t' || text[0] == '\r')) {
    return absl::StrCat("'", text);
  }
  return std::string(text);
}

CsvNumber YuanCell(int64_t fen) {
  const uint64_t magnitude =
      fen < 0 ? static_cast<uint64_t>(-(fen + 1)) + 1 : static_cast<uint64_t>(fen);
  return {absl::StrFormat("%s%d.%02d", fen < 0 ? "-" : "", magnitude / 100, magnitude % 100)};
}

CsvNumber IntegerCell(int64_t value) { return {absl::StrCat(value)}; }

std::string CsvWriter::Start() const {
  return encoding_ == CsvEncoding::kUtf8WithBom ? std::string("\xEF\xBB\xBF") : std::string();
}

absl::StatusOr<std::string> CsvWriter::Encode(std::string utf8) const {
  if (encoding_ == CsvEncoding::kUtf8WithBom) return utf8;
  return ToGb18030(utf8);
}

void CsvWriter::AppendCells(std::string& utf8, const std::vector<CsvCell>& cells) {
  std::vector<std::string> fields;
  fields.reserve(cells.size());
  for (const CsvCell& cell : cells) {
    if (const auto* text = std::get_if<std::string>(&cell)) {
      fields.push_back(SpreadsheetText(*text));
    } else {
      fields.push_back(std::get<CsvNumber>(cell).text);
    }
  }
  AppendCsvRecord(utf8, fields);
}

void CsvWriter::AppendHeader(std::string& utf8, const std::vector<std::string>& names) {
  AppendCsvRecord(utf8, names);
}

}  // namespace crm
