// CsvReader on RFC 4180 input cut into slices at every possible place, and
// AppendCsvRecord read back by it.
#include "common/text/csv.h"

#include <gtest/gtest.h>

#include <random>

#include "absl/status/statusor.h"

namespace crm {
namespace {

using Records = std::vector<std::vector<std::string>>;

absl::StatusOr<Records> Read(const std::vector<std::string>& slices) {
  Records records;
  CsvReader reader([&](CsvReader::Record& r) {
    records.push_back(r);
    return absl::OkStatus();
  });
  for (const std::string& slice : slices) {
    if (absl::Status s = reader.Feed(slice); !s.ok()) return s;
  }
  if (absl::Status s = reader.Finish(); !s.ok()) return s;
  return records;
}

absl::StatusOr<Records> Read(const std::string& text) {
  return Read(std::vector<std::string>{text});
}

TEST(CsvReaderTest, ReadsQuotedFieldsLineBreaksAndEmptyFields) {
  const std::string text =
      "\xEF\xBB\xBFname,city,remarks\r\n"
      "\"上海华东电气有限公司\",上海,\"第一行\n第二行, 还有\"\"引号\"\"\"\r\n"
      ",,\n"
      "\n"
      "last,row,no newline";
  auto records = Read(text);
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 4u);
  EXPECT_EQ((*records)[0], (std::vector<std::string>{"name", "city", "remarks"}));
  EXPECT_EQ((*records)[1], (std::vector<std::string>{"上海华东电气有限公司", "上海",
                                                     "第一行\n第二行, 还有\"引号\""}));
  EXPECT_EQ((*records)[2], (std::vector<std::string>{"", "", ""}));
  EXPECT_EQ((*records)[3], (std::vector<std::string>{"last", "row", "no newline"}));

  // The same bytes cut at every place give the same records.
  for (size_t cut = 0; cut <= text.size(); ++cut) {
    for (size_t cut2 = cut; cut2 <= text.size(); cut2 += 7) {
      auto sliced = Read({text.substr(0, cut), text.substr(cut, cut2 - cut), text.substr(cut2)});
      ASSERT_TRUE(sliced.ok()) << cut;
      EXPECT_EQ(*sliced, *records) << "cut at " << cut << " and " << cut2;
    }
  }
}

TEST(CsvReaderTest, RefusesMalformedInput) {
  EXPECT_EQ(Read("a,b\"c\n").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Read("\"a\"b,c\n").status().code(), absl::StatusCode::kInvalidArgument);
  auto open = Read("a,b\n\"never closed\n");
  EXPECT_EQ(open.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(open.status().message().find("not closed"), std::string::npos);
}

TEST(CsvReaderTest, BoundsTheRecordSize) {
  Records records;
  CsvReader reader(
      [&](CsvReader::Record& r) {
        records.push_back(r);
        return absl::OkStatus();
      },
      /*max_record_bytes=*/16);
  EXPECT_TRUE(reader.Feed("short,row\n").ok());
  EXPECT_EQ(reader.Feed("\"" + std::string(100, 'x')).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(records.size(), 1u);
}

TEST(CsvReaderTest, AHalfBomIsData) {
  auto records = Read("\xEF\xBB");
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ((*records)[0][0], "\xEF\xBB");
}

TEST(CsvWriterTest, WhatIsWrittenReadsBack) {
  std::mt19937 random(3);
  const std::string alphabet[] = {"a", "华", ",", "\"", "\n", "\r\n", " ", "1", ""};
  Records written;
  std::string text;
  for (int r = 0; r < 300; ++r) {
    std::vector<std::string> record;
    for (int f = 0, n = 1 + random() % 5; f < n; ++f) {
      std::string field;
      for (int i = 0, len = random() % 6; i < len; ++i) field += alphabet[random() % 9];
      record.push_back(field);
    }
    if (record.size() == 1 && record[0].empty()) record[0] = "x";  // an empty line is no record
    AppendCsvRecord(text, record);
    written.push_back(record);
  }
  auto read = Read(text);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, written);
}

}  // namespace
}  // namespace crm
