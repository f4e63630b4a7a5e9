// Multi-row INSERT statements with few distinct shapes: rows go out in
// chunks of 1, 4, 16, ... 1024 groups (PaddedInSize), the last chunk padded
// by repeating a row, so a connection caches a handful of prepared
// statements however many rows there are. Padding repeats a row, so the
// statement must tolerate a repeat: INSERT IGNORE, ON DUPLICATE KEY UPDATE
// with an idempotent update, or a padding row that changes nothing.
#pragma once

#include <cppconn/prepared_statement.h>

#include <algorithm>
#include <cstddef>
#include <string>

#include "common/db/mysql_pool.h"
#include "common/db/sql_where.h"

namespace crm {

inline constexpr size_t kMaxRowsPerStatement = 1024;

// `head`: "INSERT ... VALUES "; `group`: "(?, ?)"; `tail`: "" or " ON DUPLICATE ...".
// `bind(statement, first_index, row, padding)` binds row `row` (0-based) from
// `first_index` on and returns the next free index; `padding` is true for the
// repeats that fill a chunk. Throws sql::SQLException.
template <typename BindRow>
void InsertRows(MySqlConnection& connection, const std::string& head, const std::string& group,
                const std::string& tail, size_t rows, BindRow bind) {
  for (size_t done = 0; done < rows;) {
    const size_t count = std::min(rows - done, kMaxRowsPerStatement);
    const size_t padded = PaddedInSize(count);
    std::string sql = head;
    for (size_t i = 0; i < padded; ++i) {
      if (i > 0) sql += ", ";
      sql += group;
    }
    sql += tail;
    sql::PreparedStatement& statement = connection.Prepare(sql);
    int index = 1;
    for (size_t i = 0; i < padded; ++i) {
      const bool padding = i >= count;
      index = bind(statement, index, done + (padding ? count - 1 : i), padding);
    }
    statement.executeUpdate();
    done += count;
  }
}

// The same without padding, for tables where a repeated row would clash (a
// unique key): chunks of kMaxRowsPerStatement rows, then the rest in one
// statement when it is at most kExactRowsUpTo rows (the common case, a
// document's few lines, costs one round trip), else split into powers of
// two (e.g. 1000 = 512 + 256 + 128 + 64 + 32 + 8), so a connection caches at
// most about 30 statement shapes. `after(first_row, count)` runs after each
// statement (e.g. to read LAST_INSERT_ID()).
inline constexpr size_t kExactRowsUpTo = 16;
struct NoStatementHook {
  void operator()(size_t, size_t) const {}
};
template <typename BindRow, typename After = NoStatementHook>
void InsertRowsExactly(MySqlConnection& connection, const std::string& head,
                       const std::string& group, const std::string& tail, size_t rows, BindRow bind,
                       After after = {}) {
  for (size_t done = 0; done < rows;) {
    size_t count = std::min(rows - done, kMaxRowsPerStatement);
    if (count > kExactRowsUpTo) {
      while ((count & (count - 1)) != 0 && count != kMaxRowsPerStatement) count &= count - 1;
    }
    std::string sql = head;
    for (size_t i = 0; i < count; ++i) {
      if (i > 0) sql += ", ";
      sql += group;
    }
    sql += tail;
    sql::PreparedStatement& statement = connection.Prepare(sql);
    int index = 1;
    for (size_t i = 0; i < count; ++i) index = bind(statement, index, done + i, false);
    statement.executeUpdate();
    after(done, count);
    done += count;
  }
}

}  // namespace crm
