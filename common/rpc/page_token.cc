// Page token encoding: version byte, fingerprint, then length-prefixed keys.
#include "common/rpc/page_token.h"

#include "absl/strings/escaping.h"
#include "common/base/status_util.h"

namespace crm {
namespace {

constexpr char kVersion = 1;
constexpr size_t kMaxKeys = 8;

void PutU64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

bool GetU64(absl::string_view& in, uint64_t* v) {
  if (in.size() < 8) return false;
  *v = 0;
  for (int i = 0; i < 8; ++i)
    *v |= static_cast<uint64_t>(static_cast<unsigned char>(in[i])) << (8 * i);
  in.remove_prefix(8);
  return true;
}

absl::Status BadToken() {
  return InvalidField("page_token", "is not a token from a previous call with the same filters");
}

}  // namespace

uint64_t FilterFingerprint(std::initializer_list<absl::string_view> parts) {
  uint64_t hash = 1469598103934665603ULL;
  for (absl::string_view part : parts) {
    for (unsigned char c : part) {
      hash ^= c;
      hash *= 1099511628211ULL;
    }
    hash ^= 0xff;  // separator, so {"ab","c"} differs from {"a","bc"}
    hash *= 1099511628211ULL;
  }
  return hash;
}

std::string EncodePageToken(const std::vector<std::string>& position, uint64_t fingerprint) {
  std::string raw;
  raw.push_back(kVersion);
  PutU64(raw, fingerprint);
  for (const std::string& key : position) {
    PutU64(raw, key.size());
    raw.append(key);
  }
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<std::vector<std::string>> DecodePageToken(absl::string_view token,
                                                         uint64_t fingerprint) {
  std::vector<std::string> position;
  if (token.empty()) return position;
  std::string raw;
  if (token.size() > 4096 || !absl::WebSafeBase64Unescape(token, &raw)) return BadToken();
  absl::string_view in(raw);
  uint64_t stored = 0;
  if (in.empty() || in[0] != kVersion) return BadToken();
  in.remove_prefix(1);
  if (!GetU64(in, &stored) || stored != fingerprint) return BadToken();
  while (!in.empty()) {
    uint64_t size = 0;
    if (!GetU64(in, &size) || size > in.size() || position.size() == kMaxKeys) return BadToken();
    position.emplace_back(in.substr(0, size));
    in.remove_prefix(size);
  }
  if (position.empty()) return BadToken();
  return position;
}

}  // namespace crm
