// FileClock: one small read per reading.
#include "common/base/file_clock.h"

#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"

namespace crm {

absl::Time FileClock::Now() const {
  std::ifstream in(path_);
  std::stringstream text;
  text << in.rdbuf();
  double seconds = 0;
  // Unreadable, or not a time from 1970 to 2100: the system's.
  if (!in || !absl::SimpleAtod(absl::StripAsciiWhitespace(text.str()), &seconds) ||
      !(seconds >= 0 && seconds < 4102444800.0)) {
    return absl::Now();
  }
  return absl::FromUnixMicros(static_cast<int64_t>(seconds * 1e6));
}

}  // namespace crm
