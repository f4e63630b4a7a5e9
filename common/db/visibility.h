// Row-level visibility (the seeds' CRM policy): a sales person sees the records
// they own, a department head those owned in their department's subtree,
// management, administrators and read-only auditors everything. Every owned
// row stores its owner (an employee id) and the owner's department path
// ("/1/4/9/"); the caller's scope becomes part of the query, so gets, lists and
// counts all obey it.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "common/rpc/call_context.h"

namespace crm {

class SqlWhere;

struct VisibilityScope {
  enum class Kind { kNothing, kOwn, kSubtree, kAll };
  Kind kind = Kind::kNothing;
  int64_t employee_id = 0;
  std::string department_path;
};

// The records the caller may see.
VisibilityScope ScopeOf(const Caller& caller);
// The records the caller may change: ScopeOf without the roles that only
// read (read_only, oa_reader), so a caller holding nothing else changes
// nothing, whatever they may see.
VisibilityScope WriteScopeOf(const Caller& caller);

// The scope's condition on `owner_column` / `path_column`, its values
// appended to `values`; "" when the scope is everything. For conditions that
// combine the scope with other grants (e.g. "... OR shared with me").
std::string ScopeCondition(const VisibilityScope& scope, const char* owner_column,
                           const char* path_column,
                           std::vector<std::variant<int64_t, std::string>>* values);

// Adds the scope's condition on `owner_column` / `path_column`.
void RestrictToScope(SqlWhere& where, const VisibilityScope& scope, const char* owner_column,
                     const char* path_column);

// Whether a row with this owner and department path is in the scope (for
// checks in code, e.g. on a row already loaded).
bool InScope(const VisibilityScope& scope, int64_t owner_employee_id,
             const std::string& owner_department_path);

}  // namespace crm
