#include "index/block_arena.h"

#include <gtest/gtest.h>

#include <numeric>
#include <vector>

namespace drover::index {
namespace {

constexpr size_t kChunk = BlockArena::kChunkWords;

// Blocks of all sizes (some larger than a chunk) never overlap and keep
// what was written to them while later ones are allocated and freed.
TEST(BlockArena, BlocksKeepTheirWordsAndDoNotOverlap) {
  BlockArena arena;
  std::vector<std::pair<uint32_t*, size_t>> blocks;
  for (size_t i = 0; i < 3000; ++i) {
    size_t words = i % 1000 == 999 ? kChunk + 7 : 1 + i % 700;
    uint32_t* block = arena.Allocate(words);
    std::iota(block, block + words, static_cast<uint32_t>(i) << 12);
    blocks.emplace_back(block, words);
    if (i % 3 == 2) {  // a third are freed, and their words taken again
      arena.Free(block, words);
      blocks.pop_back();
    }
  }
  for (size_t i = 0, n = 0; i < 3000; ++i) {
    if (i % 3 == 2) continue;
    auto [block, words] = blocks[n++];
    for (size_t w = 0; w < words; ++w)
      ASSERT_EQ(block[w], (static_cast<uint32_t>(i) << 12) + w) << "block " << i;
  }
  EXPECT_EQ(arena.Allocate(0), nullptr);
}

TEST(BlockArena, AFreedBlockIsTakenByTheNextOfItsSize) {
  BlockArena arena;
  uint32_t* a = arena.Allocate(5);
  uint32_t* b = arena.Allocate(5);
  arena.Free(a, 5);
  arena.Free(b, 5);
  EXPECT_EQ(arena.dead_words(), 10u);
  uint32_t* c = arena.Allocate(6);
  EXPECT_NE(c, a);
  EXPECT_NE(c, b);
  EXPECT_EQ(arena.Allocate(5), b);  // last freed, first taken
  EXPECT_EQ(arena.Allocate(5), a);
  EXPECT_EQ(arena.dead_words(), 0u);
  EXPECT_EQ(arena.live_words(), 16u);
  uint32_t* big = arena.Allocate(BlockArena::kReusedWords);
  arena.Free(big, BlockArena::kReusedWords);
  EXPECT_NE(arena.Allocate(BlockArena::kReusedWords), big);  // too long to reuse
}

TEST(BlockArena, CountsDeadWordsAndSaysWhenToCompact) {
  BlockArena arena;
  std::vector<uint32_t*> halves;
  for (int i = 0; i < 4; ++i) halves.push_back(arena.Allocate(kChunk / 2));
  EXPECT_EQ(arena.live_words(), 2 * kChunk);
  arena.Free(halves[0], kChunk / 2);
  EXPECT_FALSE(arena.WorthCompacting());  // under a chunk's worth dead
  arena.Free(halves[1], kChunk / 2);
  uint32_t* one = arena.Allocate(1);
  arena.Free(one, 1);
  EXPECT_EQ(arena.dead_words(), kChunk + 1);
  EXPECT_TRUE(arena.WorthCompacting());  // a chunk dead, and over a third of all
  BlockArena big;
  std::vector<uint32_t*> chunks;
  for (int i = 0; i < 10; ++i) chunks.push_back(big.Allocate(kChunk));
  big.Free(chunks[0], kChunk);
  EXPECT_FALSE(big.WorthCompacting());  // a tenth dead: not worth the copy
}

}  // namespace
}  // namespace drover::index
