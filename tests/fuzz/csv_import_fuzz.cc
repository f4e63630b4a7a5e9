// A customer import file as a caller streams it (ImportCustomers'
// csv_chunk messages). The first byte sets the size of the slices the rest
// arrives in (1 to 256 bytes), so records split across messages anywhere.
// Properties:
//  - the slicing changes nothing: the same records, or the same error, as
//    the file read in one piece;
//  - no record is longer than the reader's bound (memory stays bounded);
//  - records written back as CSV read back the same;
//  - every row after the header reads into a customer without a crash, and
//    the customer then validates to OK or INVALID_ARGUMENT.
#include <string>
#include <vector>

#include "common/text/csv.h"
#include "crm/customer/v1/bulk.pb.h"
#include "services/customer/customer_csv.h"
#include "services/customer/customer_validation.h"
#include "tests/fuzz/fuzz_check.h"

namespace crm::fuzz {
namespace {

constexpr size_t kMaxRecordBytes = 4096;

struct ReadResult {
  std::vector<CsvReader::Record> records;
  absl::Status status;
};

ReadResult ReadCsv(absl::string_view file, size_t slice) {
  ReadResult result;
  CsvReader reader(
      [&](CsvReader::Record& record) {
        size_t bytes = 0;
        for (const std::string& field : record) bytes += field.size();
        FUZZ_CHECK(bytes <= kMaxRecordBytes);
        result.records.push_back(record);
        return absl::OkStatus();
      },
      kMaxRecordBytes);
  for (size_t at = 0; at < file.size() && result.status.ok(); at += slice) {
    result.status = reader.Feed(file.substr(at, slice));
  }
  if (result.status.ok()) result.status = reader.Finish();
  if (!result.status.ok()) {
    FUZZ_CHECK(result.status.code() == absl::StatusCode::kInvalidArgument);
  }
  return result;
}

void CheckRewrite(const std::vector<CsvReader::Record>& records) {
  std::string written;
  std::vector<CsvReader::Record> expected;
  for (const CsvReader::Record& record : records) {
    // A record of one empty field is an empty line, which readers skip.
    if (record.size() == 1 && record[0].empty()) continue;
    AppendCsvRecord(written, record);
    expected.push_back(record);
  }
  // A leading byte order mark would be taken for the file's own.
  if (written.rfind("\xEF\xBB\xBF", 0) == 0) return;
  const ReadResult reread = ReadCsv(written, written.size() + 1);
  // Quoting adds bytes, so a record near the bound may pass it only now.
  if (!reread.status.ok()) return;
  FUZZ_CHECK(reread.records == expected);
}

void CheckRows(const std::vector<CsvReader::Record>& records) {
  if (records.empty()) return;
  auto layout = customer::CustomerCsvLayout::FromHeader(records[0]);
  if (!layout.ok()) {
    FUZZ_CHECK(layout.status().code() == absl::StatusCode::kInvalidArgument);
    return;
  }
  customer::CreateDefaults defaults;
  defaults.today = "2026-12-07";
  for (size_t i = 1; i < records.size(); ++i) {
    std::vector<customer::CsvFieldError> errors;
    customer::v1::ImportRow row = layout->Read(records[i], errors);
    customer::PrepareForCreate(*row.mutable_customer(), defaults);
    const absl::Status valid = customer::ValidateCustomer(row.customer(), "customer");
    FUZZ_CHECK(valid.ok() || valid.code() == absl::StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace crm::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace crm::fuzz;
  if (size == 0) return 0;
  const size_t slice = 1 + data[0];
  const absl::string_view file = AsText(data + 1, size - 1);
  const ReadResult sliced = ReadCsv(file, slice);
  const ReadResult whole = ReadCsv(file, file.size() + 1);
  FUZZ_CHECK(sliced.status == whole.status);
  FUZZ_CHECK(sliced.records == whole.records);
  if (!whole.status.ok()) return 0;
  CheckRewrite(whole.records);
  CheckRows(whole.records);
  return 0;
}
