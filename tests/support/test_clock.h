// A business clock a test sets for the processes it starts: a file holding
// Unix seconds, read by each process given --test-clock-file=<path()>.
#pragma once

#include <string>

#include "absl/time/time.h"

namespace crm::testing {

class TestClockFile {
 public:
  // Creates the file's private directory, the clock set to `start`.
  explicit TestClockFile(absl::Time start);
  ~TestClockFile();
  TestClockFile(const TestClockFile&) = delete;
  TestClockFile& operator=(const TestClockFile&) = delete;

  const std::string& path() const { return path_; }
  // "--test-clock-file=<path>", for a process's flags.
  std::string Flag() const { return "--test-clock-file=" + path_; }
  // Replaces the file whole (a rename), so a process never reads half a time.
  void Set(absl::Time time) const;

 private:
  std::string dir_, path_;
};

}  // namespace crm::testing
