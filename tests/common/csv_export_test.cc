// Spreadsheet-safe cells, yuan figures and the GB18030 file encoding.
#include "common/text/csv_export.h"

#include <gtest/gtest.h>

namespace crm {
namespace {

TEST(CsvExportTest, FormulaLookingTextBecomesText) {
  EXPECT_EQ(SpreadsheetText("=SUM(A1:A9)"), "'=SUM(A1:A9)");
  EXPECT_EQ(SpreadsheetText("+86 138"), "'+86 138");
  EXPECT_EQ(SpreadsheetText("-2"), "'-2");
  EXPECT_EQ(SpreadsheetText("@cmd"), "'@cmd");
  EXPECT_EQ(SpreadsheetText("\tx"), "'\tx");
  EXPECT_EQ(SpreadsheetText("华东 = 东部"), "华东 = 东部");
  EXPECT_EQ(SpreadsheetText(""), "");
}

TEST(CsvExportTest, NumbersAreWrittenAsTheyAre) {
  std::string utf8;
  CsvWriter::AppendCells(utf8, {std::string("-1"), YuanCell(-1234), YuanCell(5), IntegerCell(-7)});
  EXPECT_EQ(utf8, "'-1,-12.34,0.05,-7\r\n");
  EXPECT_EQ(YuanCell(INT64_MIN).text, "-92233720368547758.08");
  EXPECT_EQ(YuanCell(100).text, "1.00");
}

TEST(CsvExportTest, TheFileIsUtf8WithABomOrGb18030) {
  const CsvWriter utf8(CsvEncoding::kUtf8WithBom);
  EXPECT_EQ(utf8.Start(), "\xEF\xBB\xBF");
  EXPECT_EQ(utf8.Encode("客户").value(), "客户");
  const CsvWriter gb(CsvEncoding::kGb18030);
  EXPECT_EQ(gb.Start(), "");
  EXPECT_EQ(gb.Encode("客户,A\r\n").value(), "\xBF\xCD\xBB\xA7,A\r\n");  // 客 BFCD, 户 BBA7
  // A character outside GB2312 takes GB18030's four-byte form.
  EXPECT_EQ(gb.Encode("\xF0\x9F\x98\x80").value().size(), 4u);  // U+1F600
  EXPECT_EQ(gb.Encode("\xFF").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace crm
