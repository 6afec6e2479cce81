#include "index/dense_bits.h"

#include <roaring/containers/containers.h>

#include <algorithm>

namespace drover::index {

namespace {

// Sets bits [from, to] (inclusive) of `words`.
void SetRange(std::vector<uint64_t>& words, uint64_t from, uint64_t to) {
  uint64_t first = from >> 6, last = to >> 6;
  uint64_t head = ~uint64_t{0} << (from & 63);
  uint64_t tail = ~uint64_t{0} >> (63 - (to & 63));
  if (first == last) {
    words[first] |= head & tail;
    return;
  }
  words[first] |= head;
  std::fill(words.begin() + static_cast<ptrdiff_t>(first + 1),
            words.begin() + static_cast<ptrdiff_t>(last), ~uint64_t{0});
  words[last] |= tail;
}

}  // namespace

DenseBits::DenseBits(const Roaring& in, const Roaring& out) {
  uint64_t below = in.rank(kMaxSlot - 1);
  if (below == 0) return;
  uint32_t last = 0;
  in.select(static_cast<uint32_t>(below - 1), &last);
  size_ = uint64_t{last} + 1;
  words_.assign((size_ + 63) / 64, 0);

  const roaring_array_t& containers = in.roaring.high_low_container;
  for (int32_t i = 0; i < containers.size; ++i) {
    uint64_t base = uint64_t{containers.keys[i]} << 16;
    if (base >= size_) break;
    uint8_t type = containers.typecodes[i];
    const void* c = container_unwrap_shared(containers.containers[i], &type);
    switch (type) {
      case BITSET_CONTAINER_TYPE_CODE: {
        const auto* bits = static_cast<const bitset_container_t*>(c);
        uint64_t words = std::min<uint64_t>(1024, words_.size() - (base >> 6));
        std::copy_n(bits->array, words, words_.begin() + static_cast<ptrdiff_t>(base >> 6));
        break;
      }
      case ARRAY_CONTAINER_TYPE_CODE: {
        const auto* array = static_cast<const array_container_t*>(c);
        for (int32_t k = 0; k < array->cardinality; ++k) {
          uint64_t slot = base + array->array[k];
          words_[slot >> 6] |= uint64_t{1} << (slot & 63);
        }
        break;
      }
      case RUN_CONTAINER_TYPE_CODE: {
        const auto* runs = static_cast<const run_container_t*>(c);
        for (int32_t k = 0; k < runs->n_runs; ++k) {
          uint64_t from = base + runs->runs[k].value;
          SetRange(words_, from, from + runs->runs[k].length);
        }
        break;
      }
    }
  }
  for (uint32_t slot : out) {
    if (slot >= size_) break;
    words_[slot >> 6] &= ~(uint64_t{1} << (slot & 63));
  }
}

}  // namespace drover::index
