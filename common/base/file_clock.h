// A wall clock read from a file, for end-to-end tests that set the time of a
// running process (an SLA that starts on a Friday before a holiday). The
// file holds Unix seconds (fractions allowed); it is read at every reading,
// and the system time is used while it is missing or unreadable. Never
// configured outside tests (the --test-clock-file flag).
#pragma once

#include <string>

#include "common/base/clock.h"

namespace crm {

class FileClock : public Clock {
 public:
  explicit FileClock(std::string path) : path_(std::move(path)) {}
  absl::Time Now() const override;

 private:
  std::string path_;
};

}  // namespace crm
