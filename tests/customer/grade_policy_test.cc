// Grade suggestion from revenue and head count, and thresholds from parameters.
#include "services/customer/grade_policy.h"

#include <gtest/gtest.h>

namespace crm::customer {
namespace {

v1::Customer With(int64_t revenue_fen, int32_t employees) {
  v1::Customer c;
  if (revenue_fen >= 0) c.mutable_annual_revenue()->set_minor_units(revenue_fen);
  c.set_employee_count(employees);
  return c;
}

TEST(GradePolicyTest, EitherFigureLiftsTheGrade) {
  const GradeThresholds t;  // 50M / 500 effective, 5M / 50 intended
  EXPECT_EQ(SuggestGrade(With(-1, 0), t), v1::CUSTOMER_GRADE_UNSPECIFIED);
  EXPECT_EQ(SuggestGrade(With(60'000'000'00, 3), t), v1::CUSTOMER_GRADE_EFFECTIVE);
  EXPECT_EQ(SuggestGrade(With(-1, 500), t), v1::CUSTOMER_GRADE_EFFECTIVE);
  EXPECT_EQ(SuggestGrade(With(5'000'000'00, 0), t), v1::CUSTOMER_GRADE_INTENDED);
  EXPECT_EQ(SuggestGrade(With(100, 60), t), v1::CUSTOMER_GRADE_INTENDED);
  EXPECT_EQ(SuggestGrade(With(100, 10), t), v1::CUSTOMER_GRADE_POTENTIAL);
  EXPECT_EQ(SuggestGrade(With(0, 0), t), v1::CUSTOMER_GRADE_POTENTIAL);  // known to be nothing
}

TEST(GradePolicyTest, ParametersOverrideDefaultsAndBadOnesAreReported) {
  std::vector<org::v1::SystemParameter> parameters(3);
  parameters[0].set_key("customer.grade.effective_min_revenue_yuan");
  parameters[0].set_value("1000000.50");
  parameters[1].set_key("customer.grade.intended_min_employees");
  parameters[1].set_value("many");
  parameters[2].set_key("something.else");
  parameters[2].set_value("x");
  std::vector<std::string> problems;
  const GradeThresholds t = ThresholdsFromParameters(parameters, &problems);
  EXPECT_EQ(t.effective_min_revenue_fen, 100000050);
  EXPECT_EQ(t.intended_min_employees, GradeThresholds().intended_min_employees);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("intended_min_employees"), std::string::npos);
}

TEST(GradePolicyTest, RefreshUsesTheFetchedParameters) {
  GradePolicy policy(
      [] {
        std::vector<org::v1::SystemParameter> p(1);
        p[0].set_key("customer.grade.effective_min_employees");
        p[0].set_value("7");
        return absl::StatusOr<std::vector<org::v1::SystemParameter>>(p);
      },
      std::chrono::milliseconds(0));
  EXPECT_EQ(policy.Current().effective_min_employees, 500);
  ASSERT_TRUE(policy.Refresh().ok());
  EXPECT_EQ(policy.Current().effective_min_employees, 7);
}

}  // namespace
}  // namespace crm::customer
