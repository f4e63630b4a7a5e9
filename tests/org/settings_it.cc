// System parameters (R30) against a real MariaDB: round trips, fixed types, value checks, etags.
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/org/settings_handlers.h"
#include "services/org/settings_repository.h"
#include "tests/org/org_fixture.h"

namespace crm::org {
namespace {

constexpr char kParameterType[] = "crm.org.v1.SystemParameter";

class SettingsTest : public testing::OrgDatabaseTest {
 protected:
  void SetUp() override {
    OrgDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    repository_ = std::make_unique<SettingsRepository>(*db_);
    handlers_ = std::make_unique<SettingsHandlers>(*repository_);
  }

  static v1::SystemParameter Parameter(const std::string& key, v1::ParameterType type,
                                       const std::string& value,
                                       const std::string& description = "",
                                       const std::string& etag = "") {
    v1::SystemParameter p;
    p.set_key(key);
    p.set_type(type);
    p.set_value(value);
    p.set_description(description);
    p.set_etag(etag);
    return p;
  }

  absl::StatusOr<v1::SystemParameter> Set(const v1::SystemParameter& parameter,
                                          const std::string& request_id = "") {
    v1::SetSystemParameterRequest request;
    *request.mutable_parameter() = parameter;
    request.set_request_id(request_id);
    v1::SystemParameter response;
    absl::Status status = handlers_->SetSystemParameter(Admin(), request, &response);
    if (!status.ok()) return status;
    return response;
  }

  absl::StatusOr<v1::SystemParameter> Get(const std::string& key) {
    v1::GetSystemParameterRequest request;
    request.set_key(key);
    v1::SystemParameter response;
    absl::Status status = handlers_->GetSystemParameter(Admin(), request, &response);
    if (!status.ok()) return status;
    return response;
  }

  std::vector<std::string> Keys() {
    v1::ListSystemParametersResponse response;
    absl::Status status = handlers_->ListSystemParameters(Admin(), {}, &response);
    EXPECT_TRUE(status.ok()) << status;
    std::vector<std::string> keys;
    for (const v1::SystemParameter& p : response.parameters()) keys.push_back(p.key());
    return keys;
  }

  int64_t Rows() { return Count("SELECT COUNT(*) FROM system_parameters"); }
  int64_t Changes() {
    return Count(
        absl::StrCat("SELECT COUNT(*) FROM change_log WHERE entity_type = '", kParameterType, "'"));
  }

  std::unique_ptr<SettingsRepository> repository_;
  std::unique_ptr<SettingsHandlers> handlers_;
};

// Whether an error's message names `field` (FieldViolations lists each one).
bool Names(const absl::Status& status, const std::string& field) {
  return absl::StrContains(status.message(), field);
}

TEST_F(SettingsTest, CreateGetListAndUpdate) {
  absl::StatusOr<v1::SystemParameter> created =
      Set(Parameter("customer.grade.revenue_threshold", v1::PARAMETER_TYPE_DECIMAL, "500000.00",
                    "年营业额达到此值的客户为重点客户"));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->key(), "customer.grade.revenue_threshold");
  EXPECT_EQ(created->type(), v1::PARAMETER_TYPE_DECIMAL);
  EXPECT_EQ(created->value(), "500000.00");
  EXPECT_EQ(created->description(), "年营业额达到此值的客户为重点客户");
  EXPECT_EQ(created->etag(), "1");
  EXPECT_GT(created->update_time().seconds(), 0);
  ASSERT_TRUE(Set(Parameter("a.flag", v1::PARAMETER_TYPE_BOOLEAN, "true")).ok());
  ASSERT_TRUE(Set(Parameter("z_last", v1::PARAMETER_TYPE_STRING, "")).ok());

  absl::StatusOr<v1::SystemParameter> read = Get("customer.grade.revenue_threshold");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->value(), "500000.00");
  EXPECT_EQ(read->etag(), "1");
  EXPECT_EQ(Keys(),
            (std::vector<std::string>{"a.flag", "customer.grade.revenue_threshold", "z_last"}));

  // An update may leave the type out; the stored one stays.
  absl::StatusOr<v1::SystemParameter> updated =
      Set(Parameter("customer.grade.revenue_threshold", v1::PARAMETER_TYPE_UNSPECIFIED, "750000.5",
                    "changed", created->etag()));
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->type(), v1::PARAMETER_TYPE_DECIMAL);
  EXPECT_EQ(updated->value(), "750000.5");
  EXPECT_EQ(updated->description(), "changed");
  EXPECT_EQ(updated->etag(), "2");
  // Or name the same type.
  ASSERT_TRUE(
      Set(Parameter("customer.grade.revenue_threshold", v1::PARAMETER_TYPE_DECIMAL, "1")).ok());
  EXPECT_EQ(Get("customer.grade.revenue_threshold")->value(), "1");

  EXPECT_EQ(Rows(), 3);
  EXPECT_EQ(Count(absl::StrCat("SELECT COUNT(*) FROM change_log WHERE entity_type = '",
                               kParameterType, "' AND operation = 1")),
            3);
  EXPECT_EQ(Count(absl::StrCat("SELECT COUNT(*) FROM change_log WHERE entity_type = '",
                               kParameterType, "' AND operation = 2")),
            2);
  // Change rows name the row id.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM change_log c JOIN system_parameters p"
                  " ON p.id = c.entity_id AND p.param_key = 'customer.grade.revenue_threshold'"
                  " WHERE c.entity_type = 'crm.org.v1.SystemParameter'"),
            3);
}

TEST_F(SettingsTest, MissingAndMalformedKeys) {
  EXPECT_EQ(Get("no.such.key").status().code(), absl::StatusCode::kNotFound);
  for (const std::string& key :
       {std::string(""), std::string("Upper.Case"), std::string("with-dash"), std::string("spa ce"),
        std::string("键"), std::string(101, 'k')}) {
    absl::Status get = Get(key).status();
    EXPECT_EQ(get.code(), absl::StatusCode::kInvalidArgument) << key;
    EXPECT_TRUE(Names(get, "key")) << get;
    absl::Status set = Set(Parameter(key, v1::PARAMETER_TYPE_STRING, "v")).status();
    EXPECT_EQ(set.code(), absl::StatusCode::kInvalidArgument) << key;
    EXPECT_TRUE(Names(set, "parameter.key")) << set;
  }
  EXPECT_TRUE(Set(Parameter(std::string(100, 'k'), v1::PARAMETER_TYPE_STRING, "v")).ok());
  EXPECT_TRUE(Set(Parameter("a_1.b_2", v1::PARAMETER_TYPE_STRING, "v")).ok());
  EXPECT_EQ(Rows(), 2);
}

TEST_F(SettingsTest, TypeIsRequiredToCreateAndFixedAfterwards) {
  absl::Status untyped = Set(Parameter("x", v1::PARAMETER_TYPE_UNSPECIFIED, "1")).status();
  EXPECT_EQ(untyped.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Names(untyped, "parameter.type")) << untyped;
  absl::Status unknown = Set(Parameter("x", static_cast<v1::ParameterType>(9), "1")).status();
  EXPECT_EQ(unknown.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Names(unknown, "parameter.type")) << unknown;
  EXPECT_EQ(Rows(), 0);

  ASSERT_TRUE(Set(Parameter("x", v1::PARAMETER_TYPE_INTEGER, "1")).ok());
  absl::Status change = Set(Parameter("x", v1::PARAMETER_TYPE_STRING, "1")).status();
  EXPECT_EQ(change.code(), absl::StatusCode::kFailedPrecondition) << change;
  // Also when the value would not even suit the new type.
  EXPECT_EQ(Set(Parameter("x", v1::PARAMETER_TYPE_BOOLEAN, "1")).status().code(),
            absl::StatusCode::kFailedPrecondition);
  absl::StatusOr<v1::SystemParameter> read = Get("x");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->type(), v1::PARAMETER_TYPE_INTEGER);
  EXPECT_EQ(read->etag(), "1");
  EXPECT_EQ(Changes(), 1);
}

TEST_F(SettingsTest, GoodValuesOfEachType) {
  struct Case {
    v1::ParameterType type;
    std::string value;
  };
  const std::vector<Case> cases = {
      {v1::PARAMETER_TYPE_INTEGER, "0"},
      {v1::PARAMETER_TYPE_INTEGER, "-42"},
      {v1::PARAMETER_TYPE_INTEGER, "9223372036854775807"},
      {v1::PARAMETER_TYPE_INTEGER, "-9223372036854775808"},
      {v1::PARAMETER_TYPE_BOOLEAN, "true"},
      {v1::PARAMETER_TYPE_BOOLEAN, "false"},
      {v1::PARAMETER_TYPE_DECIMAL, "12.50"},
      {v1::PARAMETER_TYPE_DECIMAL, "-0.5"},
      {v1::PARAMETER_TYPE_DECIMAL, "7"},
      {v1::PARAMETER_TYPE_DECIMAL, "123456789012345678.123456"},
      {v1::PARAMETER_TYPE_STRING, ""},
      {v1::PARAMETER_TYPE_STRING, "多行\n文本"},
      {v1::PARAMETER_TYPE_STRING, std::string(2000, 's')},
  };
  int i = 0;
  for (const Case& c : cases) {
    const std::string key = absl::StrCat("good.", i++);
    absl::StatusOr<v1::SystemParameter> set = Set(Parameter(key, c.type, c.value));
    ASSERT_TRUE(set.ok()) << c.value << ": " << set.status();
    EXPECT_EQ(Get(key)->value(), c.value);
  }
  EXPECT_EQ(Rows(), static_cast<int64_t>(cases.size()));
}

TEST_F(SettingsTest, BadValuesOfEachTypeAreRefusedAndNothingIsWritten) {
  struct Case {
    v1::ParameterType type;
    std::string value;
  };
  const std::vector<Case> cases = {
      {v1::PARAMETER_TYPE_INTEGER, ""},
      {v1::PARAMETER_TYPE_INTEGER, "1.5"},
      {v1::PARAMETER_TYPE_INTEGER, "+3"},
      {v1::PARAMETER_TYPE_INTEGER, " 3"},
      {v1::PARAMETER_TYPE_INTEGER, "-"},
      {v1::PARAMETER_TYPE_INTEGER, "abc"},
      {v1::PARAMETER_TYPE_INTEGER, "9223372036854775808"},
      {v1::PARAMETER_TYPE_BOOLEAN, "True"},
      {v1::PARAMETER_TYPE_BOOLEAN, "1"},
      {v1::PARAMETER_TYPE_BOOLEAN, "yes"},
      {v1::PARAMETER_TYPE_BOOLEAN, ""},
      {v1::PARAMETER_TYPE_DECIMAL, ""},
      {v1::PARAMETER_TYPE_DECIMAL, "."},
      {v1::PARAMETER_TYPE_DECIMAL, "1."},
      {v1::PARAMETER_TYPE_DECIMAL, ".5"},
      {v1::PARAMETER_TYPE_DECIMAL, "1.1234567"},
      {v1::PARAMETER_TYPE_DECIMAL, "1234567890123456789"},
      {v1::PARAMETER_TYPE_DECIMAL, "1e5"},
      {v1::PARAMETER_TYPE_DECIMAL, "1,5"},
      {v1::PARAMETER_TYPE_DECIMAL, "--1"},
      {v1::PARAMETER_TYPE_STRING, std::string(2001, 's')},
      {v1::PARAMETER_TYPE_STRING, "bell\a"},
  };
  for (const Case& c : cases) {
    absl::Status status = Set(Parameter("bad.value", c.type, c.value)).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.value;
    EXPECT_TRUE(Names(status, "parameter.value")) << c.value << ": " << status;
  }
  EXPECT_EQ(Rows(), 0);
  EXPECT_EQ(Changes(), 0);

  // An update is checked against the stored type, given or not.
  ASSERT_TRUE(Set(Parameter("n", v1::PARAMETER_TYPE_INTEGER, "5")).ok());
  for (v1::ParameterType type : {v1::PARAMETER_TYPE_UNSPECIFIED, v1::PARAMETER_TYPE_INTEGER}) {
    absl::Status status = Set(Parameter("n", type, "five")).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(Names(status, "parameter.value")) << status;
  }
  absl::Status description =
      Set(Parameter("n", v1::PARAMETER_TYPE_INTEGER, "6", std::string(501, 'd'))).status();
  EXPECT_TRUE(Names(description, "parameter.description")) << description;
  absl::StatusOr<v1::SystemParameter> read = Get("n");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->value(), "5");
  EXPECT_EQ(read->etag(), "1");
  EXPECT_EQ(Changes(), 1);
}

TEST_F(SettingsTest, ARetriedCreateReturnsTheSameParameter) {
  absl::StatusOr<v1::SystemParameter> first =
      Set(Parameter("retry.key", v1::PARAMETER_TYPE_INTEGER, "1"), "set-1");
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<v1::SystemParameter> retry =
      Set(Parameter("retry.key", v1::PARAMETER_TYPE_INTEGER, "1"), "set-1");
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->key(), "retry.key");
  EXPECT_EQ(retry->etag(), "1");
  EXPECT_EQ(Rows(), 1);
  EXPECT_EQ(Changes(), 1);
}

TEST_F(SettingsTest, StaleEtagIsAborted) {
  absl::StatusOr<v1::SystemParameter> created =
      Set(Parameter("k", v1::PARAMETER_TYPE_STRING, "one"));
  ASSERT_TRUE(created.ok()) << created.status();
  absl::StatusOr<v1::SystemParameter> updated =
      Set(Parameter("k", v1::PARAMETER_TYPE_STRING, "two", "", created->etag()));
  ASSERT_TRUE(updated.ok()) << updated.status();
  absl::Status stale =
      Set(Parameter("k", v1::PARAMETER_TYPE_STRING, "three", "", created->etag())).status();
  EXPECT_EQ(stale.code(), absl::StatusCode::kAborted) << stale;
  // An etag for a parameter that does not exist cannot be current either.
  EXPECT_EQ(Set(Parameter("other", v1::PARAMETER_TYPE_STRING, "x", "", "1")).status().code(),
            absl::StatusCode::kAborted);
  EXPECT_EQ(Get("k")->value(), "two");
  EXPECT_EQ(Rows(), 1);
  EXPECT_EQ(Changes(), 2);
}

}  // namespace
}  // namespace crm::org
