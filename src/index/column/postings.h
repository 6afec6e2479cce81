// The column engine's posting structures: values interned to dense ids,
// each with the bitmap of the slots holding it, and record numbers mapped
// to their live slots.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <roaring/roaring.hh>
#include <string>
#include <string_view>
#include <vector>

#include "index/column/rows.h"
#include "index/dictionary.h"

namespace drover::index::column {

// Interns strings to dense ids, each with the bitmap of slots holding it.
// A row keeps the ids of its values (4 bytes each, not the strings), so
// taking its postings back out needs no lookup.
class Postings {
 public:
  using Id = Dictionary::Id;

  // The value's id; a new value gets the next one (ids are never reused).
  Id Intern(std::string_view value) {
    Id id = values_.Intern(value);
    if (id == bitmaps_.size()) bitmaps_.emplace_back();
    return id;
  }
  Roaring& At(Id id) { return bitmaps_[id]; }
  const std::string& Value(Id id) const { return values_.Value(id); }
  const Roaring* Find(std::string_view value) const {
    Id id = values_.Find(value);
    return id == Dictionary::kNone ? nullptr : &bitmaps_[id];
  }
  template <class F>
  void ForEach(F&& f) const {
    for (size_t id = 0; id < bitmaps_.size(); ++id)
      f(values_.Value(static_cast<Id>(id)), bitmaps_[id]);
  }
  // Empties every bitmap; the values keep their ids (rows hold them).
  void ClearBitmaps() {
    for (Roaring& b : bitmaps_) b = Roaring();
  }
  size_t MemoryBytes() const {
    size_t bytes = values_.MemoryBytes() + bitmaps_.size() * sizeof(Roaring);
    for (const Roaring& b : bitmaps_) bytes += b.getSizeInBytes();
    return bytes;
  }

 private:
  Dictionary values_;
  std::deque<Roaring> bitmaps_;  // by id
};

// The bitmaps of a number field's values, by value. A small field's
// (values 0–255: a status, a flag) are a vector indexed by value, so a
// row's postings need no search; others are an ordered map (for ranges).
// A bitmap stays where it is once made (bulk builds hold its address).
class ValueBitmaps {
 public:
  explicit ValueBitmaps(bool small = false) : small_(small) {
    if (small_) dense_.resize(256);
  }
  size_t MemoryBytes() const {
    size_t bytes = dense_.capacity() * sizeof(Roaring);
    for (const Roaring& b : dense_) bytes += b.getSizeInBytes();
    for (const auto& [value, b] : sparse_) bytes += 64 + sizeof(Roaring) + b.getSizeInBytes();
    return bytes;
  }
  // The value's bitmap, made when absent.
  Roaring& At(int64_t v) { return small_ ? dense_[static_cast<uint8_t>(v)] : sparse_[v]; }
  // nullptr when no row ever had the value.
  const Roaring* Find(int64_t v) const {
    if (small_) return v >= 0 && v < 256 ? &dense_[static_cast<size_t>(v)] : nullptr;
    auto it = sparse_.find(v);
    return it == sparse_.end() ? nullptr : &it->second;
  }
  // f(value, bitmap) for each value in [min, max] that has a bitmap, ascending.
  template <class F>
  void ForEachIn(int64_t min, int64_t max, F&& f) const {
    if (small_) {
      for (int64_t v = std::max<int64_t>(min, 0); v <= std::min<int64_t>(max, 255); ++v)
        f(v, dense_[static_cast<size_t>(v)]);
      return;
    }
    for (auto it = sparse_.lower_bound(min); it != sparse_.end() && it->first <= max; ++it)
      f(it->first, it->second);
  }
  void Clear() {
    for (Roaring& b : dense_) b = Roaring();
    sparse_.clear();
  }

 private:
  bool small_;
  std::vector<Roaring> dense_;  // by value, when small
  std::map<int64_t, Roaring> sparse_;
};

// Record number → live slot. Numbers are handed out one by one from 1, so a
// vector indexed by number: 4 bytes a record, not a hash node's ~40.
class SlotMap {
 public:
  // The record's slot, or nullptr.
  const Slot* find(uint64_t number) const {
    auto n = static_cast<size_t>(number);
    return n < slots_.size() && slots_[n] != kNoSlot ? &slots_[n] : nullptr;
  }
  void Set(uint64_t number, Slot slot) {
    auto n = static_cast<size_t>(number);
    if (n >= slots_.size()) slots_.resize(std::max(n + 1, slots_.size() * 3 / 2), kNoSlot);
    if (slots_[n] == kNoSlot) ++size_;
    slots_[n] = slot;
  }
  void erase(uint64_t number) {
    auto n = static_cast<size_t>(number);
    if (n >= slots_.size() || slots_[n] == kNoSlot) return;
    slots_[n] = kNoSlot;
    --size_;
  }
  size_t size() const { return size_; }
  size_t MemoryBytes() const { return slots_.capacity() * sizeof(Slot); }
  void clear() {
    slots_.clear();
    size_ = 0;
  }

 private:
  std::vector<Slot> slots_;  // by record number
  size_t size_ = 0;
};

// A trigram of folded text at byte i (bytes packed in a number), for
// substring prefiltering.
inline uint32_t TrigramAt(std::string_view s, size_t i) {
  return uint32_t{static_cast<unsigned char>(s[i])} << 16 |
         uint32_t{static_cast<unsigned char>(s[i + 1])} << 8 | static_cast<unsigned char>(s[i + 2]);
}

// The distinct trigrams of `s`, sorted.
inline std::vector<uint32_t> Trigrams(std::string_view s) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i + 3 <= s.size(); ++i) out.push_back(TrigramAt(s, i));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace drover::index::column
