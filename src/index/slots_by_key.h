// SlotsByKey: slots (row numbers) found by a string key that each slot's
// row holds, such as the column engine's folded public ids. An
// open-addressing table of slots, 4 bytes an entry, the key read back from
// the row through `key_of` (slot → string_view), rather than a hash node
// holding a copy of the key (~100 bytes). `key_of` must give a slot the
// same key from its Insert to its Erase. Inserting a key already present
// replaces its slot. Not thread-safe: the owner's lock guards it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "index/dictionary.h"

namespace drover::index {

class SlotsByKey {
 public:
  size_t MemoryBytes() const { return table_.capacity() * sizeof(uint32_t); }
  static constexpr uint32_t kNone = ~uint32_t{0};  // no slot

  // The slot whose key is `key`, or kNone.
  template <class KeyOf>
  uint32_t Find(std::string_view key, KeyOf key_of) const {
    if (table_.empty()) return kNone;
    for (size_t i = Home(key);; i = Next(i)) {
      if (table_[i] == kNone || key_of(table_[i]) == key) return table_[i];
    }
  }
  template <class KeyOf>
  void Insert(uint32_t slot, KeyOf key_of) {
    if ((count_ + 1) * 2 > table_.size()) Grow(key_of);
    std::string_view key = key_of(slot);
    size_t i = Home(key);
    for (; table_[i] != kNone; i = Next(i)) {
      if (key_of(table_[i]) == key) {
        table_[i] = slot;
        return;
      }
    }
    table_[i] = slot;
    ++count_;
  }
  // Removes the slot if it is the one its key maps to.
  template <class KeyOf>
  void Erase(uint32_t slot, KeyOf key_of) {
    if (table_.empty()) return;
    size_t i = Home(key_of(slot));
    for (; table_[i] != slot; i = Next(i)) {
      if (table_[i] == kNone) return;
    }
    // Backward-shift deletion: pull later entries of the run into the gap
    // when their home is at or before it, so no search stops early.
    for (size_t gap = i, j = Next(i);; j = Next(j)) {
      if (table_[j] == kNone) {
        table_[gap] = kNone;
        break;
      }
      size_t home = Home(key_of(table_[j]));
      if (((j - home) & Mask()) >= ((j - gap) & Mask())) {
        table_[gap] = table_[j];
        gap = j;
      }
    }
    --count_;
  }
  // Room for `count` keys without growing.
  template <class KeyOf>
  void Reserve(size_t count, KeyOf key_of) {
    while (count * 2 > table_.size()) Grow(key_of);
  }
  void Clear() {
    table_.clear();
    count_ = 0;
  }

 private:
  size_t Mask() const { return table_.size() - 1; }
  size_t Home(std::string_view key) const { return Dictionary::Hash(key) & Mask(); }
  size_t Next(size_t i) const { return (i + 1) & Mask(); }
  template <class KeyOf>
  void Grow(KeyOf key_of) {
    std::vector<uint32_t> old = std::move(table_);
    table_.assign(std::max<size_t>(16, old.size() * 2), kNone);
    count_ = 0;
    for (uint32_t s : old) {
      if (s != kNone) Insert(s, key_of);
    }
  }

  std::vector<uint32_t> table_;  // power-of-two size, at most half full
  size_t count_ = 0;
};

}  // namespace drover::index
