// Search normalisation and grams: the index and the queries must agree, which
// a randomised check over many documents and substrings asserts.
#include "services/customer/search_text.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "absl/strings/match.h"

namespace crm::customer {
namespace {

bool Holds(const std::vector<std::string>& grams, const std::string& gram) {
  return std::binary_search(grams.begin(), grams.end(), gram);
}

bool HoldsPrefix(const std::vector<std::string>& grams, const std::string& prefix) {
  auto it = std::lower_bound(grams.begin(), grams.end(), prefix);
  return it != grams.end() && absl::StartsWith(*it, prefix);
}

TEST(SearchTextTest, NormalisesCaseWidthAndSpaces) {
  EXPECT_EQ(NormalizeText("  ＡＢＣ　上海  Abc\t"), "abc 上海 abc");
  EXPECT_EQ(NormalizeText("３Ｍ中国"), "3m中国");
  EXPECT_EQ(NormalizePhone("021-5856 １２３４"), "02158561234");
  EXPECT_TRUE(LooksLikePhoneQuery("(021) 5856-1234"));
  EXPECT_TRUE(LooksLikePhoneQuery("１３８"));
  EXPECT_FALSE(LooksLikePhoneQuery("3M"));
  EXPECT_FALSE(LooksLikePhoneQuery("- -"));
  EXPECT_EQ(NormalizeQuery("138-0013"), "1380013");
  EXPECT_EQ(NormalizeQuery("华东 电气"), "华东 电气");
}

TEST(SearchTextTest, DocumentsKeepFieldsApart) {
  SearchFields fields = NormalizeFields("上海华东电气有限公司", "电气  配电柜", "021-6258-8001",
                                        {"王建国", ""}, {"138 0013 8000"});
  const std::string doc = BuildDocument(fields);
  EXPECT_EQ(doc, "\n上海华东电气有限公司\n电气 配电柜\n02162588001\n王建国\n13800138000\n");
  EXPECT_EQ(DocumentFields(doc).size(), 5u);
  const std::vector<std::string> grams = DocumentGrams(doc);
  for (const char* gram :
       {"上海", "华东", "东电", "公司", "司\x1f", "\x1e上", "\x1e上海", "\x1e上海华东电气", "0216",
        "001\x1f", "1\x1f", "\x1e王建", "\x1e王建国", "建国"}) {
    EXPECT_TRUE(Holds(grams, gram)) << gram;
  }
  EXPECT_FALSE(Holds(grams, "\x1e上海华东电气有"));  // field starts: six characters at most
  EXPECT_TRUE(Holds(grams, GramsOfQuery("王建国").exact));
  EXPECT_FALSE(Holds(grams, GramsOfQuery("王建").exact));
}

TEST(SearchTextTest, QueryGramsOfTheIssueExample) {
  const QueryGrams q = GramsOfQuery("华东电");
  EXPECT_EQ(q.required, (std::vector<std::string>{"东电", "华东"}));
  EXPECT_EQ(q.required_prefix, "电");
  EXPECT_EQ(q.start, "\x1e华东电");
  const QueryGrams short_query = GramsOfQuery("华");
  EXPECT_TRUE(short_query.required.empty());
  EXPECT_EQ(short_query.required_prefix, "华");
  EXPECT_EQ(short_query.start, "\x1e华");
  EXPECT_EQ(GramsOfQuery("上海华东电气有限公司").start, "\x1e上海华东电气");
  // Four-byte characters: the key stops before passing the byte limit.
  EXPECT_EQ(GramsOfQuery("😀😀😀😀😀😀").start, "\x1e😀😀😀😀😀");  // 20 bytes
  const QueryGrams mixed = GramsOfQuery("3m中");  // a class change ends "3m" inside the query
  EXPECT_TRUE(std::find(mixed.required.begin(), mixed.required.end(), "3m\x1f") !=
              mixed.required.end());
}

// Whatever the document and whichever substring is asked for, the query's
// required grams are in the document's, its prefix matches one, and a field
// that starts with (or equals) the query holds its start (exact) gram.
TEST(SearchTextTest, EverySubstringFindsItsDocument) {
  const std::vector<std::string> alphabet = {"华", "东", "电", "气", "上", "海", "a",  "B",  "c",
                                             "1",  "2",  "3",  " ",  "-",  "Ｘ", "公", "司", "😀"};
  std::mt19937 random(20261122);
  for (int round = 0; round < 2000; ++round) {
    std::vector<std::string> raw(1 + random() % 3);
    for (std::string& field : raw) {
      const int length = 1 + random() % 12;
      for (int i = 0; i < length; ++i) field += alphabet[random() % alphabet.size()];
    }
    SearchFields fields =
        NormalizeFields(raw[0], raw.size() > 1 ? raw[1] : "", raw.size() > 2 ? raw[2] : "", {}, {});
    const std::string doc = BuildDocument(fields);
    const std::vector<std::string> grams = DocumentGrams(doc);
    for (const std::string& field : DocumentFields(doc)) {
      for (size_t from = 0; from < field.size(); ++from) {
        if ((field[from] & 0xC0) == 0x80) continue;  // not at a character start
        for (size_t to = from + 1; to <= field.size(); ++to) {
          if (to < field.size() && (field[to] & 0xC0) == 0x80) continue;
          const std::string query = field.substr(from, to - from);
          if (query.front() == ' ' || query.back() == ' ') continue;  // normalisation trims
          const QueryGrams q = GramsOfQuery(query);
          for (const std::string& gram : q.required) {
            ASSERT_TRUE(Holds(grams, gram)) << doc << " / " << query;
          }
          if (q.required.empty() && !q.required_prefix.empty()) {
            ASSERT_TRUE(HoldsPrefix(grams, q.required_prefix)) << doc << " / " << query;
          }
          if (from == 0 && !q.start.empty()) {
            ASSERT_TRUE(Holds(grams, q.start)) << doc << " / " << query;
          }
          if (from == 0 && to == field.size()) {
            ASSERT_TRUE(Holds(grams, q.exact)) << doc << " / " << query;
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace crm::customer
