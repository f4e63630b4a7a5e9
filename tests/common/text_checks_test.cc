// Field checks and small helpers shared by request validation.
#include "common/text/text_checks.h"

#include <gtest/gtest.h>

#include "common/base/logging.h"
#include "common/base/request_id.h"
#include "common/base/status_util.h"
#include "common/db/sql_time.h"

namespace crm {
namespace {

TEST(TextChecksTest, CountsCodePointsNotBytes) {
  EXPECT_EQ(Utf8Length("abc"), 3u);
  EXPECT_EQ(Utf8Length("上海华东"), 4u);
}

TEST(TextChecksTest, TrimsAsciiAndIdeographicSpace) {
  EXPECT_EQ(TrimText("  上海 \t"), "上海");
  EXPECT_EQ(TrimText("\xE3\x80\x80华东\xE3\x80\x80 "), "华东");
  EXPECT_EQ(TrimText("   "), "");
}

TEST(TextChecksTest, LengthPresenceAndControlCharacters) {
  FieldViolations v;
  CheckText(v, "a", "", 10, Presence::kRequired);
  CheckText(v, "b", "上海华东电气", 5, Presence::kOptional);
  CheckText(v, "c", "bad\x01value", 50, Presence::kOptional);
  CheckText(v, "d", "two\nlines", 50, Presence::kOptional, /*multiline=*/true);
  CheckText(v, "e", "上海华东电", 5, Presence::kRequired);
  absl::Status status = v.ToStatus();
  EXPECT_EQ(std::string(status.message()),
            "a: is required; b: must be at most 5 characters; c: must not contain control "
            "characters");
}

TEST(TextChecksTest, EmailAndPhoneShapes) {
  EXPECT_TRUE(LooksLikeEmail("li.lei@example.com.cn"));
  EXPECT_FALSE(LooksLikeEmail("li.lei@localhost"));
  EXPECT_FALSE(LooksLikeEmail("a@b@c.com"));
  EXPECT_FALSE(LooksLikeEmail("li lei@example.com"));
  EXPECT_TRUE(LooksLikePhone("021-6258-8001"));
  EXPECT_TRUE(LooksLikePhone("+86 (10) 6275 1000 ext 12"));
  EXPECT_FALSE(LooksLikePhone("call me"));
  EXPECT_FALSE(LooksLikePhone("12"));
}

TEST(RequestIdTest, GeneratedIdsAreAcceptableAndDistinct) {
  std::string a = NewRequestId(), b = NewRequestId();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  EXPECT_TRUE(IsAcceptableRequestId(a));
  EXPECT_FALSE(IsAcceptableRequestId(""));
  EXPECT_FALSE(IsAcceptableRequestId("has space"));
  EXPECT_FALSE(IsAcceptableRequestId(std::string(129, 'a')));
}

TEST(SqlTimeTest, RoundTripsMicroseconds) {
  absl::Time t = absl::FromUnixMicros(1795389678123456);
  EXPECT_EQ(FormatSqlDateTime(t), "2026-11-22 23:21:18.123456");
  auto parsed = ParseSqlDateTime("2026-11-22 23:21:18.123456");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, t);
  EXPECT_TRUE(ParseSqlDateTime("2026-11-22 23:21:18").ok());
  EXPECT_FALSE(ParseSqlDateTime("yesterday").ok());
}

TEST(LoggingTest, JsonEscaping) {
  std::string out;
  log::AppendJsonEscaped(out, "a\"b\\c\nd\x01 上海");
  EXPECT_EQ(out, "a\\\"b\\\\c\\nd\\u0001 上海");
}

}  // namespace
}  // namespace crm
