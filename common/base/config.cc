// Flag and environment parsing for Config.
#include "common/base/config.h"

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace crm {

std::string EnvVarName(absl::string_view setting) {
  std::string name = "CRM_";
  for (char c : setting) name.push_back(c == '-' ? '_' : absl::ascii_toupper(c));
  return name;
}

Config::Config(int argc, const char* const* argv, EnvLookup env) : env_(std::move(env)) {
  if (!env_) {
    env_ = [](const std::string& key) -> std::optional<std::string> {
      const char* value = std::getenv(key.c_str());
      if (value == nullptr) return std::nullopt;
      return std::string(value);
    };
  }
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      help_requested_ = true;
      continue;
    }
    if (arg.substr(0, 2) != "--" || arg.size() == 2) {
      errors_.push_back(absl::StrCat("unexpected argument '", arg, "'"));
      continue;
    }
    arg.remove_prefix(2);
    size_t eq = arg.find('=');
    std::string name(arg.substr(0, eq));
    std::string value;
    if (eq != absl::string_view::npos) {
      value = std::string(arg.substr(eq + 1));
    } else if (i + 1 < argc && absl::string_view(argv[i + 1]).substr(0, 2) != "--") {
      value = argv[++i];
    } else {
      value = "true";  // a bare --flag
    }
    flags_[name] = Flag{std::move(value), false};
  }
}

std::optional<std::string> Config::Lookup(absl::string_view name, absl::string_view help,
                                          std::string default_text) {
  std::string env_name = EnvVarName(name);
  usage_.push_back(absl::StrCat("  --", name, " (", env_name, ", default: ",
                                default_text.empty() ? "\"\"" : default_text, ")\n      ", help));
  if (auto it = flags_.find(name); it != flags_.end()) {
    it->second.used = true;
    return it->second.value;
  }
  return env_(env_name);
}

std::string Config::GetString(absl::string_view name, absl::string_view default_value,
                              absl::string_view help) {
  return Lookup(name, help, std::string(default_value)).value_or(std::string(default_value));
}

int64_t Config::GetInt(absl::string_view name, int64_t default_value, absl::string_view help) {
  std::optional<std::string> raw = Lookup(name, help, std::to_string(default_value));
  if (!raw) return default_value;
  int64_t value = 0;
  if (!absl::SimpleAtoi(*raw, &value)) {
    errors_.push_back(absl::StrCat(name, ": '", *raw, "' is not an integer"));
    return default_value;
  }
  return value;
}

bool Config::GetBool(absl::string_view name, bool default_value, absl::string_view help) {
  std::optional<std::string> raw = Lookup(name, help, default_value ? "true" : "false");
  if (!raw) return default_value;
  bool value = false;
  if (!absl::SimpleAtob(*raw, &value)) {
    errors_.push_back(absl::StrCat(name, ": '", *raw, "' is not a boolean"));
    return default_value;
  }
  return value;
}

absl::Status Config::Finish() const {
  std::vector<std::string> problems = errors_;
  for (const auto& [name, flag] : flags_) {
    if (!flag.used) problems.push_back(absl::StrCat("unknown flag --", name));
  }
  if (problems.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrJoin(problems, "; "));
}

std::string Config::Usage(absl::string_view program) const {
  return absl::StrCat("Usage: ", program, " [--setting=value ...]\n",
                      "Each setting may also come from the environment variable shown.\n",
                      absl::StrJoin(usage_, "\n"), "\n");
}

}  // namespace crm
