// Builds a WHERE clause from fixed fragments and bound values: the SQL text
// depends only on which conditions are present (so each combination is one
// cached prepared statement), never on the values.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace sql {
class PreparedStatement;
}

namespace crm {

// Binds `value`, or NULL when it is empty (an optional column).
void SetStringOrNull(sql::PreparedStatement& statement, int index, const std::string& value);
// Binds `id`, or NULL when it is 0 (an optional reference).
void SetIdOrNull(sql::PreparedStatement& statement, int index, int64_t id);

// `text` with LIKE's wildcards escaped, for "column LIKE CONCAT('%', ?, '%')".
std::string EscapeLike(const std::string& text);

// "?, ?, ?" for an IN list of `count` values, `count` rounded up to a few
// fixed sizes (so statements are few and stay cached); bind the real values
// and repeat the last one in the padding (see PaddedInSize).
std::string InPlaceholders(size_t count);
size_t PaddedInSize(size_t count);

class SqlWhere {
 public:
  using Value = std::variant<int64_t, std::string>;

  // Adds "AND <condition>"; each '?' in it takes the next of `values`.
  SqlWhere& And(std::string condition, std::vector<Value> values = {});

  // " WHERE a AND b", or "" when there is no condition.
  std::string Sql() const;
  // Binds the values from parameter `first` on; returns the next free index.
  int Bind(sql::PreparedStatement& statement, int first = 1) const;

 private:
  std::vector<std::string> conditions_;
  std::vector<Value> values_;
};

}  // namespace crm
