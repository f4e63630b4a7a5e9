// Page tokens: round trip, tampering, and use with other filters.
#include "common/rpc/page_token.h"

#include <gtest/gtest.h>

namespace crm {
namespace {

TEST(PageTokenTest, RoundTrip) {
  const uint64_t fp = FilterFingerprint({"customers", "2", "east"});
  std::string token = EncodePageToken({"42"}, fp);
  auto position = DecodePageToken(token, fp);
  ASSERT_TRUE(position.ok()) << position.status();
  EXPECT_EQ(*position, std::vector<std::string>{"42"});
}

TEST(PageTokenTest, SeveralKeysIncludingChineseText) {
  const uint64_t fp = FilterFingerprint({"by-name"});
  std::vector<std::string> keys = {"上海华东电气有限公司", "17"};
  auto position = DecodePageToken(EncodePageToken(keys, fp), fp);
  ASSERT_TRUE(position.ok());
  EXPECT_EQ(*position, keys);
}

TEST(PageTokenTest, EmptyTokenMeansFirstPage) {
  auto position = DecodePageToken("", 1);
  ASSERT_TRUE(position.ok());
  EXPECT_TRUE(position->empty());
}

TEST(PageTokenTest, OtherFiltersAreRefused) {
  std::string token = EncodePageToken({"42"}, FilterFingerprint({"customers", "2", "east"}));
  auto position = DecodePageToken(token, FilterFingerprint({"customers", "2", "south"}));
  EXPECT_EQ(position.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(position.status().message()).find("page_token"), std::string::npos);
}

TEST(PageTokenTest, GarbageAndTamperingAreRefused) {
  const uint64_t fp = FilterFingerprint({"x"});
  EXPECT_FALSE(DecodePageToken("not a token!", fp).ok());
  EXPECT_FALSE(DecodePageToken("AAAA", fp).ok());
  std::string token = EncodePageToken({"42"}, fp);
  token[token.size() / 2] = token[token.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(DecodePageToken(token, fp).ok());
  EXPECT_FALSE(DecodePageToken(std::string(5000, 'A'), fp).ok());
}

TEST(PageTokenTest, FingerprintSeparatesParts) {
  EXPECT_NE(FilterFingerprint({"ab", "c"}), FilterFingerprint({"a", "bc"}));
  EXPECT_EQ(FilterFingerprint({"a", "b"}), FilterFingerprint({"a", "b"}));
}

}  // namespace
}  // namespace crm
