// CSV (RFC 4180) read incrementally and written: a file arrives in arbitrary
// slices (gRPC messages), so the reader keeps only the record being read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace crm {

// Splits a stream of bytes into records. Fields are separated by commas;
// records end at CRLF or LF (or the end of the input); a field in double
// quotes may hold commas, line breaks and doubled quotes. A UTF-8 byte order
// mark at the very start is skipped. Lines that are entirely empty are
// skipped too (a trailing newline is not a record).
class CsvReader {
 public:
  using Record = std::vector<std::string>;
  // Called for every complete record, in order; a non-OK status stops reading
  // and is returned by Feed/Finish.
  using Sink = std::function<absl::Status(Record&)>;

  // A record longer than `max_record_bytes` is an error: memory stays
  // bounded whatever the input.
  explicit CsvReader(Sink sink, size_t max_record_bytes = 1 << 20)
      : sink_(std::move(sink)), max_record_bytes_(max_record_bytes) {}

  // The next slice of the input. INVALID_ARGUMENT for malformed input (a
  // quote inside an unquoted field, text after a closing quote, a record too
  // long), naming the line.
  absl::Status Feed(absl::string_view bytes);
  // The input is complete: delivers a last record without a line break.
  // INVALID_ARGUMENT for a quoted field left open.
  absl::Status Finish();

  // The line (1-based) where the record being read starts.
  int64_t line() const { return record_line_; }

 private:
  enum class State { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted, kAfterCr };
  absl::Status Consume(absl::string_view bytes);
  absl::Status Step(char ch);
  void EndField();
  absl::Status EndRecord();
  absl::Status Error(absl::string_view what) const;

  Sink sink_;
  size_t max_record_bytes_;
  State state_ = State::kFieldStart;
  Record record_;
  std::string field_;
  size_t record_bytes_ = 0;
  bool at_start_ = true;      // the byte order mark is not settled yet
  std::string bom_;           // the first bytes while they may be one
  bool record_open_ = false;  // a character of the current record was read
  int64_t line_ = 1;
  int64_t record_line_ = 1;
};

// Appends `fields` as one record ending in CRLF, quoting fields that need it
// (comma, quote, CR, LF, or leading/trailing space).
void AppendCsvRecord(std::string& out, const std::vector<std::string>& fields);

}  // namespace crm
