// Customer search against a real MariaDB: the index follows writes, finds
// Chinese substrings, phones and contacts, ranks exact > prefix > substring,
// pages, respects visibility, and agrees with a brute-force scan under every
// plan the planner may choose.
#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "services/customer/bulk_loads.h"
#include "services/customer/search_indexer.h"
#include "services/customer/search_repository.h"
#include "services/customer/search_text.h"
#include "tests/customer/customer_fixture.h"

namespace crm::customer {
namespace {

class SearchTest : public CustomerRepositoryTest {
 protected:
  void SetUp() override {
    CustomerRepositoryTest::SetUp();
    indexer_ = std::make_unique<SearchIndexer>(*db_, Clock::System(), std::chrono::milliseconds(0));
    search_ = std::make_unique<SearchRepository>(*db_);
  }

  int64_t Make(const std::string& name, const std::string& phone = "",
               const CallContext* as = nullptr) {
    v1::Customer c = Sample(name);
    c.set_keywords("");  // only what a test sets is searchable
    c.set_phone(phone);
    auto created = repo_->Create(as ? *as : call_, c, "", false);
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? created->id() : 0;
  }

  void Index() {
    auto indexed = indexer_->CatchUp();
    ASSERT_TRUE(indexed.ok()) << indexed.status();
  }

  // Every page of a search: (name, match) in order.
  std::vector<std::pair<std::string, v1::SearchResult::Match>> All(
      const std::string& text, const CallContext& as, int page_size = 50, int64_t* total = nullptr,
      bool exact_only = false, SearchRepository* search = nullptr) {
    std::vector<std::pair<std::string, v1::SearchResult::Match>> found;
    SearchQuery query;
    query.text = NormalizeQuery(text);
    query.page_size = page_size;
    query.exact_only = exact_only;
    for (int pages = 0; pages < 100; ++pages) {
      auto page = (search ? search : search_.get())->Search(as, query);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      if (pages == 0 && total) *total = page->total_size;
      for (const auto& r : page->results) found.emplace_back(r.customer().name(), r.match());
      if (!page->has_more) break;
      query.tier = page->next_tier;
      query.after_id = page->next_after_id;
    }
    return found;
  }

  std::unique_ptr<SearchIndexer> indexer_;
  std::unique_ptr<SearchRepository> search_;
};

using Match = v1::SearchResult;

TEST_F(SearchTest, FindsChineseSubstringsRankedExactThenPrefixThenSubstring) {
  Make("上海华东电气有限公司");
  Make("华东电力设计院");
  Make("江苏华东电子");
  Make("华东电");
  Make("华南电气");
  Index();
  auto found = All("华东电", call_);
  ASSERT_EQ(found.size(), 4u);
  EXPECT_EQ(found[0], std::make_pair(std::string("华东电"), Match::MATCH_EXACT));
  EXPECT_EQ(found[1], std::make_pair(std::string("华东电力设计院"), Match::MATCH_PREFIX));
  EXPECT_EQ(found[2], std::make_pair(std::string("上海华东电气有限公司"), Match::MATCH_SUBSTRING));
  EXPECT_EQ(found[3], std::make_pair(std::string("江苏华东电子"), Match::MATCH_SUBSTRING));
  EXPECT_EQ(All("华东电", call_, 50, nullptr, /*exact_only=*/true).size(), 1u);
  EXPECT_EQ(All("华", call_).size(), 5u);  // one character: a range of grams
  EXPECT_TRUE(All("北京", call_).empty());
}

TEST_F(SearchTest, FindsPhonesWhateverTheirPunctuationAndKeywordsAndContacts) {
  const int64_t id = Make("浦东机电", "021-5856-1234");
  Make("静安贸易", "021-6666-7777");
  Index();
  EXPECT_EQ(All("58561234", call_).size(), 1u);
  EXPECT_EQ(All("(021) 5856", call_).size(), 1u);
  EXPECT_EQ(All("021", call_).size(), 2u);
  // A contact's name and mobile phone find the customer once the index
  // takes in the change.
  {
    auto c = pool_->Acquire();
    sql::PreparedStatement& insert = (*c)->Prepare(
        "INSERT INTO contacts (customer_id, name, mobile_phone, is_primary, created_at,"
        " updated_at) VALUES (?, '欧阳建国', '139 1234 5678', 1, NOW(6), NOW(6))");
    insert.setInt64(1, id);
    insert.executeUpdate();
  }
  ASSERT_TRUE(repo_
                  ->Update(call_, id, "",
                           [](v1::Customer& c) {
                             c.set_keywords("机电 ABB 代理");
                             return absl::OkStatus();
                           })
                  .ok());
  Index();
  EXPECT_EQ(All("阳建", call_).size(), 1u);
  EXPECT_EQ(All("13912345678", call_).size(), 1u);
  EXPECT_EQ(All("abb", call_).size(), 1u);
  EXPECT_EQ(All("ＡＢＢ", call_).size(), 1u);
}

TEST_F(SearchTest, TheIndexFollowsRenamesAndDeletes) {
  const int64_t id = Make("旧名字科技");
  Index();
  ASSERT_EQ(All("旧名", call_).size(), 1u);
  ASSERT_TRUE(repo_
                  ->Update(call_, id, "",
                           [](v1::Customer& c) {
                             c.set_name("新名字科技");
                             return absl::OkStatus();
                           })
                  .ok());
  Index();
  EXPECT_TRUE(All("旧名", call_).empty());
  EXPECT_EQ(All("新名", call_).size(), 1u);
  ASSERT_TRUE(repo_->Delete(call_, id, "").ok());
  Index();
  EXPECT_TRUE(All("名字", call_).empty());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM search_docs"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM search_postings"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM search_gram_counts WHERE customers <> 0"), 0);
}

TEST_F(SearchTest, PagesWithoutGapsOrRepeatsAndCounts) {
  for (int i = 0; i < 25; ++i) Make("测试客户" + std::to_string(100 + i));
  Make("测试客户");  // the exact match, made last
  Index();
  int64_t total = 0;
  auto found = All("测试客户", call_, 7, &total);
  ASSERT_EQ(found.size(), 26u);
  EXPECT_EQ(total, 26);
  EXPECT_EQ(found[0].second, Match::MATCH_EXACT);
  std::set<std::string> names;
  for (const auto& f : found) names.insert(f.first);
  EXPECT_EQ(names.size(), 26u);
}

TEST_F(SearchTest, SeesOnlyWhatTheCallerMay) {
  CallContext sales_a = As(201, Bit(Role::kSales), 21, "/1/2/5/");
  CallContext sales_b = As(202, Bit(Role::kSales), 22, "/1/3/");
  CallContext head_of_2 = As(203, Bit(Role::kDepartmentHead), 23, "/1/2/");
  const int64_t a_customer = Make("甲方机械厂", "", &sales_a);
  Make("乙方机械厂", "", &sales_b);
  Index();
  EXPECT_EQ(All("机械", sales_a).size(), 1u);
  EXPECT_EQ(All("机械", sales_b).size(), 1u);
  EXPECT_EQ(All("机械", head_of_2).size(), 1u);
  EXPECT_EQ(All("机械", As(1, Bit(Role::kAdministrator))).size(), 2u);
  ASSERT_TRUE(pool_repository_->Share(sales_a, a_customer, {22}).ok());
  EXPECT_EQ(All("机械", sales_b).size(), 2u);
  EXPECT_TRUE(All("机械", As(300, Bit(Role::kSales))).empty());  // no employee: nothing
}

// A broad query's total is a bound when counting would cost too much; the
// index's bound counts every owner's customers, so a caller who sees only
// some must get one from what they see: here the exact count.
TEST_F(SearchTest, TheTotalNeverCountsCustomersOutOfTheCallersSight) {
  CallContext sales_a = As(201, Bit(Role::kSales), 21, "/1/2/5/");
  CallContext sales_b = As(202, Bit(Role::kSales), 22, "/1/3/");
  CallContext head_of_2 = As(203, Bit(Role::kDepartmentHead), 23, "/1/2/");
  for (int i = 0; i < 2; ++i) Make("甲方机械厂" + std::to_string(i), "", &sales_a);
  for (int i = 0; i < 9; ++i) Make("乙方机械厂" + std::to_string(i), "", &sales_b);
  Index();
  SearchLimits small;
  small.exact_count = 5;  // 11 candidates: too many to count exactly
  SearchRepository search(*db_, small);
  int64_t total = 0;
  EXPECT_EQ(All("机械", head_of_2, 1, &total, false, &search).size(), 2u);
  EXPECT_EQ(total, 2);
  EXPECT_EQ(All("机械", sales_a, 1, &total, false, &search).size(), 2u);
  EXPECT_EQ(total, 2);
  // Everyone's customers: the index's bound is all there is to say.
  All("机械", As(1, Bit(Role::kAdministrator)), 1, &total, false, &search);
  EXPECT_EQ(total, 11);
}

TEST_F(SearchTest, TheIndexerWaitsWhileABulkImportRuns) {
  BulkLoads loads;
  SearchIndexer background(*db_, Clock::System(), std::chrono::milliseconds(20), &loads);
  background.Start();
  auto found_within = [&](const std::string& text, std::chrono::milliseconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    do {
      if (!All(text, call_).empty()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    } while (std::chrono::steady_clock::now() < until);
    return false;
  };
  {
    // A client streaming rows all along.
    BulkLoads::Running import(loads);
    std::atomic<bool> streaming{true};
    std::thread client([&] {
      while (streaming) {
        import.Progress();
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    });
    Make("导入期间新建");
    EXPECT_FALSE(found_within("导入期间", std::chrono::milliseconds(400)));
    streaming = false;
    client.join();
  }
  EXPECT_TRUE(found_within("导入期间", std::chrono::seconds(5)));

  // An import that brings nothing more (a stream left open after its
  // options) holds the index back no longer than BulkLoads::kIdleAfter.
  BulkLoads::Running idle(loads);
  Make("空闲导入期间新建");
  EXPECT_TRUE(found_within("空闲导入期间", BulkLoads::kIdleAfter + std::chrono::seconds(5)));
}

// A release before the owners' copies indexed some changes (it moved only
// the index's cursor): the copies' own cursor lags, and the next batches read
// those changes again, mend the copies and write no gram twice.
TEST_F(SearchTest, MendsOwnerCopiesAnOlderReleaseLeftBehind) {
  CallContext sales_a = As(201, Bit(Role::kSales), 21, "/1/2/");
  CallContext sales_b = As(202, Bit(Role::kSales), 22, "/1/3/");
  CallContext admin = As(1, Bit(Role::kAdministrator));
  const int64_t renamed = Make("旧名字机械厂", "", &sales_a);
  const int64_t given = Make("转手机械厂", "", &sales_a);
  const int64_t deleted = Make("删掉机械厂", "", &sales_a);
  Index();
  const int64_t before = Count("SELECT MAX(sequence) FROM change_log");
  // The copies as they were, to put back once the changes are indexed.
  Exec("CREATE TABLE copies_before AS SELECT * FROM search_owner_docs");

  ASSERT_TRUE(repo_
                  ->Update(sales_a, renamed, "",
                           [](v1::Customer& c) {
                             c.set_name("新名字机械厂");
                             return absl::OkStatus();
                           })
                  .ok());
  auto to_b = repo_->Get(sales_a, given);
  ASSERT_TRUE(to_b.ok());
  ASSERT_TRUE(
      pool_repository_->Give(admin, given, to_b->etag(), Owner{22, 0, "/1/3/"}, false).ok());
  ASSERT_TRUE(repo_->Delete(sales_a, deleted, "").ok());
  Index();
  const int64_t grams = Count("SELECT SUM(customers) FROM search_gram_counts");
  const int64_t postings = Count("SELECT COUNT(*) FROM search_postings");

  // What the older release would have left: the index current, the copies not.
  Exec("DELETE FROM search_owner_docs");
  Exec("INSERT INTO search_owner_docs SELECT * FROM copies_before");
  Exec("UPDATE feed_cursors SET last_sequence = " + std::to_string(before) +
       " WHERE name = 'search-owner-docs'");
  EXPECT_EQ(All("新名字", sales_a).size(), 0u);  // the stale copy misleads
  EXPECT_EQ(All("转手", sales_b).size(), 0u);

  Index();
  EXPECT_EQ(All("新名字", sales_a).size(), 1u);
  EXPECT_EQ(All("旧名字", sales_a).size(), 0u);
  EXPECT_EQ(All("转手", sales_b).size(), 1u);
  EXPECT_EQ(All("转手", sales_a).size(), 0u);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM search_owner_docs WHERE customer_id = " +
                  std::to_string(deleted)),
            0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM search_owner_docs o JOIN search_docs d"
                  " ON d.customer_id = o.customer_id AND d.doc = o.doc"
                  " JOIN customers c ON c.id = o.customer_id AND c.owner_id = o.owner_id"),
            2);
  EXPECT_EQ(Count("SELECT SUM(customers) FROM search_gram_counts"), grams);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM search_postings"), postings);
  EXPECT_EQ(Count("SELECT COUNT(DISTINCT last_sequence) FROM feed_cursors"
                  " WHERE name IN ('search-index', 'search-owner-docs')"),
            1);
}

// Upgrading a schema whose index an earlier release built to the release
// that brought V0008: V0008 copies every document under its owner and starts
// the copies' cursor where the index's is; run again after failing part-way,
// it completes. (Later migrations are left out, as that release had none.)
TEST_F(SearchTest, TheUpgradeCopiesTheIndexBuiltBefore) {
  CallContext sales_a = As(201, Bit(Role::kSales), 21, "/1/2/");
  CallContext sales_b = As(202, Bit(Role::kSales), 22, "/1/3/");
  const int64_t first = Make("甲一机械厂", "", &sales_a);
  Make("甲二机械厂", "", &sales_a);
  Make("乙一机械厂", "", &sales_b);
  Index();
  auto undo_v8 = [&] {
    Exec("DELETE FROM schema_migrations WHERE track = 'customer' AND version >= 8");
  };
  Exec("DROP TABLE search_owner_docs");
  Exec("DELETE FROM feed_cursors WHERE name = 'search-owner-docs'");
  undo_v8();
  std::vector<MigrationFile> files;
  for (MigrationFile& file : AllMigrations()) {
    if (file.track != "customer" || file.file_name < "V0009") files.push_back(std::move(file));
  }
  auto upgraded = ApplyMigrations(*pool_, files);
  ASSERT_TRUE(upgraded.ok()) << upgraded.status();
  EXPECT_EQ(upgraded->applied, 1);
  const std::string copies_in_step =
      "SELECT COUNT(*) FROM search_owner_docs o"
      " JOIN search_docs d ON d.customer_id = o.customer_id AND d.doc = o.doc"
      " JOIN customers c ON c.id = o.customer_id AND c.owner_id = o.owner_id";
  EXPECT_EQ(Count(copies_in_step), 3);
  EXPECT_EQ(Count("SELECT COUNT(DISTINCT last_sequence) FROM feed_cursors"
                  " WHERE name IN ('search-index', 'search-owner-docs')"),
            1);
  EXPECT_EQ(All("机械", sales_a).size(), 2u);

  // As if the start-up stopped after the table and one row were written.
  Exec("DELETE FROM search_owner_docs WHERE customer_id <> " + std::to_string(first));
  Exec("DELETE FROM feed_cursors WHERE name = 'search-owner-docs'");
  undo_v8();
  auto retried = ApplyMigrations(*pool_, files);
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(Count(copies_in_step), 3);
  EXPECT_EQ(All("机械", sales_b).size(), 1u);
}

// Random names over a small alphabet, random queries: the search finds exactly
// the customers a brute-force substring scan finds.
TEST_F(SearchTest, AgreesWithABruteForceScan) {
  const std::vector<std::string> alphabet = {"华", "东", "电", "气", "海", "公",
                                             "司", "a",  "b",  "1",  "2"};
  std::mt19937 random(7);
  std::map<std::string, int> names;
  while (names.size() < 150) {
    std::string name;
    for (int i = 0, n = 2 + random() % 7; i < n; ++i) name += alphabet[random() % alphabet.size()];
    names.emplace(name, 0);
  }
  for (auto& [name, unused] : names) Make(name);
  Index();
  CallContext admin = As(1, Bit(Role::kAdministrator));
  for (int round = 0; round < 60; ++round) {
    std::string query;
    for (int i = 0, n = 1 + random() % 3; i < n; ++i) query += alphabet[random() % alphabet.size()];
    std::set<std::string> expected;
    for (const auto& [name, unused] : names) {
      if (NormalizeText(name).find(query) != std::string::npos) expected.insert(name);
    }
    std::set<std::string> got;
    for (const auto& f : All(query, admin, 13)) got.insert(f.first);
    EXPECT_EQ(got, expected) << "query: " << query;
  }
}

// Owners change and shares are granted after the first indexing; for each
// caller and each plan (the default limits; every probe and owner scan the
// planner may use; walks only), the search finds exactly the customers the
// caller sees whose name holds the query.
TEST_F(SearchTest, AgreesWithABruteForceScanUnderEveryScopeAndPlan) {
  const std::vector<std::string> alphabet = {"华", "东", "电", "气", "1", "2", "3"};
  CallContext admin = As(1, Bit(Role::kAdministrator));
  CallContext sales_a = As(201, Bit(Role::kSales), 21, "/1/2/");
  CallContext sales_b = As(202, Bit(Role::kSales), 22, "/1/3/");
  struct Row {
    int64_t id;
    std::string etag;
    int64_t owner;
    bool shared_with_a = false;
  };
  std::mt19937 random(11);
  std::map<std::string, Row> rows;
  while (rows.size() < 160) {
    std::string name;
    for (int i = 0, n = 3 + random() % 8; i < n; ++i) name += alphabet[random() % alphabet.size()];
    if (rows.count(name)) continue;
    const bool of_a = random() % 2 == 0;
    v1::Customer c = Sample(name);
    c.set_keywords("");
    auto created = repo_->Create(of_a ? sales_a : sales_b, c, "", false);
    ASSERT_TRUE(created.ok()) << created.status();
    rows[name] = {created->id(), created->etag(), of_a ? 21 : 22};
  }
  Index();
  int moved = 0, shared = 0;
  for (auto& [name, row] : rows) {
    const int pick = random() % 6;
    if (pick == 0) {  // to the other sales person
      const Owner other = row.owner == 21 ? Owner{22, 0, "/1/3/"} : Owner{21, 0, "/1/2/"};
      auto given = pool_repository_->Give(admin, row.id, row.etag, other, false);
      ASSERT_TRUE(given.ok()) << given.status();
      row.owner = other.employee_id;
      ++moved;
    } else if (pick == 1 && row.owner == 22) {
      ASSERT_TRUE(pool_repository_->Share(admin, row.id, {21}).ok());
      row.shared_with_a = true;
      ++shared;
    }
  }
  ASSERT_GT(moved, 10);
  ASSERT_GT(shared, 5);
  Index();

  SearchLimits every_path;  // probe every walk, scan owners' documents whenever cheaper
  every_path.probe_from = 0;
  every_path.own_walk = 0;
  every_path.range = 0;
  every_path.exact_count = 0;
  SearchLimits walks_only;
  walks_only.own_walk = 1 << 30;
  walks_only.probe_from = 0;
  walks_only.max_probes = 1;
  std::vector<std::unique_ptr<SearchRepository>> plans;
  plans.push_back(std::make_unique<SearchRepository>(*db_));
  plans.push_back(std::make_unique<SearchRepository>(*db_, every_path));
  plans.push_back(std::make_unique<SearchRepository>(*db_, walks_only));

  struct Viewer {
    const char* label;
    const CallContext* call;
    std::function<bool(const Row&)> sees;
  };
  const std::vector<Viewer> viewers = {
      {"admin", &admin, [](const Row&) { return true; }},
      {"sales_a", &sales_a, [](const Row& r) { return r.owner == 21 || r.shared_with_a; }},
      {"sales_b", &sales_b, [](const Row& r) { return r.owner == 22; }},
  };
  for (int round = 0; round < 40; ++round) {
    std::string query;
    for (int i = 0, n = 1 + random() % 5; i < n; ++i) query += alphabet[random() % alphabet.size()];
    for (const Viewer& viewer : viewers) {
      std::set<std::string> expected;
      for (const auto& [name, row] : rows) {
        if (viewer.sees(row) && name.find(query) != std::string::npos) expected.insert(name);
      }
      for (size_t plan = 0; plan < plans.size(); ++plan) {
        std::set<std::string> got;
        for (const auto& f : All(query, *viewer.call, 9, nullptr, false, plans[plan].get())) {
          got.insert(f.first);
        }
        EXPECT_EQ(got, expected) << "query " << query << ", " << viewer.label << ", plan " << plan;
        SearchQuery first_page;
        first_page.text = NormalizeQuery(query);
        first_page.page_size = 9;
        auto page = plans[plan]->Search(*viewer.call, first_page);
        ASSERT_TRUE(page.ok()) << page.status();
        const int64_t matches = static_cast<int64_t>(expected.size());
        if (page->total_size_exact) {
          EXPECT_EQ(page->total_size, matches) << "query " << query << ", " << viewer.label;
        } else {
          EXPECT_GE(page->total_size, matches) << "query " << query << ", " << viewer.label;
        }
      }
    }
  }
}

}  // namespace
}  // namespace crm::customer
