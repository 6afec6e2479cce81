// The column engine's rows: every record is a slot, and a slot keeps what
// filters and sorts read back (index/column/layout.h says where). Live
// records have slots from 0; prior versions kept for snapshots have ghost
// slots (the high bit set), in a table of their own with the same layout.
//
// A row's strings and term ids share one block in a BlockArena: at 10M
// jobs, rows of several std::strings and a vector were 2.9 GB of arrays
// plus a heap block per string, all faulted in fresh at start-up. The
// numbers and sort prefixes are packed in per-slot columns beside the rows
// (reading the rows for every candidate would miss the cache on each).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "index/block_arena.h"
#include "index/column/layout.h"
#include "index/schema.h"

namespace drover::index::column {

using Slot = uint32_t;
inline constexpr Slot kGhost = Slot{1} << 31;  // slots from here on hold prior versions
inline constexpr Slot kNoSlot = ~Slot{0};

// A row: the record's number and its block. The block holds, in 4-byte
// words: the ends of the term groups, the ends of the stored strings, the
// term ids, then the strings' bytes.
class Row {
 public:
  uint64_t number = 0;

  Row() = default;
  Row(Row&& other) noexcept : number(other.number), block_(other.block_) { other.block_ = nullptr; }
  Row& operator=(Row&& other) noexcept {
    number = other.number;
    block_ = other.block_;
    other.block_ = nullptr;
    return *this;
  }
  Row(const Row&) = delete;
  Row& operator=(const Row&) = delete;

  // Sets the block, in `arena`; the row has none yet. `term_ends[g]` is
  // where term group g ends in `terms`.
  void SetBlock(const Layout& layout, std::span<const uint32_t> terms,
                std::span<const uint32_t> term_ends, std::span<const std::string_view> strings,
                BlockArena& arena);
  // Frees the block to `arena`.
  void FreeBlock(const Layout& layout, BlockArena& arena);
  // Copies the block to `arena` (compaction).
  void MoveBlock(const Layout& layout, BlockArena& arena);
  // A row with a copy of this one's block, in `arena`.
  Row Clone(const Layout& layout, BlockArena& arena) const;

  std::span<const uint32_t> Terms(const Layout& layout, int group) const {
    const uint32_t* ends = block_;
    uint32_t begin = group == 0 ? 0 : ends[group - 1];
    return {TermsStart(layout) + begin, ends[group] - begin};
  }
  std::string_view String(const Layout& layout, int position) const;
  // String `position`, or string `same` when it is empty (a fold equal to
  // its original is not kept twice).
  std::string_view StringOr(const Layout& layout, int position, int same) const {
    std::string_view s = String(layout, position);
    return s.empty() ? String(layout, same) : s;
  }

 private:
  const uint32_t* TermsStart(const Layout& layout) const { return block_ + layout.HeaderWords(); }
  size_t BlockWords(const Layout& layout) const;

  uint32_t* block_ = nullptr;
};

// A public id's first 16 bytes, big-endian: ids of up to 16 bytes (all of
// "dlc…" ids) order without the string.
struct IdKey {
  uint64_t prefix = 0;
  uint64_t prefix2 = 0;
};

// Bytes [from, from + 8) of `s`, big-endian (0 past the end).
uint64_t Prefix(std::string_view s, size_t from = 0);

// What one slot holds, outside a table: a row about to be written, or one
// in transit (renumbering, retiring).
struct SlotValues {
  Row row;
  std::vector<uint32_t> ids;  // of the interned strings
  std::vector<int64_t> wide;
  std::vector<uint8_t> small;
  std::vector<uint64_t> prefixes;  // two per sortable string
  IdKey id;
};

// The slots of one table (live or ghosts), as parallel packed columns.
class SlotTable {
 public:
  explicit SlotTable(const Layout& layout) : layout_(&layout) {}

  size_t size() const { return rows_.size(); }
  size_t MemoryBytes() const {
    return rows_.capacity() * sizeof(Row) + ids_.capacity() * sizeof(uint32_t) +
           wide_.capacity() * sizeof(int64_t) + small_.capacity() +
           prefixes_.capacity() * sizeof(uint64_t) + id_keys_.capacity() * sizeof(IdKey);
  }
  void Reserve(size_t n);
  void Resize(size_t n);  // new slots are empty
  void Clear() { Resize(0); }

  Row& row(Slot s) { return rows_[s]; }
  const Row& row(Slot s) const { return rows_[s]; }
  std::vector<Row>& rows() { return rows_; }
  int64_t Wide(Slot s, int position) const {
    return wide_[size_t{s} * static_cast<size_t>(layout_->wide_count) +
                 static_cast<size_t>(position)];
  }
  uint8_t Small(Slot s, int position) const {
    return small_[size_t{s} * static_cast<size_t>(layout_->small_count) +
                  static_cast<size_t>(position)];
  }
  const uint64_t* Prefixes(Slot s) const {
    return prefixes_.data() + size_t{s} * 2 * static_cast<size_t>(layout_->prefix_count);
  }
  IdKey id_key(Slot s) const { return id_keys_[s]; }
  // The dictionary id of interned string `position` (Layout::interned).
  uint32_t Id(Slot s, int position) const {
    return ids_[size_t{s} * static_cast<size_t>(layout_->interned_count) +
                static_cast<size_t>(position)];
  }

  // Moves `values` into slot `s` (the row's block with it).
  void Put(Slot s, SlotValues&& values);
  // Slot `s` takes `row`, the dictionary ids, and the entry's numbers,
  // sort prefixes and id key.
  void Put(Slot s, Row&& row, std::span<const uint32_t> ids, const Entry& entry,
           const Schema& schema);
  // Moves slot `s` out into `values` (reusing its buffers); the slot's row
  // is left without a block.
  void Take(Slot s, SlotValues& values);
  // Slot `to` takes what slot `from` holds.
  void Move(Slot to, Slot from);

 private:
  template <class F>
  void ForEachColumn(F&& f);

  const Layout* layout_;

  std::vector<Row> rows_;
  std::vector<uint32_t> ids_;
  std::vector<int64_t> wide_;
  std::vector<uint8_t> small_;
  std::vector<uint64_t> prefixes_;
  std::vector<IdKey> id_keys_;
};

}  // namespace drover::index::column
