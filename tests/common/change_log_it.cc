// The change log: written with the data, read in commit order without gaps,
// also while many writers commit concurrently.
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/db/database.h"
#include "common/db/migrations.h"
#include "common/feed/change_log.h"
#include "crm/common/v1/audit.pb.h"
#include "crm/common/v1/changes.pb.h"
#include "crm/customer/v1/customer.pb.h"
#include "tests/support/scratch_database.h"

namespace crm {
namespace {

// A table of the test's own whose rows the changes describe.
std::vector<MigrationFile> ItemsTable() {
  return {{"test", "V0001__items.sql", "CREATE TABLE items (id BIGINT PRIMARY KEY)"}};
}

class ChangeLogTest : public testing::ScratchDatabaseTest {
 protected:
  ChangeLogTest() : ScratchDatabaseTest(&ItemsTable) {}

  Deadline Soon() { return std::chrono::steady_clock::now() + std::chrono::seconds(30); }

  // Inserts an item and its change in one transaction; `fail` rolls it back.
  absl::Status Write(int64_t id, bool fail = false, int pause_us = 0) {
    CallContext call;
    call.actor = "tester";
    call.request_id = "req-" + std::to_string(id);
    return db_->RunInTransaction("write", Soon(), [&](MySqlConnection& c) -> absl::Status {
      sql::PreparedStatement& insert = c.Prepare("INSERT INTO items (id) VALUES (?)");
      insert.setInt64(1, id);
      insert.executeUpdate();
      customer::v1::Customer state;
      state.set_id(id);
      state.set_name("客户 " + std::to_string(id));
      if (pause_us > 0) std::this_thread::sleep_for(std::chrono::microseconds(pause_us));
      AppendChange(c, call, ChangeOp::kCreate, id, state);
      if (pause_us > 0) std::this_thread::sleep_for(std::chrono::microseconds(pause_us));
      if (fail) return absl::FailedPreconditionError("changed my mind");
      return absl::OkStatus();
    });
  }

  common::v1::ListChangesResponse List(int64_t after, int page_size) {
    common::v1::ListChangesRequest request;
    request.set_after_sequence(after);
    request.set_page_size(page_size);
    common::v1::ListChangesResponse response;
    CallContext call;
    call.deadline = Soon();
    absl::Status status = ListChanges(*db_, call, request, &response);
    EXPECT_TRUE(status.ok()) << status;
    return response;
  }
};

TEST_F(ChangeLogTest, ChangeRowsCarryTheStateActorAndRequest) {
  ASSERT_TRUE(Write(7).ok());
  auto page = List(0, 10);
  ASSERT_EQ(page.changes_size(), 1);
  const auto& change = page.changes(0);
  EXPECT_EQ(change.sequence(), 1);
  EXPECT_EQ(change.entity_type(), "crm.customer.v1.Customer");
  EXPECT_EQ(change.entity_id(), 7);
  EXPECT_EQ(change.operation(), common::v1::CHANGE_OPERATION_CREATE);
  EXPECT_EQ(change.actor(), "tester");
  EXPECT_EQ(change.request_id(), "req-7");
  EXPECT_GT(change.change_time().seconds(), 1700000000);
  customer::v1::Customer state;
  ASSERT_TRUE(change.state().UnpackTo(&state));
  EXPECT_EQ(state.name(), "客户 7");
  EXPECT_EQ(page.last_sequence(), 1);
  EXPECT_FALSE(page.has_more());
}

TEST_F(ChangeLogTest, AnUpdateKeepsThePreviousStateAndNamesWhatChanged) {
  ASSERT_TRUE(Write(8).ok());
  customer::v1::Customer before;
  before.set_id(8);
  before.set_name("客户 8");
  before.set_status(customer::v1::CUSTOMER_STATUS_FOLLOWING_UP);
  before.set_etag("1");
  customer::v1::Customer after = before;
  after.set_status(customer::v1::CUSTOMER_STATUS_SIGNED);
  after.add_shared_with_employee_ids(5);
  after.set_etag("2");  // every edit moves it: not named
  CallContext call;
  call.actor = "tester";
  ASSERT_TRUE(db_->RunInTransaction("update", Soon(),
                                    [&](MySqlConnection& c) -> absl::Status {
                                      AppendChange(c, call, ChangeOp::kUpdate, 8, after, &before);
                                      return absl::OkStatus();
                                    })
                  .ok());
  auto page = List(0, 10);
  ASSERT_EQ(page.changes_size(), 2);
  EXPECT_FALSE(page.changes(0).has_previous_state()) << "a create has none";
  EXPECT_EQ(page.changes(0).changed_fields_size(), 0);
  const common::v1::Change& update = page.changes(1);
  customer::v1::Customer previous, state;
  ASSERT_TRUE(update.previous_state().UnpackTo(&previous));
  ASSERT_TRUE(update.state().UnpackTo(&state));
  EXPECT_EQ(previous.status(), customer::v1::CUSTOMER_STATUS_FOLLOWING_UP);
  EXPECT_EQ(state.status(), customer::v1::CUSTOMER_STATUS_SIGNED);
  EXPECT_EQ(
      std::vector<std::string>(update.changed_fields().begin(), update.changed_fields().end()),
      (std::vector<std::string>{"status", "shared_with_employee_ids"}));
}

TEST_F(ChangeLogTest, ARolledBackWriteLeavesNoChangeAndNoGap) {
  ASSERT_TRUE(Write(1).ok());
  EXPECT_FALSE(Write(2, /*fail=*/true).ok());
  ASSERT_TRUE(Write(3).ok());
  auto page = List(0, 10);
  ASSERT_EQ(page.changes_size(), 2);
  EXPECT_EQ(page.changes(0).entity_id(), 1);
  EXPECT_EQ(page.changes(1).entity_id(), 3);
  EXPECT_EQ(page.changes(1).sequence(), 2);
}

TEST_F(ChangeLogTest, PagesAndCursor) {
  for (int i = 1; i <= 5; ++i) ASSERT_TRUE(Write(i).ok());
  auto first = List(0, 2);
  EXPECT_EQ(first.changes_size(), 2);
  EXPECT_TRUE(first.has_more());
  EXPECT_EQ(first.last_sequence(), 2);
  auto rest = List(first.last_sequence(), 10);
  EXPECT_EQ(rest.changes_size(), 3);
  EXPECT_FALSE(rest.has_more());
  auto none = List(rest.last_sequence(), 10);
  EXPECT_EQ(none.changes_size(), 0);
  EXPECT_EQ(none.last_sequence(), 5);  // the cursor stays put
}

TEST_F(ChangeLogTest, AuditEventsFilterByActorEntityAndTimeNewestFirst) {
  ASSERT_TRUE(Write(1).ok());
  ASSERT_TRUE(Write(2).ok());
  const absl::Time between = absl::Now();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(Write(3).ok());
  CallContext call;
  call.deadline = Soon();
  common::v1::ListAuditEventsRequest request;
  request.set_actor("tester");
  common::v1::ListAuditEventsResponse all;
  ASSERT_TRUE(ListAuditEvents(*db_, call, request, &all).ok());
  ASSERT_EQ(all.events_size(), 3);
  EXPECT_EQ(all.events(0).entity_id(), 3);  // newest first
  EXPECT_EQ(all.events(2).entity_id(), 1);

  common::v1::ListAuditEventsRequest since = request;
  since.mutable_start_time()->set_seconds(absl::ToUnixSeconds(between));
  since.mutable_start_time()->set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(between - absl::FromUnixSeconds(absl::ToUnixSeconds(between)))));
  common::v1::ListAuditEventsResponse later;
  ASSERT_TRUE(ListAuditEvents(*db_, call, since, &later).ok());
  ASSERT_EQ(later.events_size(), 1);
  EXPECT_EQ(later.events(0).entity_id(), 3);

  common::v1::ListAuditEventsRequest one = request;
  one.set_entity_type("crm.customer.v1.Customer");
  one.set_entity_id(2);
  common::v1::ListAuditEventsResponse entity;
  ASSERT_TRUE(ListAuditEvents(*db_, call, one, &entity).ok());
  ASSERT_EQ(entity.events_size(), 1);
  EXPECT_EQ(entity.events(0).request_id(), "req-2");

  common::v1::ListAuditEventsRequest paged = request;
  paged.set_page_size(2);
  common::v1::ListAuditEventsResponse first;
  ASSERT_TRUE(ListAuditEvents(*db_, call, paged, &first).ok());
  ASSERT_EQ(first.events_size(), 2);
  ASSERT_FALSE(first.next_page_token().empty());
  paged.set_page_token(first.next_page_token());
  common::v1::ListAuditEventsResponse second;
  ASSERT_TRUE(ListAuditEvents(*db_, call, paged, &second).ok());
  ASSERT_EQ(second.events_size(), 1);
  EXPECT_EQ(second.events(0).entity_id(), 1);
  EXPECT_TRUE(second.next_page_token().empty());

  common::v1::ListAuditEventsRequest nobody;
  nobody.set_actor("someone-else");
  common::v1::ListAuditEventsResponse none;
  ASSERT_TRUE(ListAuditEvents(*db_, call, nobody, &none).ok());
  EXPECT_EQ(none.events_size(), 0);
}

TEST_F(ChangeLogTest, BadRequestsAreRefused) {
  common::v1::ListChangesRequest request;
  request.set_after_sequence(-1);
  request.set_page_size(-5);
  common::v1::ListChangesResponse response;
  CallContext call;
  absl::Status status = ListChanges(*db_, call, request, &response);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(status.message()).find("after_sequence"), std::string::npos);
  EXPECT_NE(std::string(status.message()).find("page_size"), std::string::npos);
}

// The reader's read view may not be built while an append is in flight: on
// MariaDB that view can miss sequence n and still see n + 1 (see
// CommittedSequence), and the feed would skip n for good. So a reader waits
// for the append's commit, then returns it.
TEST_F(ChangeLogTest, AReaderWaitsForAnAppendInFlightAndThenReturnsIt) {
  ASSERT_TRUE(Write(1).ok());
  absl::Notification appended, may_commit;
  std::thread writer([&] {
    CallContext call;
    call.actor = "tester";
    absl::Status written =
        db_->RunInTransaction("write", Soon(), [&](MySqlConnection& c) -> absl::Status {
          customer::v1::Customer state;
          state.set_id(2);
          AppendChange(c, call, ChangeOp::kCreate, 2, state);
          appended.Notify();
          may_commit.WaitForNotification();
          return absl::OkStatus();
        });
    EXPECT_TRUE(written.ok()) << written;
  });
  appended.WaitForNotification();
  std::atomic<bool> read{false};
  common::v1::ListChangesResponse page;
  std::thread reader([&] {
    page = List(0, 10);
    read = true;
  });
  // Until the reader is seen stuck on the sequence counter (or it has already
  // answered, which fails below). The process list shows a session its own
  // user's statements without the PROCESS privilege.
  const absl::Time give_up = absl::Now() + absl::Seconds(20);
  while (!read.load() && absl::Now() < give_up &&
         Count("SELECT COUNT(*) FROM information_schema.PROCESSLIST"
               " WHERE DB = DATABASE() AND INFO LIKE '%FROM change_sequence%'") == 0) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_FALSE(read.load()) << "the reader answered while sequence 2 was uncommitted";
  may_commit.Notify();
  writer.join();
  reader.join();
  ASSERT_EQ(page.changes_size(), 2);
  EXPECT_EQ(page.changes(1).sequence(), 2);
  EXPECT_EQ(page.last_sequence(), 2);
}

// Writers whose transactions overlap and commit in any order, and a reader
// pulling all the while: the reader must see every committed change exactly
// once, numbered 1, 2, 3, ... with no gap, which is only true if a sequence
// never becomes visible before a smaller one.
TEST_F(ChangeLogTest, ConcurrentWritersAndAPullerNeverMissOrRepeat) {
  constexpr int kWriters = 6;
  constexpr int kPerWriter = 60;
  std::atomic<bool> writing{true};
  std::atomic<int> failures{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      std::mt19937 random(w);
      for (int i = 0; i < kPerWriter; ++i) {
        int64_t id = w * 1000 + i + 1;
        if (!Write(id, false, static_cast<int>(random() % 1500)).ok()) ++failures;
      }
    });
  }
  std::vector<int64_t> seen;
  int64_t cursor = 0;
  std::thread puller([&] {
    for (;;) {
      bool done = !writing.load();
      auto page = List(cursor, 7);
      for (const auto& change : page.changes()) seen.push_back(change.sequence());
      cursor = page.last_sequence();
      if (done && page.changes_size() == 0) return;
    }
  });
  for (auto& t : writers) t.join();
  writing = false;
  puller.join();
  EXPECT_EQ(failures.load(), 0);
  ASSERT_EQ(seen.size(), static_cast<size_t>(kWriters * kPerWriter));
  for (size_t i = 0; i < seen.size(); ++i) ASSERT_EQ(seen[i], static_cast<int64_t>(i + 1));
}

}  // namespace
}  // namespace crm
