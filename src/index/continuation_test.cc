#include "index/continuation.h"

#include <gtest/gtest.h>

namespace drover::index {
namespace {

TEST(Continuation, RoundTripsAndRefusesAnythingElse) {
  Continuation c{
      {0xfeedface12345678, 9'000'000'000}, 99'950, 0x0123456789abcdef, 1'800'000'000'000};
  std::string token = EncodeContinuation(c);
  EXPECT_EQ(token.find_first_not_of("0123456789abcdef-"), std::string::npos);
  std::optional<Continuation> back = DecodeContinuation(token);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->snapshot, c.snapshot);
  EXPECT_EQ(back->offset, c.offset);
  EXPECT_EQ(back->fingerprint, c.fingerprint);
  EXPECT_EQ(back->now, c.now);

  for (const char* bad : {"", "1-2-3-4", "1-2-3-4-5-6", "1-2-3-4-5-", "-1-2-3-4-5", "1-2-3-4-x",
                          "1-2-8000000000000000-4-5", "1-2-3-4-10000000000000000", "1--3-4-5"}) {
    EXPECT_FALSE(DecodeContinuation(bad)) << bad;
  }
}

}  // namespace
}  // namespace drover::index
