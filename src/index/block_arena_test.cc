#include "index/block_arena.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <vector>

namespace drover::index {
namespace {

// Blocks of all sizes (some larger than a chunk) never overlap and keep
// what was written to them while later ones are allocated.
TEST(BlockArena, BlocksKeepTheirWordsAndDoNotOverlap) {
  BlockArena arena;
  std::vector<std::pair<uint32_t*, size_t>> blocks;
  for (size_t i = 0; i < 3000; ++i) {
    size_t words = i % 1000 == 999 ? BlockArena::kChunkWords + 7 : 1 + i % 700;
    uint32_t* block = arena.Allocate(words);
    std::iota(block, block + words, static_cast<uint32_t>(i) << 12);
    blocks.emplace_back(block, words);
  }
  for (size_t i = 0; i < blocks.size(); ++i) {
    auto [block, words] = blocks[i];
    for (size_t w = 0; w < words; ++w)
      ASSERT_EQ(block[w], (static_cast<uint32_t>(i) << 12) + w) << "block " << i;
  }
  EXPECT_EQ(arena.Allocate(0), nullptr);
}

TEST(BlockArena, CountsDeadWordsAndSaysWhenToCompact) {
  BlockArena arena;
  for (int i = 0; i < 4; ++i) arena.Allocate(BlockArena::kChunkWords / 2);
  EXPECT_EQ(arena.live_words(), 2 * BlockArena::kChunkWords);
  arena.Free(BlockArena::kChunkWords / 2);
  EXPECT_FALSE(arena.WorthCompacting());  // under a chunk's worth dead
  arena.Free(BlockArena::kChunkWords / 2 + 1);
  EXPECT_EQ(arena.dead_words(), BlockArena::kChunkWords + 1);
  EXPECT_TRUE(arena.WorthCompacting());  // a chunk dead, and over a third of all
  BlockArena big;
  for (int i = 0; i < 10; ++i) big.Allocate(BlockArena::kChunkWords);
  big.Free(BlockArena::kChunkWords + 1);
  EXPECT_FALSE(big.WorthCompacting());  // a tenth dead: not worth the copy
}

}  // namespace
}  // namespace drover::index
