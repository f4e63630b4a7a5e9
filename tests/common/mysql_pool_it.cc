// The connection pool against a real MariaDB: concurrency, replacement of
// broken connections, timeouts, Chinese text.
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "common/db/database.h"
#include "common/db/mysql_pool.h"
#include "tests/support/mariadb_server.h"

namespace crm {
namespace {

using testing::MariaDbServer;

int64_t ConnectionId(MySqlConnection& c) {
  std::unique_ptr<sql::ResultSet> rs(c.Prepare("SELECT CONNECTION_ID()").executeQuery());
  rs->next();
  return rs->getInt64(1);
}

TEST(MySqlPoolTest, ServesManyThreadsWithAFixedNumberOfConnections) {
  MySqlOptions options = MariaDbServer::Get().ScratchSchema();
  options.pool_size = 3;
  MySqlPool pool(options);
  Database db(pool);
  std::atomic<int> ok{0}, failed{0};
  std::mutex mu;
  std::set<int64_t> connection_ids;
  std::vector<std::thread> threads;
  for (int t = 0; t < 12; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        absl::Status status = db.Run("test", deadline, [&](MySqlConnection& c) -> absl::Status {
          sql::PreparedStatement& stmt = c.Prepare("SELECT ? + ?");
          stmt.setInt(1, t);
          stmt.setInt(2, i);
          std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
          rs->next();
          if (rs->getInt(1) != t + i) return absl::InternalError("wrong sum");
          int64_t id = ConnectionId(c);
          std::lock_guard<std::mutex> lock(mu);
          connection_ids.insert(id);
          return absl::OkStatus();
        });
        (status.ok() ? ok : failed)++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 600);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_LE(connection_ids.size(), 3u);  // never more connections than slots
  MySqlPoolStats stats = pool.Stats();
  EXPECT_EQ(stats.size, 3);
  EXPECT_EQ(stats.in_use, 0);
  EXPECT_GT(stats.waits, 0);
}

TEST(MySqlPoolTest, AKilledConnectionIsReplaced) {
  MySqlOptions options = MariaDbServer::Get().ScratchSchema();
  options.pool_size = 1;
  options.validate_after_idle_ms = 0;  // validate on every checkout
  MySqlPool pool(options);
  int64_t first_id = 0;
  {
    auto c = pool.Acquire();
    ASSERT_TRUE(c.ok());
    first_id = ConnectionId(**c);
  }
  MariaDbServer::Get().Sql("KILL CONNECTION " + std::to_string(first_id));
  auto c = pool.Acquire();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_NE(ConnectionId(**c), first_id);
  EXPECT_EQ(pool.Stats().replaced, 1);
}

TEST(MySqlPoolTest, AConnectionLostMidQueryIsMarkedAndReplaced) {
  MySqlOptions options = MariaDbServer::Get().ScratchSchema();
  options.pool_size = 1;
  options.validate_after_idle_ms = 60000;  // no validation: the query itself hits the dead link
  MySqlPool pool(options);
  Database db(pool);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  int64_t first_id = 0;
  ASSERT_TRUE(db.Run("id", deadline, [&](MySqlConnection& c) -> absl::Status {
                  first_id = ConnectionId(c);
                  return absl::OkStatus();
                }).ok());
  MariaDbServer::Get().Sql("KILL CONNECTION " + std::to_string(first_id));
  absl::Status lost = db.Run("after kill", deadline, [&](MySqlConnection& c) -> absl::Status {
    ConnectionId(c);
    return absl::OkStatus();
  });
  EXPECT_EQ(lost.code(), absl::StatusCode::kUnavailable);
  int64_t second_id = 0;
  ASSERT_TRUE(db.Run("again", deadline, [&](MySqlConnection& c) -> absl::Status {
                  second_id = ConnectionId(c);
                  return absl::OkStatus();
                }).ok());
  EXPECT_NE(second_id, first_id);
}

// Connector/C++ 1.1's commit() ignores the server's answer: a connection
// lost before COMMIT would be reported as committed, and the caller would
// acknowledge a write that was rolled back.
TEST(MySqlPoolTest, ACommitThatFailsIsAnErrorNotAnAcknowledgement) {
  MySqlOptions options = MariaDbServer::Get().ScratchSchema();
  options.pool_size = 2;
  MySqlPool pool(options);
  Database db(pool);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  ASSERT_TRUE(db.Run("setup", deadline, [](MySqlConnection& c) -> absl::Status {
                  c.Execute("CREATE TABLE acknowledged (id INT PRIMARY KEY) ENGINE=InnoDB");
                  return absl::OkStatus();
                }).ok());
  const absl::Status status =
      db.RunInTransaction("insert", deadline, [&](MySqlConnection& c) -> absl::Status {
        c.Execute("INSERT INTO acknowledged VALUES (1)");
        // The connection dies after the write, before the commit.
        MariaDbServer::Get().Sql("KILL CONNECTION " + std::to_string(ConnectionId(c)));
        return absl::OkStatus();
      });
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  absl::StatusOr<int64_t> rows =
      db.Run("count", deadline, [](MySqlConnection& c) -> absl::StatusOr<int64_t> {
        std::unique_ptr<sql::ResultSet> rs(
            c.Prepare("SELECT COUNT(*) FROM acknowledged").executeQuery());
        rs->next();
        return rs->getInt64(1);
      });
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(*rows, 0);  // rolled back, as the error said
}

TEST(MySqlPoolTest, WaitingForAFreeConnectionTimesOut) {
  MySqlOptions options = MariaDbServer::Get().ScratchSchema();
  options.pool_size = 1;
  MySqlPool pool(options);
  auto held = pool.Acquire();
  ASSERT_TRUE(held.ok());
  auto started = std::chrono::steady_clock::now();
  auto second = pool.Acquire(started + std::chrono::milliseconds(200));
  EXPECT_EQ(second.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(190));
  EXPECT_EQ(pool.Stats().timeouts, 1);
}

TEST(MySqlPoolTest, UnreachableDatabaseIsUnavailable) {
  MySqlOptions options = MariaDbServer::Get().ScratchSchema();
  options.connect_timeout_s = 1;
  {
    MySqlOptions by_tcp = options;
    by_tcp.socket.clear();
    by_tcp.port = 1;  // nothing listens there
    MySqlPool pool(by_tcp);
    EXPECT_EQ(pool.Acquire().status().code(), absl::StatusCode::kUnavailable);
    EXPECT_EQ(pool.Stats().in_use, 0);  // the slot went back
  }
  options.socket = MariaDbServer::Get().dir() + "/no-such.sock";
  MySqlPool pool(options);
  EXPECT_EQ(pool.Acquire().status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(pool.Stats().in_use, 0);
}

TEST(MySqlPoolTest, SessionsAreUtf8mb4StrictAndUtc) {
  MySqlOptions options = MariaDbServer::Get().ScratchSchema();
  MySqlPool pool(options);
  auto c = pool.Acquire();
  ASSERT_TRUE(c.ok());
  (*c)->Execute("CREATE TABLE t (s VARCHAR(4) NOT NULL) DEFAULT CHARSET = utf8mb4");
  sql::PreparedStatement& insert = (*c)->Prepare("INSERT INTO t VALUES (?)");
  insert.setString(1, "华东😀");
  insert.executeUpdate();
  std::unique_ptr<sql::ResultSet> rs((*c)->Prepare("SELECT s FROM t").executeQuery());
  ASSERT_TRUE(rs->next());
  EXPECT_EQ(std::string(rs->getString(1)), "华东😀");
  // Too long for VARCHAR(4): strict mode refuses instead of truncating.
  sql::PreparedStatement& too_long = (*c)->Prepare("INSERT INTO t VALUES (?)");
  too_long.setString(1, "上海华东电气");
  EXPECT_THROW(too_long.executeUpdate(), sql::SQLException);
  std::unique_ptr<sql::ResultSet> tz((*c)->Prepare("SELECT @@session.time_zone").executeQuery());
  tz->next();
  EXPECT_EQ(std::string(tz->getString(1)), "+00:00");
}

// The server's prepared statements, every session's.
int64_t ServerPreparedStatements(MySqlConnection& c) {
  std::unique_ptr<sql::ResultSet> rs(
      c.Prepare("SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS"
                " WHERE VARIABLE_NAME = 'PREPARED_STMT_COUNT'")
          .executeQuery());
  rs->next();
  return rs->getInt64(1);
}

// A caller cycling through distinct SQL texts (a list with every filter
// combination) must not reach the server's max_prepared_stmt_count: each
// connection closes its least recently used statements past the bound.
TEST(MySqlPoolTest, DistinctStatementsBeyondTheServerLimitStillRun) {
  MySqlOptions options = MariaDbServer::Get().ScratchSchema();
  options.pool_size = 2;
  options.statement_cache_size = 8;
  MariaDbServer::Get().Sql("SET GLOBAL max_prepared_stmt_count = 40");
  struct Restore {
    ~Restore() { MariaDbServer::Get().Sql("SET GLOBAL max_prepared_stmt_count = DEFAULT"); }
  } restore;

  MySqlPool pool(options);
  Database db(pool);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (int i = 0; i < 200; ++i) {
    absl::Status status = db.Run("distinct", deadline, [&](MySqlConnection& c) -> absl::Status {
      sql::PreparedStatement& stmt = c.Prepare("SELECT " + std::to_string(i) + " + ?");
      stmt.setInt(1, i);
      std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
      if (!rs->next() || rs->getInt(1) != 2 * i) return absl::InternalError("wrong answer");
      EXPECT_LE(c.cached_statements(), 8u);
      return absl::OkStatus();
    });
    ASSERT_TRUE(status.ok()) << "statement " << i << ": " << status;
  }
  // Two connections of at most 8 each (the count's own query among them).
  auto c = pool.Acquire();
  ASSERT_TRUE(c.ok());
  EXPECT_LE(ServerPreparedStatements(**c), 2 * 8);
}

// Within one checkout nothing the caller may still hold is closed: more
// statements than the bound all stay usable, and the cache shrinks back to
// its bound when the connection returns to the pool.
TEST(MySqlPoolTest, AStatementInUseIsNeverClosedUnderItsCaller) {
  MySqlOptions options = MariaDbServer::Get().ScratchSchema();
  options.pool_size = 1;
  options.statement_cache_size = 4;
  MySqlPool pool(options);
  {
    auto c = pool.Acquire();
    ASSERT_TRUE(c.ok());
    std::vector<sql::PreparedStatement*> held;
    for (int i = 0; i < 10; ++i) held.push_back(&(*c)->Prepare("SELECT ? * " + std::to_string(i)));
    EXPECT_EQ((*c)->cached_statements(), 10u);
    for (int i = 0; i < 10; ++i) {
      held[i]->setInt(1, 3);
      std::unique_ptr<sql::ResultSet> rs(held[i]->executeQuery());
      ASSERT_TRUE(rs->next());
      EXPECT_EQ(rs->getInt(1), 3 * i);
    }
  }
  auto c = pool.Acquire();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ((*c)->cached_statements(), 4u);
  // The most recently used survived and is reused, not prepared again.
  (*c)->Prepare("SELECT ? * 9");
  EXPECT_EQ((*c)->cached_statements(), 4u);
}

// A result read in several statements sees one state: a write another
// connection commits between them shows in neither (the reporting
// service's funnel once counted opportunities applied between its
// statements, and no stage they reached); an exception leaves no
// transaction open on the connection handed on.
TEST(MySqlPoolTest, ASnapshotReadsOneStateAcrossStatements) {
  MySqlOptions options = MariaDbServer::Get().ScratchSchema();
  options.pool_size = 2;
  MySqlPool pool(options);
  Database db(pool);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  ASSERT_TRUE(db.Run("create", deadline, [](MySqlConnection& c) -> absl::Status {
                  c.Execute("CREATE TABLE snapshot_rows (id INT PRIMARY KEY) ENGINE = InnoDB");
                  c.Execute("INSERT INTO snapshot_rows VALUES (1)");
                  return absl::OkStatus();
                }).ok());
  auto count = [](MySqlConnection& c) {
    std::unique_ptr<sql::ResultSet> rs(
        c.Prepare("SELECT COUNT(*) FROM snapshot_rows").executeQuery());
    rs->next();
    return rs->getInt64(1);
  };
  absl::StatusOr<std::pair<int64_t, int64_t>> seen = db.RunInSnapshot(
      "read", deadline, [&](MySqlConnection& c) -> absl::StatusOr<std::pair<int64_t, int64_t>> {
        const int64_t first = count(c);
        absl::Status written =
            db.Run("write", deadline, [](MySqlConnection& other) -> absl::Status {
              other.Execute("INSERT INTO snapshot_rows VALUES (2)");
              return absl::OkStatus();
            });
        if (!written.ok()) return written;
        return std::make_pair(first, count(c));
      });
  ASSERT_TRUE(seen.ok()) << seen.status();
  EXPECT_EQ(seen->first, 1);
  EXPECT_EQ(seen->second, 1) << "the second statement saw a later commit";

  // Thrown inside: the connection comes back outside any transaction, so a
  // write on it works and is committed.
  absl::Status thrown =
      db.RunInSnapshot("throws", deadline, [&](MySqlConnection& c) -> absl::Status {
        count(c);
        c.Execute("SELECT no_such_column FROM snapshot_rows");
        return absl::OkStatus();
      });
  EXPECT_FALSE(thrown.ok());
  for (int i = 0; i < 2; ++i) {  // both connections
    ASSERT_TRUE(db.Run("after", deadline, [&](MySqlConnection& c) -> absl::Status {
                    c.Execute("INSERT INTO snapshot_rows VALUES (" + std::to_string(10 + i) + ")");
                    return absl::OkStatus();
                  }).ok());
  }
  ASSERT_TRUE(db.Run("check", deadline, [&](MySqlConnection& c) -> absl::Status {
                  EXPECT_EQ(count(c), 4);
                  return absl::OkStatus();
                }).ok());
}

}  // namespace
}  // namespace crm
