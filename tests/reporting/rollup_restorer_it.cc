// RollupRestorer against a real MariaDB: after a rebuild's replay it derives
// the roll-ups the per-change path would have kept, across its id ranges;
// it finishes a derive a dead replica left; and it never restarts feeds a
// rebuild holds paused, nor starts before the replay has caught up.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/feed/feed_progress.h"
#include "services/reporting/rollup_restorer.h"
#include "tests/support/scratch_database.h"

namespace crm {
std::vector<MigrationFile> ReportingMigrations();
}

namespace crm::reporting {
namespace {

struct Line {
  int64_t product;
  int64_t quantity_milli;
  int64_t amount;
  int64_t cost;
};
struct Order {
  int64_t id;
  int64_t customer;
  bool counted;
  std::string date;
  int64_t owner;
  std::vector<Line> lines;
};

// Ids on both sides of the derive's 100,000-order ranges; two orders of one
// day, owner and product in different ranges.
const std::vector<Order>& Orders() {
  static const auto* orders = new std::vector<Order>{
      {7, 1, true, "2026-03-01", 10, {{500, 1000, 10000, 6000}, {501, 2500, 2500, 1000}}},
      {99999, 2, true, "2026-03-01", 10, {{500, 2000, 20000, 12000}, {500, 1000, 9900, 6000}}},
      {100001, 1, true, "2026-03-01", 10, {{500, 500, 5000, 3000}}},
      {100002, 3, false, "2026-03-01", 10, {{500, 9000, 90000, 50000}}},  // a draft
      {250000, 2, true, "2026-03-02", 11, {{502, 1000, 777, 700}}},
  };
  return *orders;
}

class RollupRestorerTest : public testing::ScratchDatabaseTest {
 protected:
  RollupRestorerTest() : ScratchDatabaseTest(&ReportingMigrations) {}

  void SetUp() override {
    ScratchDatabaseTest::SetUp();
    Exec("INSERT INTO customer_regions VALUES (1, 'east'), (2, 'north')");  // 3: none yet
    for (const Order& o : Orders()) {
      int64_t total = 0;
      for (const Line& l : o.lines) total += l.amount;
      Exec(absl::StrCat("INSERT INTO orders (id, customer_id, status, counted, order_date,",
                        " total_fen, campaign_id, owner_id, owner_department_id,",
                        " owner_department_path) VALUES (", o.id, ", ", o.customer, ", 2, ",
                        o.counted ? 1 : 0, ", '", o.date, "', ", total, ", 0, ", o.owner,
                        ", 4, '/1/4/')"));
      for (size_t i = 0; i < o.lines.size(); ++i) {
        const Line& l = o.lines[i];
        Exec(absl::StrCat("INSERT INTO order_lines VALUES (", o.id, ", ", i + 1, ", ", l.product,
                          ", 'p', ", l.quantity_milli, ", ", l.amount, ", ", l.cost, ", ",
                          o.counted ? 1 : 0, ", '", o.date, "', ", o.owner, ", 4, '/1/4/')"));
      }
    }
  }

  void SetCursors(int64_t org, int64_t customer, int64_t sales) {
    Exec(absl::StrCat("INSERT INTO feed_cursors (name, last_sequence, updated_at) VALUES",
                      " ('org', ", org, ", NOW()), ('customer', ", customer, ", NOW()),",
                      " ('sales', ", sales, ", NOW()), ('feedback', 3, NOW())"));
  }
  int64_t Cursor(const std::string& feed) {
    return Count("SELECT last_sequence FROM feed_cursors WHERE name = '" + feed + "'");
  }
  int64_t Phase() { return Count("SELECT phase FROM rollup_state WHERE id = 1"); }

  // The sums the per-change path keeps, computed here from Orders().
  void ExpectDerived() {
    std::map<std::tuple<std::string, int64_t, std::string>, std::pair<int64_t, int64_t>> days;
    std::map<std::tuple<std::string, int64_t, int64_t>, std::vector<int64_t>> products;
    const std::map<int64_t, std::string> regions{{1, "east"}, {2, "north"}, {3, ""}};
    for (const Order& o : Orders()) {
      if (!o.counted) continue;
      auto& day = days[{o.date, o.owner, regions.at(o.customer)}];
      ++day.first;
      std::map<int64_t, bool> named;
      for (const Line& l : o.lines) {
        day.second += l.amount;
        auto& p = products[{o.date, o.owner, l.product}];
        p.resize(4);
        if (!named[l.product]) ++p[0];
        named[l.product] = true;
        p[1] += l.quantity_milli;
        p[2] += l.amount;
        p[3] += l.cost;
      }
    }
    EXPECT_EQ(Count("SELECT COUNT(*) FROM sales_days"), static_cast<int64_t>(days.size()));
    for (const auto& [key, sums] : days) {
      const std::string row =
          absl::StrCat(" FROM sales_days WHERE order_date = '", std::get<0>(key),
                       "' AND owner_id = ", std::get<1>(key), " AND region_code = '",
                       std::get<2>(key), "' AND owner_department_path = '/1/4/'");
      EXPECT_EQ(Count("SELECT orders" + row), sums.first) << row;
      EXPECT_EQ(Count("SELECT amount_fen" + row), sums.second) << row;
    }
    EXPECT_EQ(Count("SELECT COUNT(*) FROM product_days"), static_cast<int64_t>(products.size()));
    for (const auto& [key, sums] : products) {
      const std::string row = absl::StrCat(" FROM product_days WHERE order_date = '",
                                           std::get<0>(key), "' AND owner_id = ", std::get<1>(key),
                                           " AND product_id = ", std::get<2>(key));
      EXPECT_EQ(Count("SELECT orders" + row), sums[0]) << row;
      EXPECT_EQ(Count("SELECT quantity_milli" + row), sums[1]) << row;
      EXPECT_EQ(Count("SELECT amount_fen" + row), sums[2]) << row;
      EXPECT_EQ(Count("SELECT cost_fen" + row), sums[3]) << row;
    }
  }

  FeedProgress customer_{"customer_test"};
  FeedProgress sales_{"sales_test"};
};

TEST_F(RollupRestorerTest, AfterTheReplayItDerivesTheRollupsAndRestartsTheFeedsWhereTheyWere) {
  SetCursors(5, 7, 9);
  Exec("UPDATE rollup_state SET phase = 1");
  RollupRestorer restorer(*db_, customer_, sales_, std::chrono::milliseconds(10));

  // Still replaying: nothing yet.
  customer_.CaughtUp();
  sales_.Behind();
  ASSERT_TRUE(restorer.RunOnce().ok());
  EXPECT_EQ(Phase(), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM sales_days"), 0);

  sales_.CaughtUp();
  ASSERT_TRUE(restorer.RunOnce().ok());
  EXPECT_EQ(Phase(), 0);
  EXPECT_EQ(Cursor("org"), 5);
  EXPECT_EQ(Cursor("customer"), 7);
  EXPECT_EQ(Cursor("sales"), 9);
  EXPECT_EQ(Cursor("feedback"), 3);
  ExpectDerived();
  // Once derived, a tick does nothing.
  Exec("DELETE FROM sales_days");
  ASSERT_TRUE(restorer.RunOnce().ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM sales_days"), 0);
}

TEST_F(RollupRestorerTest, FinishesADeriveADeadReplicaLeftWithTheFeedsPaused) {
  // Paused at 0, 7 and 9 (-2 - sequence), with a half-written roll-up that
  // would have been rolled back anyway.
  SetCursors(-2, -9, -11);
  Exec("UPDATE rollup_state SET phase = 2");
  Exec("INSERT INTO sales_days VALUES ('2026-03-01', 10, 'east', 4, '/1/4/', 99, 99)");
  RollupRestorer restorer(*db_, customer_, sales_, std::chrono::milliseconds(10));
  ASSERT_TRUE(restorer.RunOnce().ok());  // neither feed has been polled here
  EXPECT_EQ(Phase(), 0);
  EXPECT_EQ(Cursor("org"), 0);
  EXPECT_EQ(Cursor("customer"), 7);
  EXPECT_EQ(Cursor("sales"), 9);
  ExpectDerived();
}

TEST_F(RollupRestorerTest, LeavesFeedsARebuildHoldsPausedAlone) {
  // A rebuild paused the feeds with its token and failed before restarting
  // them: only its retry may.
  SetCursors(-123456789, -123456789, -123456789);
  Exec("UPDATE rollup_state SET phase = 1");
  customer_.CaughtUp();
  sales_.CaughtUp();
  RollupRestorer restorer(*db_, customer_, sales_, std::chrono::milliseconds(10));
  ASSERT_TRUE(restorer.RunOnce().ok());
  EXPECT_EQ(Phase(), 1);
  EXPECT_EQ(Cursor("sales"), -123456789);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM sales_days"), 0);
}

}  // namespace
}  // namespace crm::reporting
