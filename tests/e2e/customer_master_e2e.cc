// The customer master data (R1-R8) through the gateway, with every process
// running and real users: sales people, a department head and the
// administrator. Codes, queries, search, reference data, contacts,
// competitors, the pool and the recycle bin, events and care reminders.
#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <regex>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "crm/customer/v1/customer_service.grpc.pb.h"
#include "tests/support/clients.h"
#include "tests/support/session.h"
#include "tests/support/stack.h"

namespace crm {
namespace {

namespace v1 = customer::v1;
using google::protobuf::util::TimeUtil;
using testing::AuthContext;
using testing::Session;

// Lets `count` threads start their calls together.
class Barrier {
 public:
  explicit Barrier(int count) : waiting_(count) {}
  void ArriveAndWait() {
    std::unique_lock<std::mutex> lock(mu_);
    if (--waiting_ == 0) {
      cv_.notify_all();
      return;
    }
    cv_.wait(lock, [this] { return waiting_ == 0; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int waiting_;
};

// Calls `probe` until it returns true or `timeout` passes (the search index
// follows writes a little later).
bool Eventually(const std::function<bool()>& probe,
                std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  const auto give_up = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (probe()) return true;
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

google::protobuf::Timestamp At(const std::string& rfc3339) {
  google::protobuf::Timestamp t;
  EXPECT_TRUE(TimeUtil::FromString(rfc3339, &t)) << rfc3339;
  return t;
}

std::string MonthDay(absl::CivilDay day) {
  char text[16];
  std::snprintf(text, sizeof text, "%02d-%02d", day.month(), day.day());
  return text;
}

std::string IsoDay(absl::CivilDay day) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", static_cast<int>(day.year()), day.month(),
                day.day());
  return text;
}

class CustomerMasterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    stack_ = new testing::Stack();
    stack_->Start();
    gateway_ = new std::shared_ptr<grpc::Channel>(testing::Connect(stack_->gateway_address()));
    admin_ = new Session(*testing::Login(*gateway_, "admin", testing::kTestAdminPassword));
    testing::OrgBuilder org(*gateway_, *admin_);
    // 销售中心 > {华东一组, 华南一组}; the head leads the whole centre.
    const int64_t centre = org.Department("销售中心");
    const int64_t east = org.Department("华东一组", centre);
    const int64_t south = org.Department("华南一组", centre);
    sales_a_ = new Session(org.User("master.sales.a", org.Employee("李雷", east), {"sales"}));
    sales_b_ = new Session(org.User("master.sales.b", org.Employee("王芳", south), {"sales"}));
    head_ = new Session(
        org.User("master.head", org.Employee("销售中心主任", centre), {"department_head"}));
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }

  void SetUp() override { stub_ = v1::CustomerService::NewStub(*gateway_); }

  static v1::Customer Named(const std::string& name, const std::string& city = "上海") {
    v1::Customer c;
    c.set_name(name);
    c.set_city(city);
    c.set_region_code(city == "广州" ? "south" : city == "北京" ? "north" : "east");
    return c;
  }

  grpc::Status Create(const Session& as, const v1::Customer& customer, v1::Customer* created,
                      bool to_pool = false) {
    v1::CreateCustomerRequest request;
    *request.mutable_customer() = customer;
    request.set_to_pool(to_pool);
    return stub_->CreateCustomer(AuthContext(as).get(), request, created);
  }

  // Creates a customer that must be created.
  v1::Customer MustCreate(const Session& as, const v1::Customer& customer, bool to_pool = false) {
    v1::Customer created;
    grpc::Status status = Create(as, customer, &created, to_pool);
    EXPECT_TRUE(status.ok()) << customer.name() << ": " << status.error_message();
    return created;
  }

  grpc::Status Get(const Session& as, int64_t id, v1::Customer* out = nullptr) {
    v1::GetCustomerRequest request;
    request.set_id(id);
    v1::Customer scratch;
    return stub_->GetCustomer(AuthContext(as).get(), request, out ? out : &scratch);
  }

  // Every page of a list, checking that pages neither repeat nor skip.
  std::vector<v1::Customer> ListAll(const Session& as, v1::ListCustomersRequest request,
                                    int page_size, int* pages = nullptr, int64_t* total = nullptr) {
    std::vector<v1::Customer> all;
    request.set_page_size(page_size);
    int count = 0;
    for (;;) {
      v1::ListCustomersResponse page;
      grpc::Status status = stub_->ListCustomers(AuthContext(as).get(), request, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      EXPECT_LE(page.customers_size(), page_size);
      if (total) *total = page.total_size();
      for (const auto& c : page.customers()) all.push_back(c);
      ++count;
      if (page.next_page_token().empty() || count > 100) break;
      request.set_page_token(page.next_page_token());
    }
    if (pages) *pages = count;
    return all;
  }

  int64_t CountWithCode(const Session& as, const std::string& code,
                        v1::ListCustomersRequest::View view) {
    v1::ListCustomersRequest request;
    request.set_code(code);
    request.set_view(view);
    v1::ListCustomersResponse page;
    grpc::Status status = stub_->ListCustomers(AuthContext(as).get(), request, &page);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return page.total_size();
  }

  // Every page of a search, as (id, match).
  std::vector<std::pair<int64_t, v1::SearchResult::Match>> Search(
      const Session& as, const std::string& query,
      v1::SearchCustomersRequest::Mode mode = v1::SearchCustomersRequest::MODE_FUZZY) {
    std::vector<std::pair<int64_t, v1::SearchResult::Match>> found;
    v1::SearchCustomersRequest request;
    request.set_query(query);
    request.set_mode(mode);
    request.set_page_size(2);
    for (int pages = 0; pages < 50; ++pages) {
      v1::SearchCustomersResponse response;
      grpc::Status status = stub_->SearchCustomers(AuthContext(as).get(), request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      for (const auto& r : response.results()) found.emplace_back(r.customer().id(), r.match());
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return found;
  }

  bool Finds(const Session& as, const std::string& query, int64_t id) {
    for (const auto& [found, match] : Search(as, query)) {
      if (found == id) return true;
    }
    return false;
  }

  // The customer service's latest change sequence.
  int64_t LastSequence() {
    common::v1::ListChangesRequest request;
    request.set_page_size(1000);
    int64_t cursor = 0;
    for (;;) {
      request.set_after_sequence(cursor);
      common::v1::ListChangesResponse response;
      EXPECT_TRUE(stub_->ListChanges(AuthContext(*admin_).get(), request, &response).ok());
      cursor = response.last_sequence();
      if (!response.has_more()) return cursor;
    }
  }

  // The changes of one customer after `after`, in order.
  std::vector<common::v1::Change> CustomerChanges(int64_t after, int64_t id) {
    std::vector<common::v1::Change> changes;
    common::v1::ListChangesRequest request;
    request.set_page_size(100);
    request.set_after_sequence(after);
    for (;;) {
      common::v1::ListChangesResponse response;
      grpc::Status status = stub_->ListChanges(AuthContext(*admin_).get(), request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      for (const auto& change : response.changes()) {
        if (change.entity_type() == "crm.customer.v1.Customer" && change.entity_id() == id) {
          changes.push_back(change);
        }
      }
      if (!response.has_more()) break;
      request.set_after_sequence(response.last_sequence());
    }
    return changes;
  }

  static testing::Stack* stack_;
  static std::shared_ptr<grpc::Channel>* gateway_;
  static Session *admin_, *sales_a_, *sales_b_, *head_;
  std::unique_ptr<v1::CustomerService::Stub> stub_;
};

testing::Stack* CustomerMasterTest::stack_ = nullptr;
std::shared_ptr<grpc::Channel>* CustomerMasterTest::gateway_ = nullptr;
Session *CustomerMasterTest::admin_, *CustomerMasterTest::sales_a_, *CustomerMasterTest::sales_b_,
    *CustomerMasterTest::head_;

int64_t Sequence(const std::string& code) {
  return std::stoll(code.substr(4));  // after the letter and a three-digit area code
}

// --- 1. creation: codes, concurrency, grades ---

TEST_F(CustomerMasterTest, CodesAreGeneratedUniqueUnderConcurrencyAndGradesSuggested) {
  const std::regex shanghai_normal("n021[0-9]{3,}");
  v1::Customer first = MustCreate(*sales_a_, Named("编码测试客户"));
  EXPECT_TRUE(std::regex_match(first.code(), shanghai_normal)) << first.code();
  EXPECT_EQ(first.importance(), v1::CUSTOMER_IMPORTANCE_NORMAL);
  EXPECT_EQ(first.owner_id(), sales_a_->identity.employee_id());
  EXPECT_EQ(first.country(), "中国");
  EXPECT_EQ(first.province(), "上海");  // the city's province

  v1::Customer important = Named("重要客户北京");
  important.set_city("北京");
  important.set_region_code("north");
  important.set_importance(v1::CUSTOMER_IMPORTANCE_IMPORTANT);
  v1::Customer created = MustCreate(*sales_a_, important);
  EXPECT_TRUE(std::regex_match(created.code(), std::regex("i010[0-9]{3,}"))) << created.code();

  // 20 creates from 4 threads at once: 20 distinct codes, one after another.
  constexpr int kThreads = 4;
  constexpr int kEach = 5;
  std::vector<std::string> codes(kThreads * kEach);
  std::atomic<int> failures{0};
  Barrier start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto stub = v1::CustomerService::NewStub(*gateway_);
      start.ArriveAndWait();
      for (int i = 0; i < kEach; ++i) {
        v1::CreateCustomerRequest request;
        *request.mutable_customer() = Named(absl::StrCat("并发编码客户-", t, "-", i));
        v1::Customer response;
        grpc::Status status = stub->CreateCustomer(AuthContext(t % 2 ? *sales_a_ : *sales_b_).get(),
                                                   request, &response);
        if (!status.ok()) {
          ++failures;
          ADD_FAILURE() << status.error_message();
          continue;
        }
        codes[t * kEach + i] = response.code();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  ASSERT_EQ(failures.load(), 0);
  std::set<std::string> distinct(codes.begin(), codes.end());
  EXPECT_EQ(distinct.size(), codes.size());
  std::vector<int64_t> sequences;
  for (const std::string& code : codes) {
    EXPECT_TRUE(std::regex_match(code, shanghai_normal)) << code;
    sequences.push_back(Sequence(code));
  }
  std::sort(sequences.begin(), sequences.end());
  EXPECT_EQ(sequences.front(), Sequence(first.code()) + 1);
  EXPECT_EQ(sequences.back() - sequences.front(), kThreads * kEach - 1);

  // Revenue and head count suggest the grade (default thresholds: 50 million
  // yuan / 500 people for EFFECTIVE); the grade defaults to the suggestion.
  v1::Customer big = Named("大型电气集团");
  big.mutable_annual_revenue()->set_minor_units(80'000'000'00);  // 80 million yuan
  big.set_employee_count(2000);
  v1::Customer big_created = MustCreate(*sales_a_, big);
  EXPECT_NE(big_created.suggested_grade(), v1::CUSTOMER_GRADE_UNSPECIFIED);
  EXPECT_EQ(big_created.suggested_grade(), v1::CUSTOMER_GRADE_EFFECTIVE);
  EXPECT_EQ(big_created.grade(), v1::CUSTOMER_GRADE_EFFECTIVE);
  v1::Customer small = Named("小微商贸");
  small.mutable_annual_revenue()->set_minor_units(100'000'00);
  small.set_employee_count(5);
  EXPECT_EQ(MustCreate(*sales_a_, small).suggested_grade(), v1::CUSTOMER_GRADE_POTENTIAL);
  EXPECT_EQ(first.suggested_grade(), v1::CUSTOMER_GRADE_UNSPECIFIED);  // nothing to go on

  // Re-grading is an edit people make; the suggestion stays what the figures say.
  v1::UpdateCustomerRequest regrade;
  regrade.mutable_customer()->set_id(big_created.id());
  regrade.mutable_customer()->set_etag(big_created.etag());
  regrade.mutable_customer()->set_grade(v1::CUSTOMER_GRADE_INTENDED);
  regrade.mutable_update_mask()->add_paths("grade");
  v1::Customer regraded;
  grpc::Status status = stub_->UpdateCustomer(AuthContext(*sales_a_).get(), regrade, &regraded);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(regraded.grade(), v1::CUSTOMER_GRADE_INTENDED);
  EXPECT_EQ(regraded.suggested_grade(), v1::CUSTOMER_GRADE_EFFECTIVE);
  EXPECT_EQ(regraded.code(), big_created.code());
  v1::Customer read;
  ASSERT_TRUE(Get(*sales_a_, big_created.id(), &read).ok());
  EXPECT_EQ(read.grade(), v1::CUSTOMER_GRADE_INTENDED);
  // The code is output only.
  regrade.mutable_customer()->clear_etag();
  regrade.mutable_update_mask()->clear_paths();
  regrade.mutable_update_mask()->add_paths("code");
  EXPECT_EQ(stub_->UpdateCustomer(AuthContext(*sales_a_).get(), regrade, &regraded).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

// --- 2. queries ---

TEST_F(CustomerMasterTest, GetLookupAndFilteredSortedPagedLists) {
  // Joined in 2019 (nobody else's customers are), so the set is this test's.
  struct Spec {
    const char* name;
    const char* city;
    v1::CustomerStatus status;
    v1::CustomerGrade grade;
    const char* joined;
    v1::CustomerImportance importance;
  };
  const Spec specs[] = {
      {"查询客户G", "上海", v1::CUSTOMER_STATUS_SIGNED, v1::CUSTOMER_GRADE_EFFECTIVE, "2019-03-10",
       v1::CUSTOMER_IMPORTANCE_IMPORTANT},
      {"查询客户C", "上海", v1::CUSTOMER_STATUS_SIGNED, v1::CUSTOMER_GRADE_EFFECTIVE, "2019-05-20",
       v1::CUSTOMER_IMPORTANCE_NORMAL},
      {"查询客户E", "上海", v1::CUSTOMER_STATUS_SIGNED, v1::CUSTOMER_GRADE_EFFECTIVE, "2019-08-01",
       v1::CUSTOMER_IMPORTANCE_NORMAL},  // joined too late
      {"查询客户A", "上海", v1::CUSTOMER_STATUS_FOLLOWING_UP, v1::CUSTOMER_GRADE_EFFECTIVE,
       "2019-04-01", v1::CUSTOMER_IMPORTANCE_POTENTIAL},  // other status
      {"查询客户F", "上海", v1::CUSTOMER_STATUS_SIGNED, v1::CUSTOMER_GRADE_POTENTIAL, "2019-04-02",
       v1::CUSTOMER_IMPORTANCE_NORMAL},  // other grade
      {"查询客户B", "广州", v1::CUSTOMER_STATUS_SIGNED, v1::CUSTOMER_GRADE_EFFECTIVE, "2019-04-03",
       v1::CUSTOMER_IMPORTANCE_NORMAL},  // other region
      {"查询客户D", "上海", v1::CUSTOMER_STATUS_SIGNED, v1::CUSTOMER_GRADE_EFFECTIVE, "2019-02-01",
       v1::CUSTOMER_IMPORTANCE_NORMAL},  // the first day of the range
      {"查询客户H", "上海", v1::CUSTOMER_STATUS_TERMINATED, v1::CUSTOMER_GRADE_INTENDED,
       "2019-11-11", v1::CUSTOMER_IMPORTANCE_NORMAL},
  };
  std::map<std::string, v1::Customer> by_name;
  for (const Spec& spec : specs) {
    v1::Customer c = Named(spec.name, spec.city);
    c.set_status(spec.status);
    c.set_grade(spec.grade);
    c.set_joined_date(spec.joined);
    c.set_importance(spec.importance);
    by_name[spec.name] = MustCreate(*sales_a_, c);
  }
  v1::Customer taxed = Named("税号查询客户");
  taxed.set_tax_id("91310000E2E0000001");
  taxed.set_joined_date("2018-12-31");
  const v1::Customer with_tax = MustCreate(*sales_a_, taxed);

  // By id, by code, by tax ID (normalised: case and spaces do not matter).
  v1::Customer read;
  ASSERT_TRUE(Get(*sales_a_, with_tax.id(), &read).ok());
  EXPECT_EQ(read.name(), "税号查询客户");
  EXPECT_EQ(read.joined_date(), "2018-12-31");
  v1::LookupCustomerRequest lookup;
  lookup.set_code(with_tax.code());
  v1::Customer found;
  ASSERT_TRUE(stub_->LookupCustomer(AuthContext(*sales_a_).get(), lookup, &found).ok());
  EXPECT_EQ(found.id(), with_tax.id());
  lookup.set_tax_id(" 91310000e2e0000001 ");
  grpc::Status status = stub_->LookupCustomer(AuthContext(*sales_a_).get(), lookup, &found);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(found.id(), with_tax.id());
  // Out of sight is not found, however it is asked for.
  EXPECT_EQ(stub_->LookupCustomer(AuthContext(*sales_b_).get(), lookup, &found).error_code(),
            grpc::StatusCode::NOT_FOUND);
  lookup.set_code(with_tax.code());
  EXPECT_EQ(stub_->LookupCustomer(AuthContext(*sales_b_).get(), lookup, &found).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Get(*sales_b_, with_tax.id()).error_code(), grpc::StatusCode::NOT_FOUND);
  lookup.set_code("n999999999");
  EXPECT_EQ(stub_->LookupCustomer(AuthContext(*sales_a_).get(), lookup, &found).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(stub_->LookupCustomer(AuthContext(*sales_a_).get(), v1::LookupCustomerRequest(), &found)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  // Combined filters: east, signed, effective, joined Feb..Jun 2019.
  v1::ListCustomersRequest filtered;
  filtered.set_region_code("east");
  filtered.set_status(v1::CUSTOMER_STATUS_SIGNED);
  filtered.set_grade(v1::CUSTOMER_GRADE_EFFECTIVE);
  filtered.set_joined_from("2019-02-01");
  filtered.set_joined_to("2019-06-30");
  filtered.set_order_by(v1::ListCustomersRequest::ORDER_BY_NAME);
  int64_t total = 0;
  std::vector<std::string> names;
  for (const auto& c : ListAll(*sales_a_, filtered, 50, nullptr, &total)) names.push_back(c.name());
  EXPECT_EQ(names, (std::vector<std::string>{"查询客户C", "查询客户D", "查询客户G"}));
  EXPECT_EQ(total, 3);
  // The head sees the same through the department; the other sales person nothing.
  EXPECT_EQ(ListAll(*head_, filtered, 50).size(), 3u);
  EXPECT_TRUE(ListAll(*sales_b_, filtered, 50).empty());

  // All of 2019 by name and by code, both ways, two at a time: every page
  // continues where the last stopped.
  v1::ListCustomersRequest year;
  year.set_joined_from("2019-01-01");
  year.set_joined_to("2019-12-31");
  const size_t expected = std::size(specs);
  for (auto order :
       {v1::ListCustomersRequest::ORDER_BY_NAME, v1::ListCustomersRequest::ORDER_BY_CODE}) {
    for (bool descending : {false, true}) {
      year.set_order_by(order);
      year.set_descending(descending);
      int pages = 0;
      std::vector<v1::Customer> all = ListAll(*sales_a_, year, 3, &pages, &total);
      ASSERT_EQ(all.size(), expected);
      EXPECT_EQ(total, static_cast<int64_t>(expected));
      EXPECT_EQ(pages, 3);
      std::vector<std::string> keys;
      std::set<int64_t> ids;
      for (const auto& c : all) {
        keys.push_back(order == v1::ListCustomersRequest::ORDER_BY_NAME ? c.name() : c.code());
        ids.insert(c.id());
        EXPECT_EQ(by_name.at(c.name()).id(), c.id());
      }
      EXPECT_EQ(ids.size(), expected);
      std::vector<std::string> sorted = keys;
      std::sort(sorted.begin(), sorted.end());
      if (descending) std::reverse(sorted.begin(), sorted.end());
      EXPECT_EQ(keys, sorted) << v1::ListCustomersRequest::Order_Name(order) << descending;
    }
  }
  // Codes start with the importance letter.
  EXPECT_EQ(by_name.at("查询客户G").code()[0], 'i');
  EXPECT_EQ(by_name.at("查询客户A").code()[0], 'p');
  EXPECT_EQ(by_name.at("查询客户B").code().substr(0, 4), "n020");
  // A token is for its own filters only.
  year.set_page_size(2);
  v1::ListCustomersResponse page;
  ASSERT_TRUE(stub_->ListCustomers(AuthContext(*sales_a_).get(), year, &page).ok());
  ASSERT_FALSE(page.next_page_token().empty());
  year.set_page_token(page.next_page_token());
  year.set_joined_to("2019-06-30");
  EXPECT_EQ(stub_->ListCustomers(AuthContext(*sales_a_).get(), year, &page).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  v1::ListCustomersRequest bad_date;
  bad_date.set_joined_from("2019/01/01");
  status = stub_->ListCustomers(AuthContext(*sales_a_).get(), bad_date, &page);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("joined_from"), std::string::npos);
}

// --- 3. search ---

TEST_F(CustomerMasterTest, SearchRanksExactPrefixSubstringAndRespectsVisibility) {
  const v1::Customer substring = MustCreate(*sales_a_, Named("上海华东电气有限公司"));
  const v1::Customer prefix = MustCreate(*sales_a_, Named("华东电力设计院"));
  const v1::Customer exact = MustCreate(*sales_a_, Named("华东电"));
  const v1::Customer theirs = MustCreate(*sales_b_, Named("江苏华东电子", "广州"));

  // Each is found once the index takes it in.
  ASSERT_TRUE(Eventually([&] { return Finds(*sales_a_, "华东电", exact.id()); }));
  ASSERT_TRUE(Eventually([&] { return Finds(*sales_b_, "华东电", theirs.id()); }));
  auto results = Search(*sales_a_, "华东电");
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0], std::make_pair(exact.id(), v1::SearchResult::MATCH_EXACT));
  EXPECT_EQ(results[1], std::make_pair(prefix.id(), v1::SearchResult::MATCH_PREFIX));
  EXPECT_EQ(results[2], std::make_pair(substring.id(), v1::SearchResult::MATCH_SUBSTRING));
  EXPECT_EQ(Search(*sales_a_, "华东电", v1::SearchCustomersRequest::MODE_EXACT),
            (std::vector<std::pair<int64_t, v1::SearchResult::Match>>{
                {exact.id(), v1::SearchResult::MATCH_EXACT}}));
  EXPECT_TRUE(Finds(*sales_a_, "华东电气", substring.id()));
  // Sales A never finds B's customer, and B never A's; the head and the
  // administrator find all four.
  EXPECT_FALSE(Finds(*sales_a_, "华东电", theirs.id()));
  EXPECT_EQ(Search(*sales_b_, "华东电").size(), 1u);
  EXPECT_FALSE(Finds(*sales_b_, "华东电气", substring.id()));
  EXPECT_EQ(Search(*head_, "华东电").size(), 4u);
  EXPECT_EQ(Search(*admin_, "华东电").size(), 4u);

  // Shared with B: B finds it (and reads it), but may not change it.
  v1::ShareCustomerRequest share;
  share.set_id(substring.id());
  share.add_employee_ids(sales_b_->identity.employee_id());
  v1::Customer shared;
  grpc::Status status = stub_->ShareCustomer(AuthContext(*sales_a_).get(), share, &shared);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(shared.shared_with_employee_ids_size(), 1);
  EXPECT_TRUE(Eventually([&] { return Finds(*sales_b_, "华东电气", substring.id()); }));
  EXPECT_TRUE(Get(*sales_b_, substring.id()).ok());
  v1::UpdateCustomerRequest update;
  update.mutable_customer()->set_id(substring.id());
  update.mutable_customer()->set_phone("021-5000-0000");
  update.mutable_update_mask()->add_paths("phone");
  v1::Customer updated;
  EXPECT_EQ(stub_->UpdateCustomer(AuthContext(*sales_b_).get(), update, &updated).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // Unshared: gone again.
  v1::UnshareCustomerRequest unshare;
  unshare.set_id(substring.id());
  unshare.add_employee_ids(sales_b_->identity.employee_id());
  ASSERT_TRUE(stub_->UnshareCustomer(AuthContext(*sales_a_).get(), unshare, &shared).ok());
  EXPECT_TRUE(Eventually([&] { return !Finds(*sales_b_, "华东电气", substring.id()); }));
  EXPECT_EQ(Get(*sales_b_, substring.id()).error_code(), grpc::StatusCode::NOT_FOUND);
}

// --- 4. regions and cities ---

TEST_F(CustomerMasterTest, RegionsAreShippedAndCitiesAreAdministered) {
  v1::ListRegionsResponse regions;
  ASSERT_TRUE(
      stub_->ListRegions(AuthContext(*sales_a_).get(), v1::ListRegionsRequest(), &regions).ok());
  std::map<std::string, std::string> names;
  for (const auto& r : regions.regions()) names[r.code()] = r.name();
  EXPECT_EQ(names, (std::map<std::string, std::string>{{"east", "华东"},
                                                       {"north", "华北"},
                                                       {"northeast", "东北"},
                                                       {"northwest", "西北"},
                                                       {"south", "华南"}}));
  v1::ListCitiesRequest east;
  east.set_region_code("east");
  v1::ListCitiesResponse cities;
  ASSERT_TRUE(stub_->ListCities(AuthContext(*sales_a_).get(), east, &cities).ok());
  bool shanghai = false;
  for (const auto& c : cities.cities()) {
    EXPECT_EQ(c.region_code(), "east");
    shanghai = shanghai || (c.name() == "上海" && c.area_code() == "021");
  }
  EXPECT_TRUE(shanghai);

  // The administrator adds a city; its customers take its area code.
  v1::CreateCityRequest create;
  create.mutable_city()->set_region_code("northwest");
  create.mutable_city()->set_name("嘉峪关");
  create.mutable_city()->set_province("甘肃");
  create.mutable_city()->set_area_code("0937");
  v1::City city;
  // A sales person may not.
  EXPECT_EQ(stub_->CreateCity(AuthContext(*sales_a_).get(), create, &city).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(stub_->CreateCity(AuthContext(*head_).get(), create, &city).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  grpc::Status status = stub_->CreateCity(AuthContext(*admin_).get(), create, &city);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_GT(city.id(), 0);
  // An area code that is a prefix of another one is refused.
  create.mutable_city()->set_name("某地");
  create.mutable_city()->set_area_code("093");  // a prefix of 兰州's 0931
  v1::City clash;
  EXPECT_EQ(stub_->CreateCity(AuthContext(*admin_).get(), create, &clash).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  v1::Customer local = Named("嘉峪关钢铁", "嘉峪关");
  local.set_region_code("northwest");
  const v1::Customer customer = MustCreate(*sales_a_, local);
  EXPECT_EQ(customer.code(), "n0937001");
  EXPECT_EQ(customer.province(), "甘肃");

  v1::RenameCityRequest rename;
  rename.set_id(city.id());
  rename.set_name("嘉峪关市");
  v1::City renamed;
  EXPECT_EQ(stub_->RenameCity(AuthContext(*sales_a_).get(), rename, &renamed).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  status = stub_->RenameCity(AuthContext(*admin_).get(), rename, &renamed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(renamed.name(), "嘉峪关市");
  EXPECT_EQ(renamed.area_code(), "0937");
  v1::ListCitiesRequest northwest;
  northwest.set_region_code("northwest");
  ASSERT_TRUE(stub_->ListCities(AuthContext(*sales_b_).get(), northwest, &cities).ok());
  int matching = 0;
  for (const auto& c : cities.cities()) {
    if (c.id() == city.id()) {
      ++matching;
      EXPECT_EQ(c.name(), "嘉峪关市");
    }
  }
  EXPECT_EQ(matching, 1);
  // Customers show the new name and keep their code.
  v1::Customer read;
  ASSERT_TRUE(Get(*sales_a_, customer.id(), &read).ok());
  EXPECT_EQ(read.city(), "嘉峪关市");
  EXPECT_EQ(read.code(), "n0937001");

  // Regions: a sales person cannot add or rename one.
  v1::CreateRegionRequest region;
  region.mutable_region()->set_code("southwest");
  region.mutable_region()->set_name("西南");
  v1::Region created_region;
  EXPECT_EQ(stub_->CreateRegion(AuthContext(*sales_a_).get(), region, &created_region).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::RenameRegionRequest rename_region;
  rename_region.set_code("east");
  rename_region.set_name("华东区");
  EXPECT_EQ(stub_->RenameRegion(AuthContext(*sales_a_).get(), rename_region, &created_region)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

// --- 5. dictionaries ---

TEST_F(CustomerMasterTest, RetiredDictionaryEntriesStayOnOldRecordsOnly) {
  v1::CreateDictionaryEntryRequest create;
  create.mutable_entry()->set_kind(v1::DICTIONARY_KIND_INDUSTRY);
  create.mutable_entry()->set_code("robotics");
  create.mutable_entry()->set_name("机器人");
  create.mutable_entry()->set_sort_order(50);
  v1::DictionaryEntry entry;
  EXPECT_EQ(stub_->CreateDictionaryEntry(AuthContext(*sales_a_).get(), create, &entry).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  grpc::Status status = stub_->CreateDictionaryEntry(AuthContext(*admin_).get(), create, &entry);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(entry.retired());
  v1::RenameDictionaryEntryRequest rename;
  rename.set_kind(v1::DICTIONARY_KIND_INDUSTRY);
  rename.set_code("robotics");
  rename.set_name("机器人制造");
  status = stub_->RenameDictionaryEntry(AuthContext(*admin_).get(), rename, &entry);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(entry.name(), "机器人制造");

  v1::Customer old = Named("老机器人公司");
  old.set_industry_code("robotics");
  const v1::Customer before = MustCreate(*sales_a_, old);
  ASSERT_EQ(before.industry_code(), "robotics");

  v1::RetireDictionaryEntryRequest retire;
  retire.set_kind(v1::DICTIONARY_KIND_INDUSTRY);
  retire.set_code("robotics");
  EXPECT_EQ(stub_->RetireDictionaryEntry(AuthContext(*sales_a_).get(), retire, &entry).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  status = stub_->RetireDictionaryEntry(AuthContext(*admin_).get(), retire, &entry);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(entry.retired());

  // Listed only when asked for retired entries too.
  auto listed = [&](bool include_retired) -> std::optional<v1::DictionaryEntry> {
    v1::ListDictionaryEntriesResponse response;
    v1::ListDictionaryEntriesRequest request;
    request.set_kind(v1::DICTIONARY_KIND_INDUSTRY);
    request.set_include_retired(include_retired);
    EXPECT_TRUE(
        stub_->ListDictionaryEntries(AuthContext(*sales_a_).get(), request, &response).ok());
    for (const auto& e : response.entries()) {
      EXPECT_EQ(e.kind(), v1::DICTIONARY_KIND_INDUSTRY);
      if (e.code() == "robotics") return e;
    }
    return std::nullopt;
  };
  EXPECT_FALSE(listed(false).has_value());
  const std::optional<v1::DictionaryEntry> retired = listed(true);
  ASSERT_TRUE(retired.has_value());
  EXPECT_TRUE(retired->retired());
  EXPECT_EQ(retired->name(), "机器人制造");

  // A new customer cannot take it up: the error names the field.
  v1::Customer fresh = Named("新机器人公司");
  fresh.set_industry_code("robotics");
  v1::Customer refused;
  status = Create(*sales_a_, fresh, &refused);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("customer.industry_code"), std::string::npos)
      << status.error_message();

  // The old customer still reads it and changes other fields freely.
  v1::Customer read;
  ASSERT_TRUE(Get(*sales_a_, before.id(), &read).ok());
  EXPECT_EQ(read.industry_code(), "robotics");
  v1::UpdateCustomerRequest update;
  update.mutable_customer()->set_id(before.id());
  update.mutable_customer()->set_etag(read.etag());
  update.mutable_customer()->set_phone("021-6888-1234");
  update.mutable_customer()->set_remarks("行业已停用，记录保留");
  update.mutable_update_mask()->add_paths("phone");
  update.mutable_update_mask()->add_paths("remarks");
  v1::Customer updated;
  status = stub_->UpdateCustomer(AuthContext(*sales_a_).get(), update, &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(updated.phone(), "021-6888-1234");
  EXPECT_EQ(updated.industry_code(), "robotics");
  // ... but another customer cannot be moved onto it.
  const v1::Customer other = MustCreate(*sales_a_, Named("其他行业公司"));
  v1::UpdateCustomerRequest move;
  move.mutable_customer()->set_id(other.id());
  move.mutable_customer()->set_industry_code("robotics");
  move.mutable_update_mask()->add_paths("industry_code");
  status = stub_->UpdateCustomer(AuthContext(*sales_a_).get(), move, &updated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("customer.industry_code"), std::string::npos);
  // Lists still filter by it.
  v1::ListCustomersRequest by_industry;
  by_industry.set_industry_code("robotics");
  EXPECT_EQ(ListAll(*sales_a_, by_industry, 10).size(), 1u);
}

// --- 6. contacts ---

TEST_F(CustomerMasterTest, ExactlyOnePrimaryContactAlsoUnderConcurrentSwitches) {
  const v1::Customer customer = MustCreate(*sales_a_, Named("联系人测试客户"));
  auto create = [&](const std::string& name) {
    v1::CreateContactRequest request;
    request.mutable_contact()->set_customer_id(customer.id());
    request.mutable_contact()->set_name(name);
    request.mutable_contact()->set_mobile_phone("139 0000 0000");
    v1::Contact created;
    grpc::Status status = stub_->CreateContact(AuthContext(*sales_a_).get(), request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created;
  };
  auto list = [&] {
    v1::ListContactsRequest request;
    request.set_customer_id(customer.id());
    v1::ListContactsResponse response;
    grpc::Status status = stub_->ListContacts(AuthContext(*sales_a_).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  };
  auto primaries = [&](const v1::ListContactsResponse& response) {
    std::vector<int64_t> ids;
    for (const auto& c : response.contacts()) {
      if (c.primary()) ids.push_back(c.id());
    }
    return ids;
  };
  const v1::Contact first = create("张经理");
  const v1::Contact second = create("刘工");
  EXPECT_TRUE(first.primary());
  EXPECT_FALSE(second.primary());
  EXPECT_EQ(first.owner_id(), sales_a_->identity.employee_id());

  v1::SetPrimaryContactRequest set;
  set.set_contact_id(second.id());
  v1::Contact switched;
  // Not for someone who does not see the customer.
  EXPECT_EQ(stub_->SetPrimaryContact(AuthContext(*sales_b_).get(), set, &switched).error_code(),
            grpc::StatusCode::NOT_FOUND);
  grpc::Status status = stub_->SetPrimaryContact(AuthContext(*sales_a_).get(), set, &switched);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(switched.primary());
  v1::ListContactsResponse listed = list();
  ASSERT_EQ(listed.contacts_size(), 2);
  EXPECT_EQ(primaries(listed), std::vector<int64_t>{second.id()});
  EXPECT_EQ(listed.contacts(0).id(), second.id());  // primary first
  v1::GetContactRequest get;
  get.set_id(first.id());
  v1::Contact demoted;
  ASSERT_TRUE(stub_->GetContact(AuthContext(*sales_a_).get(), get, &demoted).ok());
  EXPECT_FALSE(demoted.primary());

  // Two threads switching back and forth at once: still exactly one.
  constexpr int kRounds = 10;
  std::atomic<int> failures{0};
  Barrier start(2);
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      auto stub = v1::CustomerService::NewStub(*gateway_);
      start.ArriveAndWait();
      for (int round = 0; round < kRounds; ++round) {
        v1::SetPrimaryContactRequest request;
        request.set_contact_id((t + round) % 2 ? first.id() : second.id());
        v1::Contact response;
        grpc::Status s = stub->SetPrimaryContact(AuthContext(*sales_a_).get(), request, &response);
        if (!s.ok()) {
          ++failures;
          ADD_FAILURE() << s.error_code() << " " << s.error_message();
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  listed = list();
  ASSERT_EQ(listed.contacts_size(), 2);
  EXPECT_EQ(primaries(listed).size(), 1u);
  EXPECT_TRUE(listed.contacts(0).primary());

  // A third contact created as primary takes over.
  v1::CreateContactRequest third;
  third.mutable_contact()->set_customer_id(customer.id());
  third.mutable_contact()->set_name("新任总经理");
  third.mutable_contact()->set_primary(true);
  v1::Contact created;
  ASSERT_TRUE(stub_->CreateContact(AuthContext(*sales_a_).get(), third, &created).ok());
  EXPECT_TRUE(created.primary());
  listed = list();
  EXPECT_EQ(listed.contacts_size(), 3);
  EXPECT_EQ(primaries(listed), std::vector<int64_t>{created.id()});
}

// --- 7. competitors ---

TEST_F(CustomerMasterTest, CompetitorsAreCreatedEditedAndSearched) {
  auto create = [&](const std::string& name, const std::string& products) {
    v1::CreateCompetitorRequest request;
    request.mutable_competitor()->set_name(name);
    request.mutable_competitor()->set_products(products);
    request.mutable_competitor()->set_strengths("渠道广");
    request.mutable_competitor()->set_market_share_bp(1800);
    v1::Competitor created;
    grpc::Status status = stub_->CreateCompetitor(AuthContext(*sales_a_).get(), request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created;
  };
  const v1::Competitor siemens = create("西门子电气", "断路器 变频器");
  const v1::Competitor schneider = create("施耐德电气", "低压配电柜");
  EXPECT_GT(siemens.id(), 0);
  // Names are unique.
  v1::CreateCompetitorRequest again;
  again.mutable_competitor()->set_name("西门子电气");
  v1::Competitor duplicate;
  EXPECT_EQ(stub_->CreateCompetitor(AuthContext(*sales_b_).get(), again, &duplicate).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);

  v1::UpdateCompetitorRequest update;
  update.mutable_competitor()->set_id(siemens.id());
  update.mutable_competitor()->set_etag(siemens.etag());
  update.mutable_competitor()->set_weaknesses("交期长");
  update.mutable_competitor()->set_market_share_bp(2100);
  update.mutable_update_mask()->add_paths("weaknesses");
  update.mutable_update_mask()->add_paths("market_share_bp");
  v1::Competitor updated;
  grpc::Status status = stub_->UpdateCompetitor(AuthContext(*sales_a_).get(), update, &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(updated.weaknesses(), "交期长");
  EXPECT_EQ(updated.market_share_bp(), 2100);
  EXPECT_EQ(updated.products(), "断路器 变频器");
  EXPECT_NE(updated.etag(), siemens.etag());
  // The old etag is stale now.
  update.mutable_competitor()->set_weaknesses("价格高");
  EXPECT_EQ(stub_->UpdateCompetitor(AuthContext(*sales_a_).get(), update, &updated).error_code(),
            grpc::StatusCode::ABORTED);

  auto names = [&](const Session& as, const std::string& query) {
    v1::ListCompetitorsRequest request;
    request.set_query(query);
    request.set_page_size(1);
    std::vector<std::string> found;
    for (int pages = 0; pages < 20; ++pages) {
      v1::ListCompetitorsResponse page;
      grpc::Status s = stub_->ListCompetitors(AuthContext(as).get(), request, &page);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
      for (const auto& c : page.competitors()) found.push_back(c.name());
      if (page.next_page_token().empty()) break;
      request.set_page_token(page.next_page_token());
    }
    return found;
  };
  // Everyone reads the shared database; by name, by what they sell.
  EXPECT_EQ(names(*sales_b_, "西门子"), std::vector<std::string>{"西门子电气"});
  EXPECT_EQ(names(*sales_b_, "变频"), std::vector<std::string>{"西门子电气"});
  EXPECT_EQ(names(*head_, "配电柜"), std::vector<std::string>{"施耐德电气"});
  EXPECT_EQ(names(*sales_a_, "电气"), (std::vector<std::string>{"施耐德电气", "西门子电气"}))
      << "by name";
  EXPECT_TRUE(names(*sales_a_, "ABB").empty());
  v1::GetCompetitorRequest get;
  get.set_id(schneider.id());
  v1::Competitor read;
  ASSERT_TRUE(stub_->GetCompetitor(AuthContext(*sales_b_).get(), get, &read).ok());
  EXPECT_EQ(read.name(), "施耐德电气");
}

// --- 8. the pool, owners and the recycle bin ---

TEST_F(CustomerMasterTest, PoolClaimsAssignTransferRecycleBinAndTheChangeFeed) {
  const int64_t start_sequence = LastSequence();
  const int64_t a_employee = sales_a_->identity.employee_id();
  const int64_t b_employee = sales_b_->identity.employee_id();
  const v1::Customer pooled = MustCreate(*head_, Named("公海争抢客户"), /*to_pool=*/true);
  EXPECT_TRUE(pooled.in_pool());
  EXPECT_EQ(pooled.owner_id(), 0);
  // Everyone sees the pool.
  v1::ListCustomersRequest pool_view;
  pool_view.set_view(v1::ListCustomersRequest::VIEW_POOL);
  pool_view.set_code(pooled.code());
  EXPECT_EQ(ListAll(*sales_a_, pool_view, 10).size(), 1u);
  EXPECT_EQ(ListAll(*sales_b_, pool_view, 10).size(), 1u);

  // Two sales people claim it at the same moment: exactly one wins.
  grpc::Status claims[2];
  v1::Customer claimed[2];
  Barrier start(2);
  std::vector<std::thread> threads;
  const Session* claimants[2] = {sales_a_, sales_b_};
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      auto stub = v1::CustomerService::NewStub(*gateway_);
      v1::ClaimCustomerRequest request;
      request.set_id(pooled.id());
      auto context = AuthContext(*claimants[t]);
      start.ArriveAndWait();
      claims[t] = stub->ClaimCustomer(context.get(), request, &claimed[t]);
    });
  }
  for (auto& thread : threads) thread.join();
  const int winner = claims[0].ok() ? 0 : 1;
  const int loser = 1 - winner;
  ASSERT_TRUE(claims[winner].ok()) << claims[winner].error_message();
  EXPECT_EQ(claims[loser].error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << claims[loser].error_message();
  const int64_t winner_employee = winner == 0 ? a_employee : b_employee;
  const int64_t loser_employee = winner == 0 ? b_employee : a_employee;
  EXPECT_EQ(claimed[winner].owner_id(), winner_employee);
  EXPECT_FALSE(claimed[winner].in_pool());
  EXPECT_TRUE(ListAll(*sales_a_, pool_view, 10).empty());
  EXPECT_EQ(Get(*claimants[loser], pooled.id()).error_code(), grpc::StatusCode::NOT_FOUND);

  // Sales people cannot hand customers out; the head can.
  const v1::Customer second = MustCreate(*admin_, Named("公海分配客户"), /*to_pool=*/true);
  v1::AssignCustomerRequest assign;
  assign.set_id(second.id());
  assign.set_employee_id(a_employee);
  v1::Customer assigned;
  EXPECT_EQ(stub_->AssignCustomer(AuthContext(*sales_a_).get(), assign, &assigned).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::TransferCustomerRequest transfer;
  transfer.set_id(pooled.id());
  transfer.set_employee_id(loser_employee);
  v1::Customer transferred;
  EXPECT_EQ(stub_->TransferCustomer(AuthContext(*claimants[winner]).get(), transfer, &transferred)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  grpc::Status status = stub_->AssignCustomer(AuthContext(*head_).get(), assign, &assigned);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(assigned.owner_id(), a_employee);
  EXPECT_FALSE(assigned.in_pool());
  EXPECT_TRUE(Get(*sales_a_, second.id()).ok());
  // Assign is for pool customers only.
  EXPECT_EQ(stub_->AssignCustomer(AuthContext(*head_).get(), assign, &assigned).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  status = stub_->TransferCustomer(AuthContext(*head_).get(), transfer, &transferred);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(transferred.owner_id(), loser_employee);
  EXPECT_EQ(Get(*claimants[loser], pooled.id()).error_code(), grpc::StatusCode::OK);
  EXPECT_EQ(Get(*claimants[winner], pooled.id()).error_code(), grpc::StatusCode::NOT_FOUND);
  const Session& owner = *claimants[loser];

  // Delete: into the recycle bin, out of the active list.
  v1::DeleteCustomerRequest remove;
  remove.set_id(pooled.id());
  google::protobuf::Empty empty;
  status = stub_->DeleteCustomer(AuthContext(owner).get(), remove, &empty);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(Get(owner, pooled.id()).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(CountWithCode(owner, pooled.code(), v1::ListCustomersRequest::VIEW_ACTIVE), 0);
  EXPECT_EQ(CountWithCode(*admin_, pooled.code(), v1::ListCustomersRequest::VIEW_ACTIVE), 0);
  EXPECT_EQ(CountWithCode(owner, pooled.code(), v1::ListCustomersRequest::VIEW_RECYCLE_BIN), 1);
  EXPECT_EQ(CountWithCode(*admin_, pooled.code(), v1::ListCustomersRequest::VIEW_RECYCLE_BIN), 1);
  v1::ListCustomersRequest bin;
  bin.set_view(v1::ListCustomersRequest::VIEW_RECYCLE_BIN);
  bin.set_code(pooled.code());
  std::vector<v1::Customer> in_bin = ListAll(*admin_, bin, 10);
  ASSERT_EQ(in_bin.size(), 1u);
  EXPECT_TRUE(in_bin[0].in_recycle_bin());

  // Only administrators restore.
  v1::RestoreCustomerRequest restore;
  restore.set_id(pooled.id());
  v1::Customer restored;
  EXPECT_EQ(stub_->RestoreCustomer(AuthContext(owner).get(), restore, &restored).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(stub_->RestoreCustomer(AuthContext(*head_).get(), restore, &restored).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  status = stub_->RestoreCustomer(AuthContext(*admin_).get(), restore, &restored);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(restored.in_recycle_bin());
  EXPECT_EQ(restored.owner_id(), loser_employee);
  EXPECT_EQ(CountWithCode(owner, pooled.code(), v1::ListCustomersRequest::VIEW_ACTIVE), 1);
  EXPECT_EQ(CountWithCode(owner, pooled.code(), v1::ListCustomersRequest::VIEW_RECYCLE_BIN), 0);
  EXPECT_TRUE(Get(owner, pooled.id()).ok());

  // Purge: only from the bin, only by administrators.
  v1::PurgeCustomerRequest purge;
  purge.set_id(pooled.id());
  EXPECT_EQ(stub_->PurgeCustomer(AuthContext(*admin_).get(), purge, &empty).error_code(),
            grpc::StatusCode::NOT_FOUND)
      << "a live customer is not in the bin";
  ASSERT_TRUE(stub_->DeleteCustomer(AuthContext(owner).get(), remove, &empty).ok());
  EXPECT_EQ(stub_->PurgeCustomer(AuthContext(owner).get(), purge, &empty).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(stub_->PurgeCustomer(AuthContext(*head_).get(), purge, &empty).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(CountWithCode(*admin_, pooled.code(), v1::ListCustomersRequest::VIEW_RECYCLE_BIN), 1);
  status = stub_->PurgeCustomer(AuthContext(*admin_).get(), purge, &empty);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(CountWithCode(*admin_, pooled.code(), v1::ListCustomersRequest::VIEW_RECYCLE_BIN), 0);
  EXPECT_EQ(Get(*admin_, pooled.id()).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(stub_->RestoreCustomer(AuthContext(*admin_).get(), restore, &restored).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // Every move is in the change feed, with who made it and the state after.
  using common::v1::ChangeOperation;
  const std::vector<common::v1::Change> changes = CustomerChanges(start_sequence, pooled.id());
  struct Expected {
    ChangeOperation operation;
    const Session* actor;
    int64_t owner_id;
    bool in_recycle_bin;
  };
  const std::vector<Expected> expected = {
      {common::v1::CHANGE_OPERATION_CREATE, head_, 0, false},
      {common::v1::CHANGE_OPERATION_UPDATE, claimants[winner], winner_employee, false},  // claim
      {common::v1::CHANGE_OPERATION_UPDATE, head_, loser_employee, false},               // transfer
      {common::v1::CHANGE_OPERATION_DELETE, &owner, loser_employee, true},   // to the bin
      {common::v1::CHANGE_OPERATION_UPDATE, admin_, loser_employee, false},  // restore
      {common::v1::CHANGE_OPERATION_DELETE, &owner, loser_employee, true},   // to the bin
      {common::v1::CHANGE_OPERATION_DELETE, admin_, loser_employee, true},   // purge
  };
  ASSERT_EQ(changes.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(changes[i].operation(), expected[i].operation) << i;
    EXPECT_EQ(changes[i].actor(), expected[i].actor->identity.subject()) << i;
    v1::Customer state;
    ASSERT_TRUE(changes[i].state().UnpackTo(&state)) << i;
    EXPECT_EQ(state.owner_id(), expected[i].owner_id) << i;
    EXPECT_EQ(state.in_recycle_bin(), expected[i].in_recycle_bin) << i;
    if (i > 0) {
      EXPECT_GT(changes[i].sequence(), changes[i - 1].sequence());
    }
  }
  // The assignment of the second customer too.
  const std::vector<common::v1::Change> assignment = CustomerChanges(start_sequence, second.id());
  ASSERT_EQ(assignment.size(), 2u);
  EXPECT_EQ(assignment[1].actor(), head_->identity.subject());
  v1::Customer state;
  ASSERT_TRUE(assignment[1].state().UnpackTo(&state));
  EXPECT_EQ(state.owner_id(), a_employee);
}

// --- 9. events and care reminders ---

TEST_F(CustomerMasterTest, EventsListByCustomerTypeAndTimeAndCareRemindersFollowBirthdays) {
  const v1::Customer first = MustCreate(*sales_b_, Named("事件客户一", "广州"));
  const v1::Customer second = MustCreate(*sales_b_, Named("事件客户二", "广州"));
  auto event = [&](const v1::Customer& customer, const std::string& type, const std::string& when,
                   const std::string& title) {
    v1::CreateCustomerEventRequest request;
    request.mutable_event()->set_customer_id(customer.id());
    request.mutable_event()->set_type_code(type);
    *request.mutable_event()->mutable_occur_time() = At(when);
    request.mutable_event()->set_title(title);
    v1::CustomerEvent created;
    grpc::Status status =
        stub_->CreateCustomerEvent(AuthContext(*sales_b_).get(), request, &created);
    EXPECT_TRUE(status.ok()) << title << ": " << status.error_message();
    EXPECT_EQ(created.recorded_by(), sales_b_->identity.employee_id());
    return created;
  };
  event(first, "visit", "2031-01-10T02:00:00Z", "一月拜访");
  event(first, "complaint", "2031-02-10T02:00:00Z", "二月投诉");
  event(first, "visit", "2031-03-10T02:00:00Z", "三月拜访");
  event(second, "complaint", "2031-02-20T02:00:00Z", "乙二月投诉");
  event(second, "gift", "2031-04-01T02:00:00Z", "乙四月赠礼");

  auto titles = [&](v1::ListCustomerEventsRequest request, const Session& as) {
    request.set_page_size(2);
    std::vector<std::string> found;
    for (int pages = 0; pages < 20; ++pages) {
      v1::ListCustomerEventsResponse page;
      grpc::Status status = stub_->ListCustomerEvents(AuthContext(as).get(), request, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      for (const auto& e : page.events()) found.push_back(e.title());
      if (page.next_page_token().empty()) break;
      request.set_page_token(page.next_page_token());
    }
    return found;
  };
  using Titles = std::vector<std::string>;
  v1::ListCustomerEventsRequest by_customer;
  by_customer.set_customer_id(first.id());
  EXPECT_EQ(titles(by_customer, *sales_b_), (Titles{"三月拜访", "二月投诉", "一月拜访"}));
  v1::ListCustomerEventsRequest complaints;
  complaints.set_type_code("complaint");
  EXPECT_EQ(titles(complaints, *sales_b_), (Titles{"乙二月投诉", "二月投诉"}));
  v1::ListCustomerEventsRequest february;
  *february.mutable_occur_after() = At("2031-02-01T00:00:00Z");
  *february.mutable_occur_before() = At("2031-03-10T02:00:00Z");  // exclusive
  EXPECT_EQ(titles(february, *sales_b_), (Titles{"乙二月投诉", "二月投诉"}));
  february.set_customer_id(second.id());
  EXPECT_EQ(titles(february, *sales_b_), (Titles{"乙二月投诉"}));
  // Events are seen with their customer: not by the other sales person.
  EXPECT_TRUE(titles(by_customer, *sales_a_).empty());
  EXPECT_EQ(titles(by_customer, *head_).size(), 3u);
  // Types come from the dictionary.
  v1::CreateCustomerEventRequest party;
  party.mutable_event()->set_customer_id(first.id());
  party.mutable_event()->set_type_code("party");
  *party.mutable_event()->mutable_occur_time() = At("2031-05-01T00:00:00Z");
  party.mutable_event()->set_title("聚会");
  v1::CustomerEvent refused;
  grpc::Status status = stub_->CreateCustomerEvent(AuthContext(*sales_b_).get(), party, &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("event.type_code"), std::string::npos);

  // Care reminders: a birthday three days ahead (in the company's time zone)
  // is within a week; one a month ahead is not.
  absl::TimeZone shanghai;
  ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &shanghai));
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), shanghai);
  auto contact = [&](const std::string& name, const std::string& birthday) {
    v1::CreateContactRequest request;
    request.mutable_contact()->set_customer_id(second.id());
    request.mutable_contact()->set_name(name);
    request.mutable_contact()->set_birthday(birthday);
    v1::Contact created;
    grpc::Status s = stub_->CreateContact(AuthContext(*sales_b_).get(), request, &created);
    EXPECT_TRUE(s.ok()) << name << ": " << s.error_message();
    return created;
  };
  const v1::Contact soon = contact("三天后生日", "1984-" + MonthDay(today + 3));
  const v1::Contact later = contact("一月后生日", MonthDay(today + 30));
  auto reminders = [&](const Session& as, int days_ahead) {
    v1::ListCareRemindersRequest request;
    request.set_days_ahead(days_ahead);
    std::vector<v1::CareReminder> all;
    for (int pages = 0; pages < 20; ++pages) {
      v1::ListCareRemindersResponse page;
      grpc::Status s = stub_->ListCareReminders(AuthContext(as).get(), request, &page);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
      for (const auto& r : page.reminders()) all.push_back(r);
      if (page.next_page_token().empty()) break;
      request.set_page_token(page.next_page_token());
    }
    return all;
  };
  auto find = [](const std::vector<v1::CareReminder>& all, int64_t contact_id) {
    return std::find_if(all.begin(), all.end(),
                        [&](const v1::CareReminder& r) { return r.contact_id() == contact_id; });
  };
  std::vector<v1::CareReminder> week = reminders(*sales_b_, 7);
  auto it = find(week, soon.id());
  ASSERT_NE(it, week.end());
  EXPECT_EQ(it->kind(), v1::CareReminder::KIND_BIRTHDAY);
  EXPECT_EQ(it->days_until(), 3);
  EXPECT_EQ(it->date(), IsoDay(today + 3));
  EXPECT_EQ(it->customer_id(), second.id());
  EXPECT_EQ(it->customer_name(), "事件客户二");
  EXPECT_EQ(it->years(), (today + 3).year() - 1984);
  EXPECT_EQ(find(week, later.id()), week.end());
  // Two days ahead is too short; a longer window has both.
  std::vector<v1::CareReminder> two_days = reminders(*sales_b_, 2);
  EXPECT_EQ(find(two_days, soon.id()), two_days.end());
  std::vector<v1::CareReminder> five_weeks = reminders(*sales_b_, 35);
  EXPECT_NE(find(five_weeks, soon.id()), five_weeks.end());
  EXPECT_NE(find(five_weeks, later.id()), five_weeks.end());
  // Only for whoever sees the customer.
  std::vector<v1::CareReminder> others = reminders(*sales_a_, 7);
  EXPECT_EQ(find(others, soon.id()), others.end());
  std::vector<v1::CareReminder> heads = reminders(*head_, 7);
  EXPECT_NE(find(heads, soon.id()), heads.end());
}

}  // namespace
}  // namespace crm
