// Migration parsing, planning and application.
#include "common/db/migrations.h"

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <map>
#include <memory>
#include <regex>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/auth/digest.h"
#include "common/base/logging.h"
#include "common/db/mysql_errors.h"
#include "common/db/mysql_pool.h"

namespace crm {

absl::StatusOr<Migration> ParseMigration(const MigrationFile& file) {
  static const std::regex kName(R"(V([0-9]{1,9})__([A-Za-z0-9_]+)\.sql)");
  std::smatch match;
  if (!std::regex_match(file.file_name, match, kName)) {
    return absl::InvalidArgumentError(
        absl::StrCat("migration file name '", file.file_name, "' is not V<version>__<name>.sql"));
  }
  Migration m;
  m.track = file.track;
  if (!absl::SimpleAtoi(match[1].str(), &m.version) || m.version <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("bad version in ", file.file_name));
  }
  m.name = match[2].str();
  m.file_name = file.file_name;
  m.sql = file.sql;
  m.checksum = Sha256Hex(file.sql);
  return m;
}

std::vector<std::string> SplitSqlStatements(absl::string_view sql) {
  std::vector<std::string> statements;
  std::string current;
  auto flush = [&] {
    size_t first = current.find_first_not_of(" \t\r\n");
    if (first != std::string::npos) {
      size_t last = current.find_last_not_of(" \t\r\n");
      statements.push_back(current.substr(first, last - first + 1));
    }
    current.clear();
  };
  for (size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    char next = i + 1 < sql.size() ? sql[i + 1] : '\0';
    if ((c == '-' && next == '-') || c == '#') {  // line comment
      while (i < sql.size() && sql[i] != '\n') ++i;
      current.push_back('\n');
    } else if (c == '/' && next == '*') {  // block comment
      i += 2;
      while (i + 1 < sql.size() && !(sql[i] == '*' && sql[i + 1] == '/')) ++i;
      ++i;
      current.push_back(' ');
    } else if (c == '\'' || c == '"' || c == '`') {  // quoted text, kept verbatim
      current.push_back(c);
      for (++i; i < sql.size(); ++i) {
        current.push_back(sql[i]);
        if (sql[i] == '\\' && c != '`' && i + 1 < sql.size()) {
          current.push_back(sql[++i]);
        } else if (sql[i] == c) {
          break;
        }
      }
    } else if (c == ';') {
      flush();
    } else {
      current.push_back(c);
    }
  }
  flush();
  return statements;
}

absl::StatusOr<std::vector<const Migration*>> PlanMigrations(
    const std::vector<Migration>& available, const std::vector<AppliedMigration>& applied) {
  std::map<std::pair<std::string, int>, const AppliedMigration*> applied_by_key;
  std::map<std::string, int> max_applied;
  for (const AppliedMigration& a : applied) {
    applied_by_key[{a.track, a.version}] = &a;
    max_applied[a.track] = std::max(max_applied[a.track], a.version);
  }
  // Tracks run in the order they first appear; versions ascend within a track.
  std::map<std::string, size_t> track_rank;
  std::vector<const Migration*> ordered;
  for (const Migration& m : available) {
    track_rank.emplace(m.track, track_rank.size());
    ordered.push_back(&m);
  }
  std::stable_sort(ordered.begin(), ordered.end(), [&](const Migration* a, const Migration* b) {
    return std::make_pair(track_rank[a->track], a->version) <
           std::make_pair(track_rank[b->track], b->version);
  });
  std::set<std::pair<std::string, int>> seen;
  std::vector<const Migration*> plan;
  for (const Migration* m : ordered) {
    if (!seen.insert({m->track, m->version}).second) {
      return absl::FailedPreconditionError(
          absl::StrCat("migration version ", m->version, " appears twice in track ", m->track));
    }
    auto it = applied_by_key.find({m->track, m->version});
    if (it != applied_by_key.end()) {
      if (it->second->checksum != m->checksum) {
        return absl::FailedPreconditionError(absl::StrCat(
            "migration ", m->track, "/", m->file_name,
            " was changed after it was applied (applied checksum ", it->second->checksum,
            ", file checksum ", m->checksum, "); add a new migration instead"));
      }
      continue;
    }
    if (m->version < max_applied[m->track]) {
      return absl::FailedPreconditionError(absl::StrCat(
          "migration ", m->track, "/", m->file_name, " is older than the applied version ",
          max_applied[m->track], " of its track and was never applied"));
    }
    plan.push_back(m);
  }
  return plan;
}

namespace {

constexpr char kCreateHistory[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " track VARCHAR(64) NOT NULL,"
    " version INT NOT NULL,"
    " name VARCHAR(255) NOT NULL,"
    " checksum CHAR(64) NOT NULL,"
    " applied_at DATETIME(6) NOT NULL,"
    " execution_ms INT NOT NULL,"
    " PRIMARY KEY (track, version)"
    ") ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci";

std::vector<AppliedMigration> LoadApplied(MySqlConnection& c) {
  std::vector<AppliedMigration> applied;
  sql::PreparedStatement& stmt =
      c.Prepare("SELECT track, version, checksum FROM schema_migrations");
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  while (rs->next()) {
    applied.push_back({rs->getString(1), rs->getInt(2), rs->getString(3)});
  }
  return applied;
}

// Holds the named lock for the lifetime of the object.
class NamedLock {
 public:
  NamedLock(MySqlConnection& c, std::string name) : c_(c), name_(std::move(name)) {}
  bool Acquire(int timeout_s) {
    sql::PreparedStatement& stmt = c_.Prepare("SELECT GET_LOCK(?, ?)");
    stmt.setString(1, name_);
    stmt.setInt(2, timeout_s);
    std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
    held_ = rs->next() && !rs->isNull(1) && rs->getInt(1) == 1;
    return held_;
  }
  ~NamedLock() {
    if (!held_) return;
    try {
      sql::PreparedStatement& stmt = c_.Prepare("SELECT RELEASE_LOCK(?)");
      stmt.setString(1, name_);
      std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
    } catch (const sql::SQLException&) {
      c_.MarkBroken();  // the lock dies with the session
    }
  }

 private:
  MySqlConnection& c_;
  std::string name_;
  bool held_ = false;
};

void ApplyOne(MySqlConnection& c, const Migration& m) {
  auto started = std::chrono::steady_clock::now();
  std::vector<std::string> statements = SplitSqlStatements(m.sql);
  for (size_t i = 0; i < statements.size(); ++i) {
    try {
      c.Execute(statements[i]);
    } catch (const sql::SQLException& e) {
      throw sql::SQLException(absl::StrCat("migration ", m.track, "/", m.file_name, " statement ",
                                           i + 1, " failed: ", e.what()),
                              e.getSQLState(), e.getErrorCode());
    }
  }
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  started)
                .count();
  sql::PreparedStatement& record = c.Prepare(
      "INSERT INTO schema_migrations (track, version, name, checksum, applied_at, execution_ms)"
      " VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6), ?)");
  record.setString(1, m.track);
  record.setInt(2, m.version);
  record.setString(3, m.name);
  record.setString(4, m.checksum);
  record.setInt(5, static_cast<int>(ms));
  record.executeUpdate();
  log::Info("migration applied", {{"track", m.track},
                                  {"file", m.file_name},
                                  {"statements", static_cast<int64_t>(statements.size())},
                                  {"elapsed_ms", static_cast<int64_t>(ms)}});
}

}  // namespace

absl::StatusOr<MigrationReport> ApplyMigrations(MySqlPool& pool,
                                                const std::vector<MigrationFile>& files,
                                                int lock_timeout_s) {
  std::vector<Migration> available;
  for (const MigrationFile& f : files) {
    absl::StatusOr<Migration> m = ParseMigration(f);
    if (!m.ok()) return m.status();
    available.push_back(*std::move(m));
  }
  absl::StatusOr<PooledConnection> connection =
      pool.Acquire(std::chrono::steady_clock::now() + std::chrono::seconds(lock_timeout_s));
  if (!connection.ok()) return connection.status();
  MySqlConnection& c = **connection;
  try {
    NamedLock lock(c, "crm_migrations." + pool.options().database);
    if (!lock.Acquire(lock_timeout_s)) {
      return absl::DeadlineExceededError("timed out waiting for the migration lock");
    }
    c.Execute(kCreateHistory);
    absl::StatusOr<std::vector<const Migration*>> plan = PlanMigrations(available, LoadApplied(c));
    if (!plan.ok()) return plan.status();
    MigrationReport report;
    report.already_applied = static_cast<int>(available.size() - plan->size());
    for (const Migration* m : *plan) {
      ApplyOne(c, *m);
      ++report.applied;
    }
    if (!available.empty()) {
      const Migration& last = available.back();  // files come track by track, sorted
      report.latest = absl::StrCat(last.track, "/V", last.version);
    }
    return report;
  } catch (const sql::SQLException& e) {
    if (IsConnectionLost(e.getErrorCode())) c.MarkBroken();
    log::Error("migration failed", {{"mysql_error", e.getErrorCode()}, {"detail", e.what()}});
    return absl::InternalError(absl::StrCat("migration failed: ", e.what()));
  }
}

}  // namespace crm
