// BlockArena: storage for many small, long-lived blocks of 32-bit words (a
// column-engine row's term ids and strings), carved one after another from
// large chunks. A block costs its words and nothing more: no allocator
// header, no size-class rounding. And the blocks stay out of malloc's
// heap, where, interleaved with the indexer's short-lived allocations, they
// left holes that made every malloc slower (7.7% of a 10M-job start-up).
//
// Freed words are counted, not reused. When WorthCompacting says the dead
// words have piled up, the owner copies its live blocks to a fresh arena
// and drops this one; until then a block's address is stable.
// Not thread-safe: the owner serialises Allocate, Free and compaction.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace drover::index {

class BlockArena {
 public:
  static constexpr size_t kChunkWords = size_t{1} << 20;  // 4 MiB

  BlockArena() = default;
  BlockArena(BlockArena&&) = default;
  BlockArena& operator=(BlockArena&&) = default;

  // A block of `words` uninitialised words (nullptr for 0); valid until
  // this arena is destroyed or replaced.
  uint32_t* Allocate(size_t words) {
    if (words == 0) return nullptr;
    if (words > left_) {
      size_t size = std::max(words, kChunkWords);
      chunks_.push_back(std::make_unique_for_overwrite<uint32_t[]>(size));
      next_ = chunks_.back().get();
      left_ = size;
    }
    uint32_t* block = next_;
    next_ += words;
    left_ -= words;
    live_ += words;
    return block;
  }
  // Counts a block of `words` as dead; its memory stays until compaction.
  void Free(size_t words) {
    live_ -= words;
    dead_ += words;
  }
  // Whether the dead words are a third of all and worth a copy of the live.
  bool WorthCompacting() const { return dead_ > kChunkWords && dead_ > live_ / 2; }

  size_t live_words() const { return live_; }
  size_t dead_words() const { return dead_; }

 private:
  std::vector<std::unique_ptr<uint32_t[]>> chunks_;
  uint32_t* next_ = nullptr;  // the current chunk's free words
  size_t left_ = 0;
  size_t live_ = 0;
  size_t dead_ = 0;
};

}  // namespace drover::index
