// Customer rules: defaults, field checks, update masks.
#include "services/customer/customer_validation.h"

#include <google/protobuf/field_mask.pb.h>
#include <gtest/gtest.h>

#include "common/text/text_checks.h"
#include "crm/customer/v1/customer.pb.h"

namespace crm::customer {
namespace {

v1::Customer Valid() {
  v1::Customer c;
  c.set_name("上海华东电气有限公司");
  c.set_region_code("east");
  c.set_city("上海");
  c.set_joined_date("2026-03-01");
  c.set_importance(v1::CUSTOMER_IMPORTANCE_NORMAL);
  return c;
}

const CreateDefaults kDefaults{GradeThresholds(), "2026-11-22"};

TEST(CustomerValidationTest, CreateDefaultsTrimsAndDropsOutputFields) {
  v1::Customer c = Valid();
  c.set_name("  上海华东电气有限公司 ");
  c.set_id(99);
  c.set_etag("7");
  c.clear_joined_date();
  c.set_tax_id(" 91310000ma1fl0001x ");
  PrepareForCreate(c, kDefaults);
  EXPECT_EQ(c.name(), "上海华东电气有限公司");
  EXPECT_EQ(c.status(), v1::CUSTOMER_STATUS_FOLLOWING_UP);
  EXPECT_EQ(c.grade(), v1::CUSTOMER_GRADE_POTENTIAL);
  EXPECT_EQ(c.joined_date(), "2026-11-22");
  EXPECT_EQ(c.country(), "中国");
  EXPECT_EQ(c.tax_id(), "91310000MA1FL0001X");
  EXPECT_EQ(c.id(), 0);
  EXPECT_TRUE(c.etag().empty());
  EXPECT_TRUE(ValidateCustomer(c, "customer").ok());
}

TEST(CustomerValidationTest, AnUnsetGradeBecomesTheSuggestedOne) {
  v1::Customer big = Valid();
  big.set_employee_count(800);
  PrepareForCreate(big, kDefaults);
  EXPECT_EQ(big.grade(), v1::CUSTOMER_GRADE_EFFECTIVE);
  v1::Customer chosen = Valid();
  chosen.set_employee_count(800);
  chosen.set_grade(v1::CUSTOMER_GRADE_INTENDED);
  PrepareForCreate(chosen, kDefaults);
  EXPECT_EQ(chosen.grade(), v1::CUSTOMER_GRADE_INTENDED);
}

TEST(CustomerValidationTest, ChecksTheNewFields) {
  v1::Customer c = Valid();
  c.set_grade(v1::CUSTOMER_GRADE_POTENTIAL);
  c.set_status(v1::CUSTOMER_STATUS_SIGNED);
  c.set_qq("12ab");
  c.set_tax_id("91-31");
  c.set_joined_date("2026-13-01");
  c.mutable_annual_revenue()->set_minor_units(-5);
  c.set_employee_count(-1);
  c.set_type_code("Buyer!");
  absl::Status status = ValidateCustomer(c, "customer");
  const std::string message(status.message());
  for (const char* field :
       {"customer.qq", "customer.tax_id", "customer.joined_date", "customer.annual_revenue",
        "customer.employee_count", "customer.type_code"}) {
    EXPECT_NE(message.find(field), std::string::npos) << field << " in " << message;
  }
}

TEST(CustomerValidationTest, NamesEveryBadField) {
  v1::Customer c;
  c.set_region_code("East China");
  c.set_email("nobody");
  c.set_phone("call me");
  c.set_status(static_cast<v1::CustomerStatus>(42));
  absl::Status status = ValidateCustomer(c, "customer");
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  const std::string message(status.message());
  for (const char* field : {"customer.name", "customer.region_code", "customer.email",
                            "customer.phone", "customer.status", "customer.grade"}) {
    EXPECT_NE(message.find(field), std::string::npos) << field << " in " << message;
  }
}

TEST(CustomerValidationTest, ExplicitMaskCopiesOnlyNamedFields) {
  v1::Customer stored = Valid();
  stored.set_phone("021-1111-2222");
  v1::Customer patch;
  patch.set_phone("021-3333-4444");
  patch.set_name("ignored");
  google::protobuf::FieldMask mask;
  mask.add_paths("phone");
  ASSERT_TRUE(ApplyUpdateMask(mask, patch, stored).ok());
  EXPECT_EQ(stored.phone(), "021-3333-4444");
  EXPECT_EQ(stored.name(), "上海华东电气有限公司");
}

TEST(CustomerValidationTest, EmptyMaskCopiesSetFieldsAndStarCopiesAll) {
  v1::Customer stored = Valid();
  stored.set_remarks("old");
  v1::Customer patch;
  patch.set_city("杭州");
  ASSERT_TRUE(ApplyUpdateMask(google::protobuf::FieldMask(), patch, stored).ok());
  EXPECT_EQ(stored.city(), "杭州");
  EXPECT_EQ(stored.remarks(), "old");

  google::protobuf::FieldMask all;
  all.add_paths("*");
  ASSERT_TRUE(ApplyUpdateMask(all, patch, stored).ok());
  EXPECT_EQ(stored.remarks(), "");
  EXPECT_EQ(stored.name(), "");  // then ValidateCustomer refuses it
  EXPECT_FALSE(ValidateCustomer(stored, "customer").ok());
}

TEST(CustomerValidationTest, UnknownAndImmutablePathsAreRefused) {
  v1::Customer stored = Valid(), patch;
  google::protobuf::FieldMask mask;
  mask.add_paths("colour");
  mask.add_paths("create_time");
  absl::Status status = ApplyUpdateMask(mask, patch, stored);
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(status.message()).find("unknown field 'colour'"), std::string::npos);
  EXPECT_NE(std::string(status.message()).find("field 'create_time' cannot be updated"),
            std::string::npos);
}

TEST(CustomerValidationTest, RequestIdLength) {
  EXPECT_TRUE(ValidateRequestId("").ok());
  EXPECT_TRUE(ValidateRequestId("6f1c2d").ok());
  EXPECT_FALSE(ValidateRequestId(std::string(65, 'x')).ok());
}

}  // namespace
}  // namespace crm::customer
