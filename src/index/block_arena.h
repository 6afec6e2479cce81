// BlockArena: storage for many small, long-lived blocks of 32-bit words (a
// column-engine row's term ids and strings), carved one after another from
// large chunks. A block costs its words and nothing more: no allocator
// header, no size-class rounding. And the blocks stay out of malloc's
// heap, where, interleaved with the indexer's short-lived allocations, they
// left holes that made every malloc slower (7.7% of a 10M-job start-up).
//
// A freed block of 2 to kReusedWords words goes on a free list of its
// exact size, and the next block of that size takes it: a job rewritten
// with its text unchanged (a status change) reuses its own block's words.
// Other freed words are only counted. When WorthCompacting says the dead
// words have piled up, the owner copies its live blocks to a fresh arena
// and drops this one; until then a block's address is stable.
// Not thread-safe: the owner serialises Allocate, Free and compaction.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

namespace drover::index {

class BlockArena {
 public:
  static constexpr size_t kChunkWords = size_t{1} << 20;  // 4 MiB
  static constexpr size_t kReusedWords = 1024;            // longer freed blocks are not reused

  BlockArena() = default;
  BlockArena(BlockArena&&) = default;
  BlockArena& operator=(BlockArena&&) = default;

  // A block of `words` uninitialised words (nullptr for 0); valid until
  // it is freed, or this arena is destroyed or replaced.
  uint32_t* Allocate(size_t words) {
    if (words == 0) return nullptr;
    live_ += words;
    if (uint32_t* reused = PopFree(words)) {
      dead_ -= words;
      return reused;
    }
    if (words > left_) {
      size_t size = std::max(words, kChunkWords);
      chunks_.push_back(std::make_unique_for_overwrite<uint32_t[]>(size));
      reserved_ += size;
      next_ = chunks_.back().get();
      left_ = size;
    }
    uint32_t* block = next_;
    next_ += words;
    left_ -= words;
    return block;
  }
  // Frees a block Allocate(words) returned (nullptr: nothing).
  void Free(uint32_t* block, size_t words) {
    if (!block) return;
    live_ -= words;
    dead_ += words;
    if (words >= 2 && words < kReusedWords) PushFree(block, words);
  }
  // Whether the dead words are over a third of all and worth a copy of
  // the live ones: a chunk's worth at least.
  bool WorthCompacting() const { return dead_ > kChunkWords && dead_ > live_ / 2; }

  size_t live_words() const { return live_; }
  size_t dead_words() const { return dead_; }
  // Bytes of every chunk taken from the heap.
  size_t MemoryBytes() const { return reserved_ * sizeof(uint32_t); }

 private:
  // A free block holds the next free block of its size in its first two
  // words (copied, as blocks are only 4-byte aligned).
  void PushFree(uint32_t* block, size_t words) {
    if (free_.size() <= words) free_.resize(words + 1, nullptr);
    std::memcpy(block, &free_[words], sizeof(uint32_t*));
    free_[words] = block;
  }
  uint32_t* PopFree(size_t words) {
    if (words >= free_.size() || !free_[words]) return nullptr;
    uint32_t* block = free_[words];
    std::memcpy(&free_[words], block, sizeof(uint32_t*));
    return block;
  }

  std::vector<std::unique_ptr<uint32_t[]>> chunks_;
  uint32_t* next_ = nullptr;  // the current chunk's free words
  size_t left_ = 0;
  std::vector<uint32_t*> free_;  // by size in words: the last freed block of it
  size_t live_ = 0;
  size_t dead_ = 0;
  size_t reserved_ = 0;  // words in chunks_
};

}  // namespace drover::index
