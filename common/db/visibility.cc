// Scopes and their SQL.
#include "common/db/visibility.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/db/sql_where.h"

namespace crm {

VisibilityScope ScopeOf(const Caller& caller) {
  VisibilityScope scope;
  if (caller.Has(Role::kAdministrator) || caller.Has(Role::kManagement) ||
      caller.Has(Role::kReadOnly) || caller.Has(Role::kSystem)) {
    scope.kind = VisibilityScope::Kind::kAll;
  } else if (caller.Has(Role::kDepartmentHead) && !caller.department_path.empty()) {
    scope.kind = VisibilityScope::Kind::kSubtree;
    scope.department_path = caller.department_path;
  } else if (caller.employee_id != 0) {
    scope.kind = VisibilityScope::Kind::kOwn;
    scope.employee_id = caller.employee_id;
  }
  return scope;
}

VisibilityScope WriteScopeOf(const Caller& caller) {
  constexpr RoleSet kReadingOnly = Bit(Role::kReadOnly) | Bit(Role::kOaReader);
  Caller writer = caller;
  writer.roles &= ~kReadingOnly;
  if (writer.roles == 0) return VisibilityScope{};  // nothing
  return ScopeOf(writer);
}

std::string ScopeCondition(const VisibilityScope& scope, const char* owner_column,
                           const char* path_column,
                           std::vector<std::variant<int64_t, std::string>>* values) {
  switch (scope.kind) {
    case VisibilityScope::Kind::kAll:
      return "";
    case VisibilityScope::Kind::kSubtree:
      // A prefix LIKE uses the index on the path column; paths hold only
      // digits and '/', so nothing in them needs escaping.
      values->push_back(scope.department_path + "%");
      return absl::StrCat(path_column, " LIKE ?");
    case VisibilityScope::Kind::kOwn:
      values->push_back(scope.employee_id);
      return absl::StrCat(owner_column, " = ?");
    case VisibilityScope::Kind::kNothing:
      return "1 = 0";
  }
  return "1 = 0";
}

void RestrictToScope(SqlWhere& where, const VisibilityScope& scope, const char* owner_column,
                     const char* path_column) {
  std::vector<SqlWhere::Value> values;
  std::string condition = ScopeCondition(scope, owner_column, path_column, &values);
  if (!condition.empty()) where.And(std::move(condition), std::move(values));
}

bool InScope(const VisibilityScope& scope, int64_t owner_employee_id,
             const std::string& owner_department_path) {
  switch (scope.kind) {
    case VisibilityScope::Kind::kAll:
      return true;
    case VisibilityScope::Kind::kSubtree:
      return absl::StartsWith(owner_department_path, scope.department_path);
    case VisibilityScope::Kind::kOwn:
      return owner_employee_id == scope.employee_id;
    case VisibilityScope::Kind::kNothing:
      return false;
  }
  return false;
}

}  // namespace crm
