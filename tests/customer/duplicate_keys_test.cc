// The credit code's own check (GB 32100) and the keys duplicates are compared
// under, without a database.
#include "services/customer/duplicate_keys.h"

#include <gtest/gtest.h>

namespace crm::customer {
namespace {

TEST(CreditCodeTest, ValidCodesPass) {
  EXPECT_EQ(CreditCodeProblem("91350100M000100Y43"), std::nullopt);
  EXPECT_EQ(CreditCodeProblem("91440300708461136T"), std::nullopt);
}

TEST(CreditCodeTest, EachKindOfMistakeIsNamed) {
  // The check character of 91350100M000100Y4_ is 3.
  EXPECT_NE(CreditCodeProblem("91350100M000100Y44")->find("check character"), std::string::npos);
  EXPECT_NE(CreditCodeProblem("91350100M000100Y4")->find("18 characters"), std::string::npos);
  EXPECT_NE(CreditCodeProblem("91350100M000100Y433")->find("18 characters"), std::string::npos);
  EXPECT_NE(CreditCodeProblem("91350100m000100y43")->find("upper case"), std::string::npos);
  // I, O, S, V and Z are not in the code's alphabet.
  EXPECT_NE(CreditCodeProblem("91350100O000100Y43")->find("letters"), std::string::npos);
  EXPECT_NE(CreditCodeProblem("")->find("18 characters"), std::string::npos);
}

TEST(NameKeyTest, VariantsOfOneCompanyMeet) {
  const std::string key = NameKey("华东电气（上海）有限公司");
  EXPECT_EQ(key, "华东电气上海");
  EXPECT_EQ(NameKey("华东电气(上海)有限责任公司"), key);
  EXPECT_EQ(NameKey("华东电气 （上海） 股份有限公司"), key);
  EXPECT_EQ(NameKey("华东电气上海公司"), key);
  EXPECT_EQ(NameKey("ＡＢＣ 科技有限公司"), NameKey("abc科技有限责任公司"));
  EXPECT_NE(NameKey("华东电气有限公司"), NameKey("华南电气有限公司"));
  // A name that is only a suffix keeps it.
  EXPECT_EQ(NameKey("有限公司"), "有限公司");
}

TEST(PhoneKeyTest, DigitsWithoutTheCountryPrefix) {
  EXPECT_EQ(PhoneKey("+86 138-0013-8000"), "13800138000");
  EXPECT_EQ(PhoneKey("0086 21 5856 0000"), "02158560000");
  EXPECT_EQ(PhoneKey("+86 021 5856 0000"), "02158560000");
  EXPECT_EQ(PhoneKey("8610 1234"), "86101234");  // a local number, not a prefix
  EXPECT_EQ(PhoneKey("021-5856 0000"), "02158560000");
  EXPECT_EQ(PhoneKey("１３８００１３８０００"), "13800138000");
}

}  // namespace
}  // namespace crm::customer
