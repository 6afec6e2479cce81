#include "core/time.h"

#include <gtest/gtest.h>

namespace drover::core {
namespace {

TEST(Iso8601, FormatsUtcSeconds) {
  EXPECT_EQ(FormatIso8601(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatIso8601(1744788334000), "2025-04-16T07:25:34Z");
  EXPECT_EQ(FormatIso8601(1744788334999), "2025-04-16T07:25:34Z");
  EXPECT_EQ(FormatIso8601(1744788334007, /*millis=*/true), "2025-04-16T07:25:34.007Z");
  EXPECT_EQ(FormatIso8601(-1, /*millis=*/true), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatIso8601(253402300800000), "10000-01-01T00:00:00Z");  // past four digits
}

TEST(Iso8601, ParsesTheFormsClientsSend) {
  struct Case {
    const char* text;
    TimeMs want;
  } cases[] = {
      {"2025-04-16T07:25:34Z", 1744788334000},
      {"2025-04-16T07:25:34.250Z", 1744788334250},
      {"2025-04-16T15:25:34+08:00", 1744788334000},
      {"2025-04-16T15:25:34+0800", 1744788334000},
      {"2025-04-16", 1744761600000},
      {"2000-02-29T00:00:00Z", 951782400000},
  };
  for (const Case& c : cases) {
    std::optional<TimeMs> got = ParseIso8601(c.text);
    ASSERT_TRUE(got.has_value()) << c.text;
    EXPECT_EQ(*got, c.want) << c.text;
  }
}

TEST(Iso8601, RejectsMalformedText) {
  for (const char* bad :
       {"", "yesterday", "2025-13-01T00:00:00Z", "2025-04-16T07:25:34", "2025-04-16T25:00:00Z",
        "2025-04-16T07:25:34Zjunk", "1744788334", "2025-04-16T07:25:34.Z"}) {
    EXPECT_FALSE(ParseIso8601(bad).has_value()) << bad;
  }
}

TEST(Iso8601, RoundTrips) {
  for (TimeMs t : {TimeMs{0}, TimeMs{951782400000}, TimeMs{1744788334000}, TimeMs{4102444799000}}) {
    EXPECT_EQ(ParseIso8601(FormatIso8601(t)), t);
  }
}

}  // namespace
}  // namespace drover::core
