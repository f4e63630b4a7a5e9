// Customer rules: defaults, field checks, update masks.
#include "services/customer/customer_validation.h"

#include <google/protobuf/field_mask.pb.h>
#include <gtest/gtest.h>

#include "crm/customer/v1/customer.pb.h"

namespace crm::customer {
namespace {

v1::Customer Valid() {
  v1::Customer c;
  c.set_name("上海华东电气有限公司");
  c.set_region_code("east");
  c.set_city("上海");
  return c;
}

TEST(CustomerValidationTest, CreateDefaultsTrimsAndDropsOutputFields) {
  v1::Customer c = Valid();
  c.set_name("  上海华东电气有限公司 ");
  c.set_id(99);
  c.set_etag("7");
  PrepareForCreate(c);
  EXPECT_EQ(c.name(), "上海华东电气有限公司");
  EXPECT_EQ(c.status(), v1::CUSTOMER_STATUS_FOLLOWING_UP);
  EXPECT_EQ(c.grade(), v1::CUSTOMER_GRADE_POTENTIAL);
  EXPECT_EQ(c.id(), 0);
  EXPECT_TRUE(c.etag().empty());
  EXPECT_TRUE(ValidateCustomer(c, "customer").ok());
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
  EXPECT_TRUE(ValidateCreateRequestId("").ok());
  EXPECT_TRUE(ValidateCreateRequestId("6f1c2d").ok());
  EXPECT_FALSE(ValidateCreateRequestId(std::string(65, 'x')).ok());
}

}  // namespace
}  // namespace crm::customer
