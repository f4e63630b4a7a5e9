// Competitors (R6) against a real MariaDB: unique names, masks and etags,
// idempotent creates, and searched, paged lists.
#include <set>

#include "services/customer/competitor_handlers.h"
#include "services/customer/competitor_repository.h"
#include "tests/customer/customer_fixture.h"

namespace crm::customer {
namespace {

class CompetitorTest : public CustomerRepositoryTest {
 protected:
  void SetUp() override {
    CustomerRepositoryTest::SetUp();
    competitors_ = std::make_unique<CompetitorRepository>(*db_);
    handlers_ = std::make_unique<CompetitorHandlers>(*competitors_);
  }

  static v1::Competitor Rival(const std::string& name, const std::string& products = "") {
    v1::Competitor c;
    c.set_name(name);
    c.set_website("https://example.com");
    c.set_products(products);
    c.set_strengths("价格低\n交货快");
    c.set_weaknesses("售后弱");
    c.set_market_share_bp(1250);
    return c;
  }

  absl::StatusOr<v1::Competitor> Create(const v1::Competitor& c,
                                        const std::string& request_id = "") {
    v1::CreateCompetitorRequest request;
    *request.mutable_competitor() = c;
    request.set_request_id(request_id);
    v1::Competitor response;
    CRM_RETURN_IF_ERROR(handlers_->CreateCompetitor(call_, request, &response));
    return response;
  }

  absl::StatusOr<v1::Competitor> Get(const CallContext& call, int64_t id) {
    v1::GetCompetitorRequest request;
    request.set_id(id);
    v1::Competitor response;
    CRM_RETURN_IF_ERROR(handlers_->GetCompetitor(call, request, &response));
    return response;
  }

  absl::StatusOr<v1::Competitor> Update(const v1::Competitor& patch,
                                        std::vector<std::string> paths) {
    v1::UpdateCompetitorRequest request;
    *request.mutable_competitor() = patch;
    // An update names the version it changes: the one read now unless the
    // test says which ("0": none can be read).
    if (patch.etag().empty()) {
      absl::StatusOr<v1::Competitor> current = Get(call_, patch.id());
      request.mutable_competitor()->set_etag(current.ok() ? current->etag() : "0");
    }
    for (auto& p : paths) request.mutable_update_mask()->add_paths(p);
    v1::Competitor response;
    CRM_RETURN_IF_ERROR(handlers_->UpdateCompetitor(call_, request, &response));
    return response;
  }

  absl::StatusOr<std::vector<std::string>> Names(const CallContext& call, const std::string& query,
                                                 int64_t* total = nullptr, int page_size = 2) {
    v1::ListCompetitorsRequest request;
    request.set_query(query);
    request.set_page_size(page_size);
    std::vector<std::string> names;
    for (;;) {
      v1::ListCompetitorsResponse page;
      CRM_RETURN_IF_ERROR(handlers_->ListCompetitors(call, request, &page));
      for (const auto& c : page.competitors()) names.push_back(c.name());
      if (total != nullptr) *total = page.total_size();
      if (page.next_page_token().empty()) return names;
      request.set_page_token(page.next_page_token());
    }
  }

  std::unique_ptr<CompetitorRepository> competitors_;
  std::unique_ptr<CompetitorHandlers> handlers_;
};

TEST_F(CompetitorTest, NamesAreUniqueAndEveryoneReads) {
  auto created = Create(Rival("  ABB 电气  ", "断路器"));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->name(), "ABB 电气");
  EXPECT_EQ(created->market_share_bp(), 1250);
  EXPECT_EQ(Create(Rival("ABB 电气")).status().code(), absl::StatusCode::kAlreadyExists);
  // The column's collation ignores case.
  EXPECT_EQ(Create(Rival("abb 电气")).status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM competitors"), 1);

  // Not owned: any reader sees it.
  auto read = Get(As(300, Bit(Role::kReadOnly)), created->id());
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->strengths(), "价格低\n交货快");
  EXPECT_EQ(Get(call_, created->id() + 1).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM change_log"
                  " WHERE entity_type = 'crm.customer.v1.Competitor'"),
            1);
}

TEST_F(CompetitorTest, CreatesAreIdempotentOnRequestId) {
  auto first = Create(Rival("施耐德"), "c-1");
  auto again = Create(Rival("施耐德"), "c-1");
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(first->id(), again->id());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM competitors"), 1);
}

TEST_F(CompetitorTest, InvalidFieldsAreNamed) {
  auto expect_invalid = [&](const v1::Competitor& c, const std::string& field) {
    auto created = Create(c);
    ASSERT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument) << field;
    EXPECT_NE(std::string(created.status().message()).find(field), std::string::npos)
        << created.status();
  };
  expect_invalid(Rival(""), "competitor.name");
  expect_invalid(Rival(std::string(201, 'x')), "competitor.name");
  v1::Competitor c = Rival("西门子");
  c.set_market_share_bp(10001);
  expect_invalid(c, "competitor.market_share_bp");
  c.set_market_share_bp(-1);
  expect_invalid(c, "competitor.market_share_bp");
  c = Rival("西门子", std::string(2001, 'x'));
  expect_invalid(c, "competitor.products");
  c = Rival("西门子");
  c.set_website(std::string(255, 'w'));
  expect_invalid(c, "competitor.website");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM competitors"), 0);
  c = Rival("西门子");
  c.set_market_share_bp(10000);
  EXPECT_TRUE(Create(c).ok());
}

TEST_F(CompetitorTest, UpdatesFollowTheMaskAndTheEtag) {
  auto siemens = Create(Rival("西门子", "变频器"));
  auto abb = Create(Rival("ABB"));
  ASSERT_TRUE(siemens.ok() && abb.ok());
  v1::Competitor patch;
  patch.set_id(siemens->id());
  patch.set_etag(siemens->etag());
  patch.set_remarks("重点关注");
  patch.set_products("ignored: not in the mask");
  auto updated = Update(patch, {"remarks"});
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->remarks(), "重点关注");
  EXPECT_EQ(updated->products(), "变频器");
  EXPECT_NE(updated->etag(), siemens->etag());

  patch.set_remarks("过时的修改");  // the old etag
  EXPECT_EQ(Update(patch, {"remarks"}).status().code(), absl::StatusCode::kAborted);
  patch.clear_etag();
  patch.set_name("ABB");
  EXPECT_EQ(Update(patch, {"name"}).status().code(), absl::StatusCode::kAlreadyExists);
  patch.set_market_share_bp(0);
  auto cleared = Update(patch, {"market_share_bp"});
  ASSERT_TRUE(cleared.ok()) << cleared.status();
  EXPECT_EQ(cleared->market_share_bp(), 0);
  EXPECT_EQ(Get(call_, siemens->id())->name(), "西门子");
  for (const char* bad : {"id", "create_time", "nonsense"}) {
    auto refused = Update(patch, {bad});
    ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(std::string(refused.status().message()).find("update_mask"), std::string::npos);
  }
  patch.set_id(abb->id() + 100);
  EXPECT_EQ(Update(patch, {"remarks"}).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(CompetitorTest, ListsSearchNamesAndNotesByName) {
  ASSERT_TRUE(Create(Rival("正泰", "断路器 接触器")).ok());
  ASSERT_TRUE(Create(Rival("德力西", "断路器")).ok());
  ASSERT_TRUE(Create(Rival("良信", "配电柜")).ok());
  v1::Competitor percent = Rival("百分百电气 100%", "开关");
  percent.set_weaknesses("交期长");
  ASSERT_TRUE(Create(percent).ok());
  ASSERT_TRUE(Create(Rival("施耐德", "变频器")).ok());

  int64_t total = 0;
  auto all = Names(call_, "", &total);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->size(), 5u);
  EXPECT_EQ(total, 5);
  // Pages follow the column's order: no gaps, no repeats.
  EXPECT_EQ(*all, *Names(call_, "", nullptr, 100));
  EXPECT_EQ(std::set<std::string>(all->begin(), all->end()).size(), 5u);

  EXPECT_EQ(Names(call_, "断路器", &total)->size(), 2u);  // products
  EXPECT_EQ(total, 2);
  EXPECT_EQ(*Names(call_, "交期"), (std::vector<std::string>{"百分百电气 100%"}));  // weaknesses
  EXPECT_EQ(Names(call_, "价格低")->size(), 5u);                                    // strengths
  EXPECT_EQ(*Names(call_, "施耐"), (std::vector<std::string>{"施耐德"}));           // name
  EXPECT_EQ(Names(call_, "0%")->size(), 1u);  // % is a character, not a wildcard
  EXPECT_EQ(Names(call_, "_")->size(), 0u);
  EXPECT_TRUE(Names(call_, "不存在")->empty());
}

}  // namespace
}  // namespace crm::customer
