// Request id generation and validation.
#include "common/base/request_id.h"

#include <random>

#include "absl/strings/ascii.h"

namespace crm {

std::string NewRequestId() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(32, '0');
  uint64_t a = engine(), b = engine();
  for (int i = 0; i < 16; ++i) {
    id[i] = kHex[(a >> (i * 4)) & 0xf];
    id[16 + i] = kHex[(b >> (i * 4)) & 0xf];
  }
  return id;
}

bool IsAcceptableRequestId(absl::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(c) && c != '-' && c != '_' && c != '.' && c != ':') return false;
  }
  return true;
}

}  // namespace crm
