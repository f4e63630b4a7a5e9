// TestClockFile.
#include "tests/support/test_clock.h"

#include <cstdio>
#include <fstream>

#include "tests/support/child_process.h"

namespace crm::testing {

TestClockFile::TestClockFile(absl::Time start)
    : dir_(MakeTempDir("crm-test-clock")), path_(dir_ + "/clock") {
  Set(start);
}

TestClockFile::~TestClockFile() { RemoveTree(dir_); }

void TestClockFile::Set(absl::Time time) const {
  const std::string next = path_ + ".next";
  std::ofstream(next) << absl::ToUnixSeconds(time) << "\n";
  std::rename(next.c_str(), path_.c_str());
}

}  // namespace crm::testing
