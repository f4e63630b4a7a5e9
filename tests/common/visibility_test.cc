// Visibility scopes and the SQL they add.
#include "common/db/visibility.h"

#include <gtest/gtest.h>

#include "common/db/sql_where.h"

namespace crm {
namespace {

Caller With(RoleSet roles, int64_t employee_id = 0, std::string path = "") {
  Caller caller;
  caller.subject = "user:1";
  caller.roles = roles;
  caller.employee_id = employee_id;
  caller.department_path = std::move(path);
  return caller;
}

TEST(VisibilityTest, ScopesFollowTheRoles) {
  EXPECT_EQ(ScopeOf(With(Bit(Role::kAdministrator))).kind, VisibilityScope::Kind::kAll);
  EXPECT_EQ(ScopeOf(With(Bit(Role::kManagement), 3, "/1/")).kind, VisibilityScope::Kind::kAll);
  EXPECT_EQ(ScopeOf(With(Bit(Role::kReadOnly))).kind, VisibilityScope::Kind::kAll);
  VisibilityScope head = ScopeOf(With(Bit(Role::kDepartmentHead) | Bit(Role::kSales), 5, "/1/4/"));
  EXPECT_EQ(head.kind, VisibilityScope::Kind::kSubtree);
  EXPECT_EQ(head.department_path, "/1/4/");
  VisibilityScope own = ScopeOf(With(Bit(Role::kSales), 9, "/1/4/"));
  EXPECT_EQ(own.kind, VisibilityScope::Kind::kOwn);
  EXPECT_EQ(own.employee_id, 9);
  EXPECT_EQ(ScopeOf(With(Bit(Role::kSales))).kind, VisibilityScope::Kind::kNothing);
}

// Seeing is not changing: the roles that only read widen no write scope, so a
// read-only auditor (even one who is an employee) changes nothing; combined
// with a role that writes, that role's scope applies.
TEST(VisibilityTest, RolesThatOnlyReadChangeNothing) {
  EXPECT_EQ(WriteScopeOf(With(Bit(Role::kReadOnly))).kind, VisibilityScope::Kind::kNothing);
  EXPECT_EQ(WriteScopeOf(With(Bit(Role::kReadOnly), 9, "/1/4/")).kind,
            VisibilityScope::Kind::kNothing);
  EXPECT_EQ(WriteScopeOf(With(Bit(Role::kOaReader), 9, "/1/4/")).kind,
            VisibilityScope::Kind::kNothing);
  VisibilityScope sales = WriteScopeOf(With(Bit(Role::kReadOnly) | Bit(Role::kSales), 9, "/1/4/"));
  EXPECT_EQ(sales.kind, VisibilityScope::Kind::kOwn);
  EXPECT_EQ(sales.employee_id, 9);
  EXPECT_EQ(WriteScopeOf(With(Bit(Role::kManagement), 3, "/1/")).kind,
            VisibilityScope::Kind::kAll);
  SqlWhere none;
  RestrictToScope(none, WriteScopeOf(With(Bit(Role::kReadOnly))), "owner_id", "owner_path");
  EXPECT_EQ(none.Sql(), " WHERE 1 = 0");
}

TEST(VisibilityTest, InScopeMatchesTheSql) {
  VisibilityScope head = ScopeOf(With(Bit(Role::kDepartmentHead), 5, "/1/4/"));
  EXPECT_TRUE(InScope(head, 77, "/1/4/"));
  EXPECT_TRUE(InScope(head, 77, "/1/4/12/"));
  EXPECT_FALSE(InScope(head, 77, "/1/44/"));
  EXPECT_FALSE(InScope(head, 5, "/2/"));
  VisibilityScope own = ScopeOf(With(Bit(Role::kSales), 9, "/1/4/"));
  EXPECT_TRUE(InScope(own, 9, "/7/"));
  EXPECT_FALSE(InScope(own, 8, "/1/4/"));

  SqlWhere where;
  RestrictToScope(where, head, "owner_id", "owner_path");
  EXPECT_EQ(where.Sql(), " WHERE owner_path LIKE ?");
  SqlWhere mine;
  RestrictToScope(mine, own, "owner_id", "owner_path");
  EXPECT_EQ(mine.Sql(), " WHERE owner_id = ?");
  SqlWhere all;
  RestrictToScope(all, ScopeOf(With(Bit(Role::kAdministrator))), "owner_id", "owner_path");
  EXPECT_EQ(all.Sql(), "");
  EXPECT_EQ(EscapeLike("50%_off\\"), "50\\%\\_off\\\\");
}

}  // namespace
}  // namespace crm
