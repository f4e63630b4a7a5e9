// The fixture's shared stack (reports_e2e_fixture.h).
#include "tests/e2e/reports_e2e_fixture.h"

namespace crm::reports_e2e {

testing::TestClockFile* ReportsE2eTest::clock_ = nullptr;
testing::Stack* ReportsE2eTest::stack_ = nullptr;
std::shared_ptr<grpc::Channel>* ReportsE2eTest::gateway_ = nullptr;
testing::SalesOrg* ReportsE2eTest::org_ = nullptr;
std::vector<cv1::Customer> ReportsE2eTest::created_customers_;

}  // namespace crm::reports_e2e
