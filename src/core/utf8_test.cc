#include "core/utf8.h"

#include <gtest/gtest.h>

namespace drover::core {
namespace {

TEST(Utf8, ValidAndInvalidSequences) {
  for (std::string_view good : {"", "plain", "训练作业", "emoji \xF0\x9F\x98\x80", "\x7F",
                                "\xC2\x80", "\xEF\xBF\xBD", "\xF4\x8F\xBF\xBF"}) {
    EXPECT_TRUE(IsValidUtf8(good)) << good;
  }
  for (std::string_view bad :
       {"\xFF", "\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xC3", "a\xE4\xB8",
        "\x80", "\xF8\x88\x80\x80\x80"}) {
    EXPECT_FALSE(IsValidUtf8(bad)) << testing::PrintToString(bad);
  }
}

TEST(Utf8, RepairReplacesEachBadByte) {
  EXPECT_EQ(ToValidUtf8("ok"), "ok");
  EXPECT_EQ(ToValidUtf8("a\xFF"
                        "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(ToValidUtf8("\xE4\xB8"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(ToValidUtf8("中\xFE文"), "中\xEF\xBF\xBD文");
  EXPECT_TRUE(IsValidUtf8(ToValidUtf8("\xC0\xAF\xED\xA0\x80\xF4\x90\x80\x80")));
}

TEST(Utf8, PrefixNeverSplitsACharacter) {
  EXPECT_EQ(Utf8Prefix("abc", 10), "abc");
  EXPECT_EQ(Utf8Prefix("abc", 2), "ab");
  EXPECT_EQ(Utf8Prefix("中文", 4), "中");  // 3 + 3 bytes
  EXPECT_EQ(Utf8Prefix("中文", 2), "");
  EXPECT_EQ(Utf8Prefix("中文", 6), "中文");
}

}  // namespace
}  // namespace drover::core
