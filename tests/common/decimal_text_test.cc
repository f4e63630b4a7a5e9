// Exact decimal text for money.
#include "common/text/decimal_text.h"

#include <gtest/gtest.h>

namespace crm {
namespace {

TEST(DecimalTextTest, ParsesUpToTheScale) {
  EXPECT_EQ(ParseDecimal("1234.5", 2), 123450);
  EXPECT_EQ(ParseDecimal("12", 2), 1200);
  EXPECT_EQ(ParseDecimal("0.07", 2), 7);
  EXPECT_EQ(ParseDecimal("-3.10", 2), -310);
  EXPECT_EQ(ParseDecimal("92233720368547758.07", 2), INT64_MAX);
}

TEST(DecimalTextTest, RefusesWhatIsNotADecimal) {
  for (const char* bad :
       {"", "-", "1.234", "1.", ".5", "1,000", "1e3", " 1", "92233720368547758.08", "abc"}) {
    EXPECT_FALSE(ParseDecimal(bad, 2).has_value()) << bad;
  }
}

TEST(DecimalTextTest, FormatsTheShortestTextThatReadsBack) {
  EXPECT_EQ(FormatDecimal(123450, 2), "1234.5");
  EXPECT_EQ(FormatDecimal(1200, 2), "12");
  EXPECT_EQ(FormatDecimal(7, 2), "0.07");
  EXPECT_EQ(FormatDecimal(-310, 2), "-3.1");
  EXPECT_EQ(FormatDecimal(INT64_MIN, 2), "-92233720368547758.08");
  for (int64_t v : {0LL, 1LL, 99LL, 100LL, 123456789LL}) {
    EXPECT_EQ(ParseDecimal(FormatDecimal(v, 2), 2), v);
  }
}

}  // namespace
}  // namespace crm
