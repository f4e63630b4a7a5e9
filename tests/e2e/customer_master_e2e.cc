// Customer records through the gateway, with every process running and real
// users: codes, queries, search, and reference data (R1-R4).
#include "tests/e2e/customer_e2e_fixture.h"

namespace crm {
namespace {

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
  regrade.mutable_customer()->set_etag(regraded.etag());
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
  update.mutable_customer()->set_etag(substring.etag());
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
  create.set_request_id("add-jiayuguan");
  v1::City city;
  // A sales person may not.
  EXPECT_EQ(stub_->CreateCity(AuthContext(*sales_a_).get(), create, &city).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(stub_->CreateCity(AuthContext(*head_).get(), create, &city).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  grpc::Status status = stub_->CreateCity(AuthContext(*admin_).get(), create, &city);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_GT(city.id(), 0);
  // A retry (the answer was lost) gets the same city, not ALREADY_EXISTS.
  v1::City retried;
  status = stub_->CreateCity(AuthContext(*admin_).get(), create, &retried);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(retried.id(), city.id());
  create.clear_request_id();
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
  move.mutable_customer()->set_etag(other.etag());
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

// --- 5. duplicate checks (查重) ---

TEST_F(CustomerMasterTest, CreditCodesAreCheckedAndNameVariantsAreDuplicates) {
  // Wrong check character, wrong length, lower case, a letter the code
  // does not use: each refused naming the field, nothing written.
  for (const char* bad :
       {"91350100M000100Y44", "91350100M000100Y4", "91350100m000100y43", "91350100O000100Y43"}) {
    v1::Customer customer = Named("信用代码测试公司");
    customer.set_credit_code(bad);
    v1::Customer created;
    const grpc::Status status = Create(*sales_a_, customer, &created);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad;
    EXPECT_NE(status.error_message().find("customer.credit_code"), std::string::npos)
        << bad << ": " << status.error_message();
  }
  v1::Customer original = Named("闽江机电（福州）有限公司");
  original.set_credit_code("91350100M000100Y43");
  original.set_phone("0591-8766 5432");
  const v1::Customer created = MustCreate(*sales_a_, original);
  EXPECT_EQ(created.credit_code(), "91350100M000100Y43");

  // The same code under another name, and the name's variants in the same
  // city, are duplicates; B is told one exists, not which.
  v1::Customer same_code = Named("另一家公司");
  same_code.set_credit_code("91350100M000100Y43");
  v1::Customer ignored;
  EXPECT_EQ(Create(*sales_a_, same_code, &ignored).error_code(), grpc::StatusCode::ALREADY_EXISTS);
  for (const char* variant : {"闽江机电(福州)有限责任公司", "闽江机电 （福州） 股份有限公司"}) {
    const grpc::Status status = Create(*sales_b_, Named(variant), &ignored);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS) << variant;
    EXPECT_EQ(status.error_message().find(created.code()), std::string::npos)
        << status.error_message();
  }

  v1::CheckDuplicatesRequest check;
  check.set_name("闽江机电（福州）有限责任公司");
  check.set_phone("+86 591 8766 5432");
  v1::CheckDuplicatesResponse theirs;
  grpc::Status status = stub_->CheckDuplicates(AuthContext(*sales_b_).get(), check, &theirs);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(theirs.candidates_size(), 1);
  EXPECT_FALSE(theirs.candidates(0).visible());
  EXPECT_EQ(theirs.candidates(0).owner_employee_id(), sales_a_->identity.employee_id());
  EXPECT_EQ(theirs.candidates(0).customer_id(), 0);
  EXPECT_TRUE(theirs.candidates(0).name().empty());
  EXPECT_EQ(theirs.candidates(0).reasons_size(), 2);
  v1::CheckDuplicatesResponse mine;
  status = stub_->CheckDuplicates(AuthContext(*sales_a_).get(), check, &mine);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(mine.candidates_size(), 1);
  EXPECT_TRUE(mine.candidates(0).visible());
  EXPECT_EQ(mine.candidates(0).customer_id(), created.id());
}

}  // namespace
}  // namespace crm
