// The matching rules both engines share (so the differential test cannot
// catch a wrong meaning in them): tables of what matches and what does not.

#include "index/match.h"

#include <gtest/gtest.h>

namespace drover::index {
namespace {

TEST(NameMatches, EachModeAsDocumented) {
  struct Case {
    std::string_view name;
    NameMatch mode;
    std::string_view query;
    bool matches;
  } cases[] = {
      {"train-mnist-2", NameMatch::kWildcard, "mnist", true},  // a substring
      {"train-mnist-2", NameMatch::kWildcard, "m*t", true},    // `*`: any run
      {"train-mnist-2", NameMatch::kWildcard, "tr?in", true},  // `?`: one character
      {"train-mnist-2", NameMatch::kWildcard, "mnist-3", false},
      {"train-mnist-2", NameMatch::kWildcard, "t?ain-x*", false},
      {"train-mnist-2", NameMatch::kPrefix, "train", true},
      {"train-mnist-2", NameMatch::kPrefix, "mnist", false},
      {"train-mnist-2", NameMatch::kTerm, "train-mnist-2", true},
      {"train-mnist-2", NameMatch::kTerm, "train-mnist", false},
      {"训练-模型", NameMatch::kWildcard, "模型", true},
      {"训练-模型", NameMatch::kPrefix, "训练", true},
      {"", NameMatch::kWildcard, "", true},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(NameMatches(c.name, c.mode, c.query), c.matches)
        << c.name << " / " << static_cast<int>(c.mode) << " / " << c.query;
  }
}

TEST(LongestLiteral, IsTheLongestRunWithoutWildcards) {
  EXPECT_EQ(LongestLiteral("ab*cde?f"), "cde");
  EXPECT_EQ(LongestLiteral("abc"), "abc");
  EXPECT_EQ(LongestLiteral("*?*"), "");
  EXPECT_EQ(LongestLiteral("a*bcd"), "bcd");
}

TEST(TagTerm, KeepsKeyAndValueApart) {
  EXPECT_EQ(TagTerm("ab", "c"), std::string("ab\0c", 4));
  EXPECT_NE(TagTerm("ab", "c"), TagTerm("a", "bc"));
}

TEST(SortedWords, AreDistinctAndSorted) {
  EXPECT_EQ(SortedWords("train the model, train it"),
            (std::vector<std::string>{"it", "model", "the", "train"}));
}

}  // namespace
}  // namespace drover::index
