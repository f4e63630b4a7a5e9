// Reference data (regions, cities, dictionary entries) against a real
// MariaDB: creates are idempotent on the caller's request id, like every other
// create, also when two retries race; rejected input writes nothing.
#include <string>
#include <thread>
#include <vector>

#include "services/customer/reference_handlers.h"
#include "tests/customer/customer_fixture.h"
#include "tests/support/waiting.h"

namespace crm::customer {
namespace {

class ReferenceCreateTest : public CustomerRepositoryTest {
 protected:
  // Runs `create` on two threads started together; both answers.
  template <typename Create>
  static auto Race(Create create) {
    testing::Barrier start(2);
    std::vector<decltype(create())> answers(2, absl::UnknownError("not run"));
    std::vector<std::thread> threads;
    for (int i = 0; i < 2; ++i) {
      threads.emplace_back([&, i] {
        start.ArriveAndWait();
        answers[i] = create();
      });
    }
    for (std::thread& t : threads) t.join();
    return answers;
  }

  int64_t Changes(const std::string& type) {
    return Count("SELECT COUNT(*) FROM change_log WHERE entity_type = 'crm.customer.v1." + type +
                 "'");
  }

  CallContext admin_ = As(1, Bit(Role::kAdministrator));
  CallContext other_admin_ = As(2, Bit(Role::kAdministrator));
};

v1::Region Region(const std::string& code, const std::string& name) {
  v1::Region region;
  region.set_code(code);
  region.set_name(name);
  region.set_sort_order(9);
  return region;
}

TEST_F(ReferenceCreateTest, ARetriedRegionCreateReturnsTheFirstAndWritesOnce) {
  const int64_t regions = Count("SELECT COUNT(*) FROM regions");
  auto first = reference_->CreateRegion(admin_, Region("southwest", "西南"), "req-1");
  ASSERT_TRUE(first.ok()) << first.status();
  // The retry carries the same request id (its body may have been rebuilt).
  auto retry = reference_->CreateRegion(admin_, Region("southwest", "西南地区"), "req-1");
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->name(), "西南");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM regions"), regions + 1);
  EXPECT_EQ(Changes("Region"), 1);

  // A new request for the same code, or another caller's same request id, is
  // a second create: the code is taken.
  EXPECT_EQ(reference_->CreateRegion(admin_, Region("southwest", "西南"), "req-2").status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(
      reference_->CreateRegion(other_admin_, Region("southwest", "西南"), "req-1").status().code(),
      absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(reference_->CreateRegion(admin_, Region("southwest", "西南"), "").status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM regions"), regions + 1);
  EXPECT_EQ(Changes("Region"), 1);
}

TEST_F(ReferenceCreateTest, TwoRacingRetriesOfARegionCreateBothGetTheOneRegion) {
  const int64_t regions = Count("SELECT COUNT(*) FROM regions");
  auto answers =
      Race([&] { return reference_->CreateRegion(admin_, Region("central", "华中"), "race"); });
  for (const auto& answer : answers) {
    ASSERT_TRUE(answer.ok()) << answer.status();
    EXPECT_EQ(answer->code(), "central");
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM regions"), regions + 1);
  EXPECT_EQ(Changes("Region"), 1);
}

TEST_F(ReferenceCreateTest, ARetriedCityCreateReturnsTheSameCity) {
  v1::City city;
  city.set_region_code("north");
  city.set_name("大同");
  city.set_province("山西");
  city.set_area_code("0352");
  const int64_t cities = Count("SELECT COUNT(*) FROM cities");
  auto answers = Race([&] { return reference_->CreateCity(admin_, city, "city-1"); });
  ASSERT_TRUE(answers[0].ok()) << answers[0].status();
  ASSERT_TRUE(answers[1].ok()) << answers[1].status();
  EXPECT_EQ(answers[0]->id(), answers[1]->id());
  auto later = reference_->CreateCity(admin_, city, "city-1");
  ASSERT_TRUE(later.ok()) << later.status();
  EXPECT_EQ(later->id(), answers[0]->id());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cities"), cities + 1);
  EXPECT_EQ(Changes("City"), 1);
  EXPECT_EQ(reference_->CreateCity(admin_, city, "city-2").status().code(),
            absl::StatusCode::kAlreadyExists);

  // A retry's region is checked like a first create's: a region that does not
  // exist is refused before any request id is looked up.
  city.set_region_code("nowhere");
  EXPECT_EQ(reference_->CreateCity(admin_, city, "city-1").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ReferenceCreateTest, ARetriedDictionaryEntryCreateReturnsTheSameEntry) {
  v1::DictionaryEntry entry;
  entry.set_kind(v1::DICTIONARY_KIND_SOURCE);
  entry.set_code("wechat");
  entry.set_name("微信");
  const int64_t entries = Count("SELECT COUNT(*) FROM dictionary_entries");
  auto answers = Race([&] { return reference_->CreateEntry(admin_, entry, "entry-1"); });
  for (const auto& answer : answers) {
    ASSERT_TRUE(answer.ok()) << answer.status();
    EXPECT_EQ(answer->code(), "wechat");
    EXPECT_FALSE(answer->retired());
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM dictionary_entries"), entries + 1);
  EXPECT_EQ(Changes("DictionaryEntry"), 1);

  // Renaming and retiring still address the entry by kind and code, and
  // their change rows name the same row as the create's.
  ASSERT_TRUE(reference_->RenameEntry(admin_, entry.kind(), "wechat", "微信公众号").ok());
  ASSERT_TRUE(reference_->RetireEntry(admin_, entry.kind(), "wechat").ok());
  EXPECT_EQ(Count("SELECT COUNT(DISTINCT entity_id) FROM change_log WHERE entity_type ="
                  " 'crm.customer.v1.DictionaryEntry' AND entity_id > 0"),
            1);
  EXPECT_EQ(Changes("DictionaryEntry"), 3);
}

TEST_F(ReferenceCreateTest, AnOverlongRequestIdIsRefusedAndWritesNothing) {
  ReferenceHandlers handlers(*reference_);
  const int64_t regions = Count("SELECT COUNT(*) FROM regions");
  v1::CreateRegionRequest request;
  *request.mutable_region() = Region("tibet", "西藏");
  request.set_request_id(std::string(65, 'x'));
  v1::Region response;
  absl::Status status = handlers.CreateRegion(admin_, request, &response);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("request_id"), absl::string_view::npos) << status;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM regions"), regions);
  EXPECT_EQ(Changes("Region"), 0);
}

}  // namespace
}  // namespace crm::customer
