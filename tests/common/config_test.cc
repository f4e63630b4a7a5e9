// Config: flags over environment over defaults, and loud failures.
#include "common/base/config.h"

#include <gtest/gtest.h>

namespace crm {
namespace {

Config::EnvLookup FakeEnv(std::map<std::string, std::string> values) {
  return [values](const std::string& key) -> std::optional<std::string> {
    auto it = values.find(key);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

TEST(ConfigTest, EnvironmentVariableNames) {
  EXPECT_EQ(EnvVarName("db-host"), "CRM_DB_HOST");
  EXPECT_EQ(EnvVarName("max-connection-age-ms"), "CRM_MAX_CONNECTION_AGE_MS");
}

TEST(ConfigTest, FlagBeatsEnvironmentBeatsDefault) {
  const char* argv[] = {"prog", "--db-host=flag-host", "--db-port", "3307"};
  Config config(4, argv, FakeEnv({{"CRM_DB_HOST", "env-host"}, {"CRM_DB_USER", "env-user"}}));
  EXPECT_EQ(config.GetString("db-host", "default", ""), "flag-host");
  EXPECT_EQ(config.GetInt("db-port", 3306, ""), 3307);
  EXPECT_EQ(config.GetString("db-user", "default", ""), "env-user");
  EXPECT_EQ(config.GetString("db-name", "crm_x", ""), "crm_x");
  EXPECT_TRUE(config.Finish().ok());
}

TEST(ConfigTest, BareFlagIsTrue) {
  const char* argv[] = {"prog", "--verbose"};
  Config config(2, argv, FakeEnv({}));
  EXPECT_TRUE(config.GetBool("verbose", false, ""));
  EXPECT_TRUE(config.Finish().ok());
}

TEST(ConfigTest, UnknownFlagAndBadValuesFailTogether) {
  const char* argv[] = {"prog", "--db-prot=1", "--threads=many"};
  Config config(3, argv, FakeEnv({{"CRM_DRAIN_MS", "soon"}}));
  EXPECT_EQ(config.GetInt("threads", 4, ""), 4);
  EXPECT_EQ(config.GetInt("drain-ms", 5000, ""), 5000);
  absl::Status status = config.Finish();
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  {
    const std::string message(status.message());
    EXPECT_NE(message.find("unknown flag --db-prot"), std::string::npos) << message;
    EXPECT_NE(message.find("threads: 'many' is not an integer"), std::string::npos) << message;
    EXPECT_NE(message.find("drain-ms: 'soon' is not an integer"), std::string::npos) << message;
  }
}

TEST(ConfigTest, PositionalArgumentsAreRejected) {
  const char* argv[] = {"prog", "stray"};
  Config config(2, argv, FakeEnv({}));
  EXPECT_FALSE(config.Finish().ok());
}

TEST(ConfigTest, UsageListsEverySettingRead) {
  const char* argv[] = {"prog", "--help"};
  Config config(2, argv, FakeEnv({}));
  config.GetString("db-host", "127.0.0.1", "database host");
  config.GetInt("db-port", 3306, "database port");
  EXPECT_TRUE(config.help_requested());
  const std::string usage = config.Usage("prog");
  EXPECT_NE(usage.find("--db-host (CRM_DB_HOST, default: 127.0.0.1)"), std::string::npos);
  EXPECT_NE(usage.find("--db-port (CRM_DB_PORT, default: 3306)"), std::string::npos);
}

}  // namespace
}  // namespace crm
