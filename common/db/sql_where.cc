// SqlWhere.
#include "common/db/sql_where.h"

#include <cppconn/prepared_statement.h>

#include "absl/strings/str_join.h"

namespace crm {

void SetStringOrNull(sql::PreparedStatement& statement, int index, const std::string& value) {
  if (value.empty()) {
    statement.setNull(index, 0);
  } else {
    statement.setString(index, value);
  }
}

void SetIdOrNull(sql::PreparedStatement& statement, int index, int64_t id) {
  if (id == 0) {
    statement.setNull(index, 0);
  } else {
    statement.setInt64(index, id);
  }
}

std::string EscapeLike(const std::string& text) {
  std::string escaped;
  for (char c : text) {
    if (c == '\\' || c == '%' || c == '_') escaped.push_back('\\');
    escaped.push_back(c);
  }
  return escaped;
}

size_t PaddedInSize(size_t count) {
  size_t size = 1;
  while (size < count) size *= 4;
  return size;
}

std::string InPlaceholders(size_t count) {
  std::string text;
  for (size_t i = 0, n = PaddedInSize(count); i < n; ++i) text += i == 0 ? "?" : ", ?";
  return text;
}

SqlWhere& SqlWhere::And(std::string condition, std::vector<Value> values) {
  conditions_.push_back(std::move(condition));
  for (Value& v : values) values_.push_back(std::move(v));
  return *this;
}

std::string SqlWhere::Sql() const {
  if (conditions_.empty()) return "";
  return " WHERE " + absl::StrJoin(conditions_, " AND ");
}

int SqlWhere::Bind(sql::PreparedStatement& statement, int first) const {
  int index = first;
  for (const Value& v : values_) {
    if (const int64_t* number = std::get_if<int64_t>(&v)) {
      statement.setInt64(index++, *number);
    } else {
      statement.setString(index++, std::get<std::string>(v));
    }
  }
  return index;
}

}  // namespace crm
