// Migration files: names, checksums, statement splitting and the plan.
#include "common/db/migrations.h"

#include <gtest/gtest.h>

#include "common/auth/digest.h"

namespace crm {
namespace {

Migration Parse(const std::string& track, const std::string& name, const std::string& sql) {
  absl::StatusOr<Migration> m = ParseMigration({track, name, sql});
  EXPECT_TRUE(m.ok()) << m.status();
  return m.ok() ? *m : Migration{};
}

TEST(MigrationTest, ParsesVersionAndName) {
  Migration m = Parse("customer", "V0012__add_index.sql", "SELECT 1;");
  EXPECT_EQ(m.version, 12);
  EXPECT_EQ(m.name, "add_index");
  EXPECT_EQ(m.track, "customer");
}

TEST(MigrationTest, RejectsBadFileNames) {
  EXPECT_FALSE(ParseMigration({"t", "0001_create.sql", ""}).ok());
  EXPECT_FALSE(ParseMigration({"t", "V1_create.sql", ""}).ok());
  EXPECT_FALSE(ParseMigration({"t", "V0__create.sql", ""}).ok());
  EXPECT_FALSE(ParseMigration({"t", "V1__create.txt", ""}).ok());
}

TEST(MigrationTest, ChecksumIsSha256OfTheFile) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Migration a = Parse("t", "V1__a.sql", "CREATE TABLE a (id INT);");
  Migration b = Parse("t", "V1__a.sql", "CREATE TABLE a (id BIGINT);");
  EXPECT_NE(a.checksum, b.checksum);
  EXPECT_EQ(a.checksum, Parse("t", "V1__a.sql", "CREATE TABLE a (id INT);").checksum);
}

TEST(SplitSqlTest, SplitsOnSemicolonsOutsideQuotesAndComments) {
  auto statements = SplitSqlStatements(
      "-- a comment; with a semicolon\n"
      "CREATE TABLE t (a VARCHAR(10) DEFAULT ';');\n"
      "/* block; comment */ INSERT INTO t VALUES ('x;y'), (\"it\\\"s;\");\n"
      "# hash comment;\n"
      "INSERT INTO `we;ird` VALUES ('华东;')");
  ASSERT_EQ(statements.size(), 3u);
  EXPECT_EQ(statements[0], "CREATE TABLE t (a VARCHAR(10) DEFAULT ';')");
  EXPECT_EQ(statements[1], "INSERT INTO t VALUES ('x;y'), (\"it\\\"s;\")");
  EXPECT_EQ(statements[2], "INSERT INTO `we;ird` VALUES ('华东;')");
}

TEST(PlanTest, AppliesOnlyWhatIsMissingInOrder) {
  std::vector<Migration> available = {Parse("common", "V1__log.sql", "a"),
                                      Parse("svc", "V2__two.sql", "c"),
                                      Parse("svc", "V1__one.sql", "b")};
  std::vector<AppliedMigration> applied = {{"common", 1, available[0].checksum}};
  auto plan = PlanMigrations(available, applied);
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->size(), 2u);
  EXPECT_EQ((*plan)[0]->file_name, "V1__one.sql");
  EXPECT_EQ((*plan)[1]->file_name, "V2__two.sql");
}

TEST(PlanTest, AChangedAppliedFileIsAnError) {
  std::vector<Migration> available = {Parse("svc", "V1__one.sql", "changed text")};
  std::vector<AppliedMigration> applied = {{"svc", 1, Sha256Hex("original text")}};
  auto plan = PlanMigrations(available, applied);
  ASSERT_EQ(plan.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(std::string(plan.status().message()).find("V1__one.sql was changed"),
            std::string::npos);
}

TEST(PlanTest, DuplicateAndOutOfOrderVersionsAreErrors) {
  EXPECT_FALSE(
      PlanMigrations({Parse("s", "V1__a.sql", "a"), Parse("s", "V1__b.sql", "b")}, {}).ok());
  std::vector<Migration> available = {Parse("s", "V1__a.sql", "a"), Parse("s", "V2__b.sql", "b")};
  EXPECT_FALSE(PlanMigrations(available, {{"s", 2, available[1].checksum}}).ok());
}

TEST(PlanTest, EverythingAppliedMeansNothingToDo) {
  std::vector<Migration> available = {Parse("s", "V1__a.sql", "a")};
  auto plan = PlanMigrations(available, {{"s", 1, available[0].checksum}});
  ASSERT_TRUE(plan.ok());
  EXPECT_TRUE(plan->empty());
}

}  // namespace
}  // namespace crm
