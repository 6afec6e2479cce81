// PostingRuns: a bulk build's slots for many bitmaps, gathered a chunk of
// slots at a time and handed over as one ascending run per bitmap, for one
// addMany each. Added one at a time, every add found its bitmap and touched
// its last container again, ~40 times a row: at 10M jobs the column
// engine's postings took 17 s that way and take 9.4 this way.
// Not thread-safe: one per thread.
#pragma once

#include <cstdint>
#include <roaring/roaring.hh>
#include <span>
#include <unordered_map>
#include <vector>

namespace drover::index {

// Runs of slots by a 32-bit key (a dictionary id, a trigram code). The
// (key, slot) pairs are sorted by key with a stable radix sort, so slots
// added in ascending order stay ascending within their key.
class PostingRuns {
 public:
  using Slot = uint32_t;
  static constexpr Slot kChunk = Slot{1} << 16;  // one roaring container's span

  void Add(uint32_t key, Slot slot) {
    pairs_.push_back(uint64_t{key} << 32 | slot);
    max_key_ |= key;
  }
  // Calls add(key, its slots in the order added, duplicates kept) once for
  // every key added since the last Flush, keys ascending, and forgets them.
  template <class F>
  void Flush(F&& add) {
    SortByKey();
    for (size_t i = 0; i < pairs_.size();) {
      auto key = static_cast<uint32_t>(pairs_[i] >> 32);
      slots_.clear();
      for (; i < pairs_.size() && static_cast<uint32_t>(pairs_[i] >> 32) == key; ++i)
        slots_.push_back(static_cast<Slot>(pairs_[i]));
      add(key, std::span<const Slot>(slots_));
    }
    pairs_.clear();
    max_key_ = 0;
  }

 private:
  // Counting passes of 12 bits, as many as the largest key needs.
  void SortByKey() {
    constexpr int kBits = 12;
    constexpr size_t kBuckets = size_t{1} << kBits;
    scratch_.resize(pairs_.size());
    for (int shift = 0; shift < 32; shift += kBits) {
      if (shift > 0 && (max_key_ >> shift) == 0) break;
      std::vector<size_t> start(kBuckets + 1, 0);
      for (uint64_t p : pairs_) ++start[((p >> (32 + shift)) & (kBuckets - 1)) + 1];
      for (size_t b = 1; b <= kBuckets; ++b) start[b] += start[b - 1];
      for (uint64_t p : pairs_) scratch_[start[(p >> (32 + shift)) & (kBuckets - 1)]++] = p;
      pairs_.swap(scratch_);
    }
  }

  std::vector<uint64_t> pairs_;  // key << 32 | slot
  std::vector<uint64_t> scratch_;
  std::vector<Slot> slots_;
  uint32_t max_key_ = 0;  // an OR of the keys: its highest bit bounds them
};

// PostingRuns for bitmaps found by reference (the field postings: values,
// statuses, flags), each numbered the first time it is seen. A bitmap must
// stay where it is until Flush.
class BitmapRuns {
 public:
  using Slot = PostingRuns::Slot;

  void Add(Roaring& bitmap, Slot slot) {
    auto [it, added] = number_.try_emplace(&bitmap, static_cast<uint32_t>(bitmaps_.size()));
    if (added) bitmaps_.push_back(&bitmap);
    runs_.Add(it->second, slot);
  }
  // Adds every run to its bitmap.
  void Flush() {
    runs_.Flush([this](uint32_t number, std::span<const Slot> slots) {
      bitmaps_[number]->addMany(slots.size(), slots.data());
    });
  }

 private:
  PostingRuns runs_;
  std::unordered_map<Roaring*, uint32_t> number_;
  std::vector<Roaring*> bitmaps_;  // by number
};

}  // namespace drover::index
