// Versioned schema migrations, applied at start-up under a database lock.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/db/migration_file.h"

namespace crm {

class MySqlPool;

struct Migration {
  std::string track;
  int version = 0;
  std::string name;  // from the file name, e.g. "create_customers"
  std::string file_name;
  std::string sql;
  std::string checksum;  // SHA-256 of the file, hex
};

struct AppliedMigration {
  std::string track;
  int version = 0;
  std::string checksum;
};

// Parses "V0001__create_customers.sql" and checksums the text.
absl::StatusOr<Migration> ParseMigration(const MigrationFile& file);

// Splits a migration file into statements on ';' outside quotes and comments.
std::vector<std::string> SplitSqlStatements(absl::string_view sql);

// Decides what to apply, in order (tracks in the given order, versions
// ascending). Fails when an applied file changed, when a version repeats, or
// when an unapplied version is older than one already applied in its track.
absl::StatusOr<std::vector<const Migration*>> PlanMigrations(
    const std::vector<Migration>& available, const std::vector<AppliedMigration>& applied);

struct MigrationReport {
  int applied = 0;          // applied by this run
  int already_applied = 0;  // found applied
  std::string latest;       // "customer/V0002" or empty
};

// Applies `files` to the pool's schema. Runs under GET_LOCK so replicas starting
// together apply each migration once; records each in schema_migrations with its
// checksum. A migration's statements run in order and it is recorded only after
// they all succeeded (DDL commits implicitly in MySQL: keep one change per file).
absl::StatusOr<MigrationReport> ApplyMigrations(MySqlPool& pool,
                                                const std::vector<MigrationFile>& files,
                                                int lock_timeout_s = 60);

}  // namespace crm
