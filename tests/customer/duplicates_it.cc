// Duplicate checks (查重) against a real MariaDB: the credit code unique
// among live customers, name variants refused in the same city, CheckDuplicates
// finding variants and phones and showing nothing of a customer out of sight,
// and the keys of rows written before they existed computed in the background.
#include "services/customer/duplicate_check.h"
#include "services/customer/duplicate_key_backfill.h"
#include "tests/customer/customer_fixture.h"

namespace crm::customer {
namespace {

using v1::DuplicateCandidate;

class DuplicatesTest : public CustomerRepositoryTest {
 protected:
  void SetUp() override {
    CustomerRepositoryTest::SetUp();
    check_ = std::make_unique<DuplicateCheck>(*db_);
  }

  absl::StatusOr<v1::CheckDuplicatesResponse> Check(const CallContext& call,
                                                    const std::string& name,
                                                    const std::string& phone = "",
                                                    const std::string& credit_code = "") {
    v1::CheckDuplicatesRequest request;
    request.set_name(name);
    request.set_phone(phone);
    request.set_credit_code(credit_code);
    v1::CheckDuplicatesResponse response;
    CRM_RETURN_IF_ERROR(check_->CheckDuplicates(call, request, &response));
    return response;
  }

  std::unique_ptr<DuplicateCheck> check_;
};

TEST_F(DuplicatesTest, ACreditCodeOrANameVariantInTheCityIsADuplicate) {
  v1::Customer first = Sample("华东电气（上海）有限公司");
  first.set_credit_code("91350100M000100Y43");
  ASSERT_TRUE(repo_->Create(call_, first, "", false).ok());

  v1::Customer same_code = Sample("完全不同的名字");
  same_code.set_credit_code("91350100M000100Y43");
  absl::Status status = repo_->Create(call_, same_code, "", false).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_NE(status.message().find("credit code"), std::string::npos) << status;
  for (const char* variant :
       {"华东电气(上海)有限责任公司", "华东电气 （上海） 股份有限公司", "华东电气上海公司"}) {
    status = repo_->Create(call_, Sample(variant), "", false).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << variant << ": " << status;
  }
  v1::Customer elsewhere = Sample("华东电气(上海)有限责任公司", "south");
  EXPECT_TRUE(repo_->Create(call_, elsewhere, "", false).ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customers"), 2);
}

TEST_F(DuplicatesTest, CandidatesOutOfSightShowOnlyThatTheyExistAndWhose) {
  v1::Customer first = Sample("杭州远方贸易有限公司");
  first.set_phone("0571-8888 6666");
  first.set_credit_code("91440300708461136T");
  absl::StatusOr<v1::Customer> created = repo_->Create(call_, first, "", false);
  ASSERT_TRUE(created.ok()) << created.status();

  // The owner sees it whole, for every reason it matches.
  absl::StatusOr<v1::CheckDuplicatesResponse> mine =
      Check(call_, "杭州远方贸易有限责任公司", "+86 0571 88886666", "91440300708461136T");
  ASSERT_TRUE(mine.ok()) << mine.status();
  ASSERT_EQ(mine->candidates_size(), 1);
  const DuplicateCandidate& seen = mine->candidates(0);
  EXPECT_TRUE(seen.visible());
  EXPECT_EQ(seen.code(), created->code());
  EXPECT_EQ(seen.name(), "杭州远方贸易有限公司");
  ASSERT_EQ(seen.reasons_size(), 3);
  EXPECT_EQ(seen.reasons(0), DuplicateCandidate::SAME_CREDIT_CODE);
  EXPECT_EQ(seen.reasons(1), DuplicateCandidate::SAME_NAME);
  EXPECT_EQ(seen.reasons(2), DuplicateCandidate::SAME_PHONE);

  // Another sales person learns that it exists and whose it is, nothing else.
  CallContext sales_b = As(102, Bit(Role::kSales), 8, "/1/3/");
  absl::StatusOr<v1::CheckDuplicatesResponse> theirs =
      Check(sales_b, "杭州远方贸易", "057188886666");
  ASSERT_TRUE(theirs.ok()) << theirs.status();
  ASSERT_EQ(theirs->candidates_size(), 1);
  const DuplicateCandidate& hidden = theirs->candidates(0);
  EXPECT_FALSE(hidden.visible());
  EXPECT_EQ(hidden.owner_employee_id(), 7);
  EXPECT_FALSE(hidden.in_pool());
  EXPECT_EQ(hidden.customer_id(), 0);
  EXPECT_TRUE(hidden.code().empty());
  EXPECT_TRUE(hidden.name().empty());
  EXPECT_TRUE(hidden.city().empty());
  EXPECT_EQ(hidden.reasons_size(), 2);

  // Nothing to check, or a bad credit code, is refused naming the field.
  EXPECT_EQ(Check(call_, "").status().code(), absl::StatusCode::kInvalidArgument);
  absl::Status bad = Check(call_, "某公司", "", "91440300708461136t").status();
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.message().find("credit_code"), std::string::npos) << bad;
}

TEST_F(DuplicatesTest, KeysOfOlderRowsAreComputedInTheBackground) {
  absl::StatusOr<v1::Customer> first =
      repo_->Create(call_, Sample("华东电气（上海）有限公司"), "", false);
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<v1::Customer> variant =
      repo_->Create(call_, Sample("华东电气(上海)有限责任公司", "south"), "", false);
  ASSERT_TRUE(variant.ok()) << variant.status();
  v1::Customer with_phone = Sample("宁波港机有限公司");
  with_phone.set_phone("0574-2777 1234");
  absl::StatusOr<v1::Customer> third = repo_->Create(call_, with_phone, "", false);
  ASSERT_TRUE(third.ok()) << third.status();
  // As rows written before the keys existed were: two variants of one name
  // in one city (allowed then), each keyed by its own name, no phone key.
  Exec(
      "UPDATE customers SET region_code = 'east', city_id = (SELECT city_id FROM customers WHERE "
      "id = " +
      std::to_string(first->id()) + "), name_key = name, phone_key = '', keys_version = 0");
  EXPECT_EQ(Check(call_, "", "0574 27771234")->candidates_size(), 0);

  DuplicateKeyBackfill backfill(*db_, std::chrono::seconds(10));
  absl::StatusOr<int64_t> filled = backfill.CatchUp();
  ASSERT_TRUE(filled.ok()) << filled.status();
  EXPECT_EQ(*filled, 3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customers WHERE keys_version = 1"), 2);
  // The later variant collides with the first in their city: it keeps its
  // own name as its key, and its phone key is computed all the same.
  EXPECT_EQ(Count("SELECT keys_version FROM customers WHERE id = " + std::to_string(variant->id())),
            2);
  EXPECT_EQ(Check(call_, "", "0574 27771234")->candidates_size(), 1);
  EXPECT_EQ(Check(call_, "华东电气上海")->candidates_size(), 1);
  EXPECT_EQ(*backfill.CatchUp(), 0);

  // The collider can still be edited; renamed, it gets a key of its own.
  auto set_phone = [](v1::Customer& c) {
    c.set_phone("0571-1234 5678");
    return absl::OkStatus();
  };
  absl::StatusOr<v1::Customer> edited = repo_->Update(call_, variant->id(), "", set_phone);
  ASSERT_TRUE(edited.ok()) << edited.status();
  EXPECT_EQ(Count("SELECT keys_version FROM customers WHERE id = " + std::to_string(variant->id())),
            2);
  auto rename = [](v1::Customer& c) {
    c.set_name("闽江电气有限公司");
    return absl::OkStatus();
  };
  ASSERT_TRUE(repo_->Update(call_, variant->id(), "", rename).ok());
  EXPECT_EQ(Count("SELECT keys_version FROM customers WHERE id = " + std::to_string(variant->id())),
            1);
  EXPECT_EQ(Check(call_, "闽江电气")->candidates_size(), 1);
}

}  // namespace
}  // namespace crm::customer
