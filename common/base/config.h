// Settings from command-line flags and CRM_* environment variables.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace crm {

// "db-host" -> "CRM_DB_HOST".
std::string EnvVarName(absl::string_view setting);

// Reads named settings. A setting such as "db-host" comes from the flag
// --db-host=VALUE, else the environment variable CRM_DB_HOST, else its default.
// Every Get* call also records a usage line, so --help lists exactly the
// settings a binary reads. Finish() reports unknown flags and bad values
// together, so a typo in a deployment fails at start-up instead of being ignored.
class Config {
 public:
  using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

  // env defaults to the process environment.
  Config(int argc, const char* const* argv, EnvLookup env = {});

  std::string GetString(absl::string_view name, absl::string_view default_value,
                        absl::string_view help);
  int64_t GetInt(absl::string_view name, int64_t default_value, absl::string_view help);
  bool GetBool(absl::string_view name, bool default_value, absl::string_view help);

  // Call after every Get*: InvalidArgument naming each unknown flag and bad value.
  absl::Status Finish() const;
  bool help_requested() const { return help_requested_; }
  std::string Usage(absl::string_view program) const;

 private:
  std::optional<std::string> Lookup(absl::string_view name, absl::string_view help,
                                    std::string default_text);

  struct Flag {
    std::string value;
    bool used = false;
  };
  std::map<std::string, Flag, std::less<>> flags_;
  EnvLookup env_;
  bool help_requested_ = false;
  std::vector<std::string> errors_;
  std::vector<std::string> usage_;
};

}  // namespace crm
