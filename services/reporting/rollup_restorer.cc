// RollupRestorer: a paused cursor is stored as -2 - sequence, so it reads
// as paused (negative) to every consumer and decodes exactly.
#include "services/reporting/rollup_restorer.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>
#include <string>
#include <vector>

#include "common/base/logging.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/sql_time.h"
#include "common/feed/feed_progress.h"
#include "services/reporting/sales_rollup.h"

namespace crm::reporting {
namespace {

// The feeds that write orders, their customers' regions or their owners'
// departments, in the order a rebuild locks them (FeedNames()).
const std::vector<std::string>& PausedFeeds() {
  static const auto* feeds = new std::vector<std::string>{"org", "customer", "sales"};
  return *feeds;
}

// Locks the cursors, then rollup_state; returns the phase. `paused`: each
// cursor's sign (false when a cursor is missing or the signs differ).
int LockPhase(MySqlConnection& c, bool* paused, bool* running) {
  *paused = true;
  *running = true;
  sql::PreparedStatement& cursor =
      c.Prepare("SELECT last_sequence FROM feed_cursors WHERE name = ? FOR UPDATE");
  for (const std::string& feed : PausedFeeds()) {
    cursor.setString(1, feed);
    std::unique_ptr<sql::ResultSet> rs(cursor.executeQuery());
    const bool found = rs->next();
    const int64_t sequence = found ? rs->getInt64(1) : 0;
    *paused = *paused && found && sequence <= -2;
    *running = *running && found && sequence >= 0;
  }
  std::unique_ptr<sql::ResultSet> rs(
      c.Prepare("SELECT phase FROM rollup_state WHERE id = 1 FOR UPDATE").executeQuery());
  return rs->next() ? rs->getInt(1) : 0;
}

// Pauses (or, applied again, restarts) the feeds at their positions.
void FlipCursors(MySqlConnection& c, const std::string& now) {
  sql::PreparedStatement& flip = c.Prepare(
      "UPDATE feed_cursors SET last_sequence = -2 - last_sequence, updated_at = ? WHERE name = ?");
  for (const std::string& feed : PausedFeeds()) {
    flip.setDateTime(1, now);
    flip.setString(2, feed);
    flip.executeUpdate();
  }
}

void SetPhase(MySqlConnection& c, int phase) {
  sql::PreparedStatement& set = c.Prepare("UPDATE rollup_state SET phase = ? WHERE id = 1");
  set.setInt(1, phase);
  set.executeUpdate();
}

Deadline In(std::chrono::seconds seconds) { return std::chrono::steady_clock::now() + seconds; }

}  // namespace

RollupRestorer::RollupRestorer(Database& db, const FeedProgress& customer_feed,
                               const FeedProgress& sales_feed, std::chrono::milliseconds interval,
                               const Clock& clock)
    : db_(db),
      customer_feed_(customer_feed),
      sales_feed_(sales_feed),
      interval_(interval),
      clock_(clock) {}

RollupRestorer::~RollupRestorer() { thread_.Stop(); }

void RollupRestorer::Start() {
  thread_.Start(interval_, [this] {
    const absl::Status done = RunOnce();
    if (!done.ok()) {
      log::Warn("cannot derive the sales roll-ups", {{"error", done.message()}});
    }
  });
}

absl::Status RollupRestorer::RunOnce() {
  CRM_ASSIGN_OR_RETURN(
      const int phase,
      db_.Run("rollup.phase", In(std::chrono::seconds(10)),
              [](MySqlConnection& c) -> absl::StatusOr<int> {
                std::unique_ptr<sql::ResultSet> rs(
                    c.Prepare("SELECT phase FROM rollup_state WHERE id = 1").executeQuery());
                return rs->next() ? rs->getInt(1) : 0;
              }));
  if (phase == 0) return absl::OkStatus();
  if (phase == 1) {
    // Deriving before the replay ends would leave the rest of it to be
    // kept per change: the slow way.
    if (!customer_feed_.at_head() || !sales_feed_.at_head()) return absl::OkStatus();
    CRM_ASSIGN_OR_RETURN(const bool paused, Pause());
    if (!paused) return absl::OkStatus();
  }
  return DeriveAndResume();
}

absl::StatusOr<bool> RollupRestorer::Pause() {
  return db_.RunInTransaction("rollup.pause", In(std::chrono::seconds(60)),
                              [&](MySqlConnection& c) -> absl::StatusOr<bool> {
                                bool paused = false;
                                bool running = false;
                                // A negative cursor in phase 1 is a rebuild's pause: it restarts
                                // them.
                                if (LockPhase(c, &paused, &running) != 1 || !running) return false;
                                FlipCursors(c, FormatSqlDateTime(clock_.Now()));
                                SetPhase(c, 2);
                                return true;
                              });
}

absl::Status RollupRestorer::DeriveAndResume() {
  const auto begin = std::chrono::steady_clock::now();
  // Long: every statement stays well under the read timeout, but there are
  // a few per 100,000 orders.
  CRM_ASSIGN_OR_RETURN(const bool derived,
                       db_.RunInTransaction("rollup.derive", In(std::chrono::hours(1)),
                                            [&](MySqlConnection& c) -> absl::StatusOr<bool> {
                                              bool paused = false;
                                              bool running = false;
                                              // Phase 1 again: a rebuild came in between.
                                              if (LockPhase(c, &paused, &running) != 2 || !paused)
                                                return false;
                                              DeriveRollups(c);
                                              FlipCursors(c, FormatSqlDateTime(clock_.Now()));
                                              SetPhase(c, 0);
                                              return true;
                                            }));
  if (derived) {
    log::Info("derived the sales roll-ups after a rebuild; the feeds go on",
              {{"ms", static_cast<int64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                               std::chrono::steady_clock::now() - begin)
                                               .count())}});
  }
  return absl::OkStatus();
}

}  // namespace crm::reporting
