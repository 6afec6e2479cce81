#include "index/posting_runs.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace drover::index {
namespace {

// Against a std::map of vectors: every key once, keys ascending, each key's
// slots in the order added, over keys of every width (1 to 32 bits, so
// every number of radix passes) and several flushes.
TEST(PostingRuns, HandsOverOneRunPerKeyInOrder) {
  std::mt19937 rng(11);
  PostingRuns runs;
  for (int width : {1, 8, 12, 13, 24, 25, 32}) {
    for (int round = 0; round < 3; ++round) {
      std::map<uint32_t, std::vector<uint32_t>> want;
      uint64_t mask = width == 32 ? 0xFFFFFFFFu : (uint64_t{1} << width) - 1;
      for (uint32_t slot = 0; slot < 20000; ++slot) {
        for (int k = rng() % 4; k > 0; --k) {
          auto key = static_cast<uint32_t>(rng() & mask);
          runs.Add(key, slot);
          want[key].push_back(slot);
        }
      }
      std::map<uint32_t, std::vector<uint32_t>> got;
      int64_t last = -1;
      runs.Flush([&](uint32_t key, std::span<const uint32_t> slots) {
        EXPECT_GT(static_cast<int64_t>(key), last) << "width " << width;
        last = key;
        got[key].assign(slots.begin(), slots.end());
      });
      EXPECT_EQ(got, want) << "width " << width;
    }
  }
}

TEST(BitmapRuns, AddsEachSlotToItsBitmaps) {
  Roaring even, odd, all;
  BitmapRuns runs;
  for (uint32_t slot = 0; slot < 100000; ++slot) {
    runs.Add(slot % 2 ? odd : even, slot);
    runs.Add(all, slot);
    if (slot % 65536 == 65535) runs.Flush();
  }
  runs.Flush();
  EXPECT_EQ(all.cardinality(), 100000u);
  EXPECT_EQ(even.cardinality(), 50000u);
  EXPECT_EQ(odd.cardinality(), 50000u);
  EXPECT_TRUE(even.contains(99998));
  EXPECT_FALSE(even.contains(99999));
  EXPECT_TRUE(odd.contains(1));
}

}  // namespace
}  // namespace drover::index
