// FeedConsumer.
#include "common/feed/feed_consumer.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/time/clock.h"
#include "common/base/logging.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/sql_time.h"

namespace crm {
namespace {
constexpr int kPageSize = 500;
}  // namespace

FeedConsumer::FeedConsumer(std::string name, Database& db, Fetch fetch, Apply apply,
                           std::chrono::milliseconds interval, const Clock& clock)
    : name_(std::move(name)),
      db_(db),
      fetch_(std::move(fetch)),
      apply_(std::move(apply)),
      interval_(interval),
      clock_(clock),
      progress_(name_) {}

FeedConsumer::~FeedConsumer() { thread_.Stop(); }

void FeedConsumer::Start() {
  thread_.Start(interval_, [this] {
    absl::StatusOr<int> applied = CatchUp();
    if (!applied.ok()) {
      progress_.Failed();
      log::Warn("cannot follow a change feed",
                {{"feed", name_}, {"error", applied.status().message()}});
    } else if (*applied > 0) {
      log::Info("applied changes from a feed", {{"feed", name_}, {"changes", *applied}});
    }
  });
}

absl::StatusOr<int64_t> FeedConsumer::Cursor() {
  return db_.Run("feed.cursor", std::chrono::steady_clock::now() + std::chrono::seconds(10),
                 [&](MySqlConnection& c) -> absl::StatusOr<int64_t> {
                   sql::PreparedStatement& stmt =
                       c.Prepare("SELECT last_sequence FROM feed_cursors WHERE name = ?");
                   stmt.setString(1, name_);
                   std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
                   return rs->next() ? rs->getInt64(1) : 0;
                 });
}

absl::StatusOr<int> FeedConsumer::CatchUp() {
  int applied = 0;
  for (;;) {
    CRM_ASSIGN_OR_RETURN(int64_t cursor, Cursor());
    if (cursor < 0) return applied;  // paused while the tables are emptied for a rebuild
    progress_.At(cursor);
    CRM_ASSIGN_OR_RETURN(common::v1::ListChangesResponse page, fetch_(cursor, kPageSize));
    if (page.changes().empty()) {
      progress_.CaughtUp();
      return applied;
    }
    CRM_ASSIGN_OR_RETURN(int done, ApplyPage(page, cursor));
    applied += done;
    progress_.At(page.last_sequence());
    if (!page.has_more()) {
      progress_.CaughtUp();
      return applied;
    }
    progress_.Behind();
  }
}

absl::StatusOr<int> FeedConsumer::ApplyPage(const common::v1::ListChangesResponse& page,
                                            int64_t fetched_after) {
  return db_.RunInTransaction(
      "feed.apply", std::chrono::steady_clock::now() + std::chrono::seconds(30),
      [&](MySqlConnection& c) -> absl::StatusOr<int> {
        // Lock the cursor: replicas consuming the same feed take turns, and
        // one that fetched before another applied skips what is done.
        sql::PreparedStatement& ensure = c.Prepare(
            "INSERT IGNORE INTO feed_cursors (name, last_sequence, updated_at) VALUES (?, 0, ?)");
        ensure.setString(1, name_);
        ensure.setDateTime(2, FormatSqlDateTime(clock_.Now()));
        ensure.executeUpdate();
        sql::PreparedStatement& lock =
            c.Prepare("SELECT last_sequence FROM feed_cursors WHERE name = ? FOR UPDATE");
        lock.setString(1, name_);
        std::unique_ptr<sql::ResultSet> rs(lock.executeQuery());
        rs->next();
        const int64_t stored = rs->getInt64(1);
        if (stored < fetched_after) return 0;  // reset meanwhile: fetch again
        int applied = 0;
        int64_t last = stored;
        const common::v1::Change* last_change = nullptr;
        for (const common::v1::Change& change : page.changes()) {
          if (change.sequence() <= stored) continue;
          apply_(c, change);
          last = change.sequence();
          last_change = &change;
          ++applied;
        }
        if (last_change != nullptr && page_applied_) page_applied_(c, *last_change);
        sql::PreparedStatement& move =
            c.Prepare("UPDATE feed_cursors SET last_sequence = ?, updated_at = ? WHERE name = ?");
        move.setInt64(1, last);
        move.setDateTime(2, FormatSqlDateTime(clock_.Now()));
        move.setString(3, name_);
        move.executeUpdate();
        return applied;
      });
}

}  // namespace crm
