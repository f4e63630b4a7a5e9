// CsvReader: a byte-at-a-time state machine, so a slice may end anywhere
// (inside a quoted field, between CR and LF, inside a UTF-8 character).
#include "common/text/csv.h"

#include "absl/strings/str_cat.h"

namespace crm {
namespace {
constexpr absl::string_view kBom = "\xEF\xBB\xBF";
}  // namespace

absl::Status CsvReader::Error(absl::string_view what) const {
  return absl::InvalidArgumentError(absl::StrCat("CSV line ", line_, ": ", what));
}

void CsvReader::EndField() {
  record_.push_back(std::move(field_));
  field_.clear();
}

absl::Status CsvReader::EndRecord() {
  record_bytes_ = 0;
  if (!record_open_) return absl::OkStatus();  // an empty line
  EndField();
  record_open_ = false;
  absl::Status status = sink_(record_);
  record_.clear();
  return status;
}

absl::Status CsvReader::Feed(absl::string_view bytes) {
  if (at_start_) {
    // The byte order mark may itself be split across slices.
    while (!bytes.empty() && bom_.size() < kBom.size() && bytes[0] == kBom[bom_.size()]) {
      bom_.push_back(bytes[0]);
      bytes.remove_prefix(1);
    }
    if (bom_.size() == kBom.size()) {
      at_start_ = false;
    } else if (bytes.empty()) {
      return absl::OkStatus();  // still maybe a byte order mark
    } else {
      at_start_ = false;  // not one after all: what was held back is data
      if (absl::Status s = Consume(bom_); !s.ok()) return s;
    }
  }
  return Consume(bytes);
}

absl::Status CsvReader::Consume(absl::string_view bytes) {
  for (char ch : bytes) {
    if (!record_open_ && state_ != State::kAfterCr) record_line_ = line_;
    if (++record_bytes_ > max_record_bytes_) return Error("record too long");
    absl::Status status = Step(ch);
    if (ch == '\n') ++line_;
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::Status CsvReader::Step(char ch) {
  auto end_record = [&]() {
    state_ = ch == '\r' ? State::kAfterCr : State::kFieldStart;
    return EndRecord();
  };
  switch (state_) {
    case State::kAfterCr:
      state_ = State::kFieldStart;
      if (ch == '\n') return absl::OkStatus();  // CRLF
      if (!record_open_) record_line_ = line_;
      [[fallthrough]];
    case State::kFieldStart:
      if (ch == '\r' || ch == '\n') return end_record();
      record_open_ = true;
      if (ch == '"') {
        state_ = State::kQuoted;
      } else if (ch == ',') {
        EndField();
      } else {
        field_.push_back(ch);
        state_ = State::kUnquoted;
      }
      return absl::OkStatus();
    case State::kUnquoted:
      if (ch == ',') {
        EndField();
        state_ = State::kFieldStart;
      } else if (ch == '\r' || ch == '\n') {
        return end_record();
      } else if (ch == '"') {
        return Error("a quote inside an unquoted field");
      } else {
        field_.push_back(ch);
      }
      return absl::OkStatus();
    case State::kQuoted:
      if (ch == '"') {
        state_ = State::kQuoteInQuoted;
      } else {
        field_.push_back(ch);
      }
      return absl::OkStatus();
    case State::kQuoteInQuoted:
      if (ch == '"') {  // a doubled quote
        field_.push_back('"');
        state_ = State::kQuoted;
      } else if (ch == ',') {
        EndField();
        state_ = State::kFieldStart;
      } else if (ch == '\r' || ch == '\n') {
        return end_record();
      } else {
        return Error("text after a closing quote");
      }
      return absl::OkStatus();
  }
  return absl::OkStatus();
}

absl::Status CsvReader::Finish() {
  if (at_start_) {  // a short input that began like a byte order mark
    at_start_ = false;
    if (absl::Status s = Consume(bom_); !s.ok()) return s;
  }
  if (state_ == State::kQuoted) return Error("a quoted field is not closed");
  return EndRecord();
}

void AppendCsvRecord(std::string& out, const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out.push_back(',');
    const std::string& f = fields[i];
    const bool quote = f.find_first_of(",\"\r\n") != std::string::npos ||
                       (!f.empty() && (f.front() == ' ' || f.back() == ' '));
    if (!quote) {
      out += f;
      continue;
    }
    out.push_back('"');
    for (char ch : f) {
      if (ch == '"') out.push_back('"');
      out.push_back(ch);
    }
    out.push_back('"');
  }
  out += "\r\n";
}

}  // namespace crm
