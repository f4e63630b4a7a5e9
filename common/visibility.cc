// Scopes and their SQL.
#include "common/visibility.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/sql_where.h"

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

void RestrictToScope(SqlWhere& where, const VisibilityScope& scope, const char* owner_column,
                     const char* path_column) {
  switch (scope.kind) {
    case VisibilityScope::Kind::kAll:
      return;
    case VisibilityScope::Kind::kSubtree:
      // A prefix LIKE uses the index on the path column; paths hold only
      // digits and '/', so nothing in them needs escaping.
      where.And(absl::StrCat(path_column, " LIKE ?"), {scope.department_path + "%"});
      return;
    case VisibilityScope::Kind::kOwn:
      where.And(absl::StrCat(owner_column, " = ?"), {scope.employee_id});
      return;
    case VisibilityScope::Kind::kNothing:
      where.And("1 = 0");
      return;
  }
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
