// DenseBits: a plain bitset over slots [0, size()), made from a compressed
// bitmap, for walks that test membership many thousands of times (a test
// is one load and a shift; Roaring::contains is a search per test).
//
// Built container by container (runs set whole words, bitset containers
// are copied), ~0.3 ns a slot rather than ~2 ns a value through iteration.
// Slots from kMaxSlot on (the column engine's ghost range) are left out.
#pragma once

#include <cstdint>
#include <roaring/roaring.hh>
#include <vector>

namespace drover::index {

class DenseBits {
 public:
  static constexpr uint32_t kMaxSlot = uint32_t{1} << 31;

  DenseBits() = default;
  // The values of `in` below kMaxSlot, less those of `out`.
  DenseBits(const Roaring& in, const Roaring& out);

  // Slots at or past size() are not in the set.
  uint64_t size() const { return size_; }
  bool Test(uint32_t slot) const { return (words_[slot >> 6] >> (slot & 63)) & 1; }

 private:
  uint64_t size_ = 0;
  std::vector<uint64_t> words_;
};

}  // namespace drover::index
