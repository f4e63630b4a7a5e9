// W3C traceparent parsing and the spans each hop sends on.
#include "common/rpc/trace_context.h"

#include <gtest/gtest.h>

namespace crm {
namespace {

TEST(TraceContextTest, ParsesValidHeadersAndRefusesMalformedOnes) {
  auto parsed = ParseTraceParent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(parsed->span_id, "00f067aa0ba902b7");
  EXPECT_EQ(parsed->flags, 1);
  EXPECT_EQ(parsed->Format(), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  // A later version may add fields after the four it shares with 00.
  EXPECT_TRUE(ParseTraceParent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"));
  for (const char* bad : {
           "",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",  // 00 is exact
           "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",        // upper case
           "00-00000000000000000000000000000000-00f067aa0ba902b7-01",        // zero trace
           "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",        // zero span
           "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",        // invalid version
           "00-4bf92f3577b34da6a3ce929d0e0e473-600f067aa0ba902b7-01",        // misplaced dash
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",        // not hex
       }) {
    EXPECT_FALSE(ParseTraceParent(bad).has_value()) << bad;
  }
}

TEST(TraceContextTest, EachHopKeepsTheTraceAndTakesANewSpan) {
  const TraceParent root = NewTrace();
  EXPECT_EQ(root.trace_id.size(), 32u);
  EXPECT_EQ(root.span_id.size(), 16u);
  ASSERT_TRUE(ParseTraceParent(root.Format()).has_value());
  const TraceParent child = root.Child();
  EXPECT_EQ(child.trace_id, root.trace_id);
  EXPECT_NE(child.span_id, root.span_id);
  EXPECT_EQ(child.flags, root.flags);
  EXPECT_NE(NewTrace().trace_id, root.trace_id);
}

}  // namespace
}  // namespace crm
