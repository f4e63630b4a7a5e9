// Page tokens come back from callers, so any text may arrive as one. The
// first byte picks:
//  0: the rest is a token: decoding it either fails with INVALID_ARGUMENT
//     naming page_token, or gives a position that encodes to a token
//     decoding to the same position; another filter's fingerprint refuses it.
//  1: the rest is a position, one key per line (at most 8): it survives the
//     round trip whatever bytes the keys hold, up to the 4 KiB a token may be.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "common/rpc/page_token.h"
#include "tests/fuzz/fuzz_check.h"

namespace crm::fuzz {
namespace {

const uint64_t kFingerprint = FilterFingerprint({"customers", "east", "by-name"});
const uint64_t kOtherFingerprint = FilterFingerprint({"customers", "west", "by-name"});

void CheckDecode(absl::string_view token) {
  auto position = DecodePageToken(token, kFingerprint);
  if (!position.ok()) {
    FUZZ_CHECK(position.status().code() == absl::StatusCode::kInvalidArgument);
    FUZZ_CHECK(absl::StrContains(position.status().message(), "page_token"));
    return;
  }
  if (token.empty()) return;  // the first page, under any filters
  FUZZ_CHECK(!DecodePageToken(token, kOtherFingerprint).ok());
  auto again = DecodePageToken(EncodePageToken(*position, kFingerprint), kFingerprint);
  FUZZ_CHECK(again.ok() && *again == *position);
}

void CheckRoundTrip(absl::string_view keys) {
  std::vector<std::string> position = absl::StrSplit(keys, '\n');
  if (position.size() > 8) position.resize(8);  // no sort has more keys
  const std::string token = EncodePageToken(position, kFingerprint);
  auto decoded = DecodePageToken(token, kFingerprint);
  if (token.size() > 4096) {  // longer than any key a sort holds: refused
    FUZZ_CHECK(!decoded.ok());
    return;
  }
  FUZZ_CHECK(decoded.ok() && *decoded == position);
  FUZZ_CHECK(!DecodePageToken(token, kOtherFingerprint).ok());
}

}  // namespace
}  // namespace crm::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace crm::fuzz;
  if (size == 0) return 0;
  const absl::string_view rest = AsText(data + 1, size - 1);
  if (data[0] % 2 == 0) {
    CheckDecode(rest);
  } else {
    CheckRoundTrip(rest);
  }
  return 0;
}
