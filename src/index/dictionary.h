// Dictionary: interns strings as dense ids 0, 1, 2, … (never reused) and
// gives them back. The column engine keeps one per field, so its rows hold
// 4-byte ids instead of strings. Start-up interns every value of every job,
// so lookups are the hot path: an open-addressing table of 8-byte entries
// (32 bits of the value's hash, its id) over a vector of the values. A
// lookup usually settles on its first entry and compares one string; a
// node-based map chases a bucket, a node and the string.
// Not thread-safe: the owner's lock guards it.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace drover::index {

class Dictionary {
 public:
  using Id = uint32_t;
  static constexpr Id kNone = ~Id{0};

  // The value's id; a new value gets the next one.
  Id Intern(std::string_view value) {
    if ((values_.size() + 1) * 2 > table_.size()) Grow();
    uint32_t hash = Hash(value);
    size_t i = hash & Mask();
    for (; table_[i] != kEmpty; i = (i + 1) & Mask()) {
      if (Matches(table_[i], hash, value)) return IdOf(table_[i]);
    }
    auto id = static_cast<Id>(values_.size());
    values_.emplace_back(value);
    table_[i] = uint64_t{hash} << 32 | id;
    return id;
  }
  // The value's id, or kNone.
  Id Find(std::string_view value) const {
    if (table_.empty()) return kNone;
    uint32_t hash = Hash(value);
    for (size_t i = hash & Mask(); table_[i] != kEmpty; i = (i + 1) & Mask()) {
      if (Matches(table_[i], hash, value)) return IdOf(table_[i]);
    }
    return kNone;
  }
  const std::string& Value(Id id) const { return values_[id]; }
  size_t size() const { return values_.size(); }
  // Heap bytes held (the strings' own beyond their inline buffers).
  size_t MemoryBytes() const {
    size_t bytes = values_.capacity() * sizeof(std::string) + table_.capacity() * sizeof(uint64_t);
    for (const std::string& v : values_) {
      if (v.capacity() > 15) bytes += v.capacity() + 1;
    }
    return bytes;
  }

  // 32 well-mixed bits of `s`: eight bytes at a time, then a final mix.
  static uint32_t Hash(std::string_view s) {
    constexpr uint64_t kMul = 0x9E3779B97F4A7C15ULL;
    uint64_t h = s.size() * kMul;
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
      uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      h = (h ^ w) * kMul;
      h ^= h >> 29;
    }
    uint64_t tail = 0;
    std::memcpy(&tail, s.data() + i, s.size() - i);
    h = (h ^ tail) * 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 31;
    h *= 0x94D049BB133111EBULL;
    return static_cast<uint32_t>(h >> 32);
  }

 private:
  static constexpr uint64_t kEmpty = ~uint64_t{0};

  static Id IdOf(uint64_t entry) { return static_cast<Id>(entry); }
  bool Matches(uint64_t entry, uint32_t hash, std::string_view value) const {
    return static_cast<uint32_t>(entry >> 32) == hash && values_[IdOf(entry)] == value;
  }
  size_t Mask() const { return table_.size() - 1; }
  void Grow() {
    std::vector<uint64_t> old = std::move(table_);
    table_.assign(std::max<size_t>(16, old.size() * 2), kEmpty);
    for (uint64_t entry : old) {
      if (entry == kEmpty) continue;
      size_t i = (entry >> 32) & Mask();
      while (table_[i] != kEmpty) i = (i + 1) & Mask();
      table_[i] = entry;
    }
  }

  std::vector<std::string> values_;  // by id
  std::vector<uint64_t> table_;      // power-of-two size, at most half full
};

}  // namespace drover::index
