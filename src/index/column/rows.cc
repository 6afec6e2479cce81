#include "index/column/rows.h"

#include <algorithm>
#include <cstring>

namespace drover::index::column {

uint64_t Prefix(std::string_view s, size_t from) {
  uint64_t v = 0;
  for (size_t i = from; i < from + 8; ++i)
    v = (v << 8) | (i < s.size() ? static_cast<unsigned char>(s[i]) : 0);
  return v;
}

namespace {

// Where slot `s` starts in a column `width` values wide.
size_t Offset(size_t s, int width) { return s * static_cast<size_t>(width); }

}  // namespace

void Row::SetBlock(const Layout& layout, std::span<const uint32_t> terms,
                   std::span<const uint32_t> term_ends, std::span<const std::string_view> strings,
                   BlockArena& arena) {
  size_t header = layout.HeaderWords();
  size_t bytes = 0;
  for (std::string_view s : strings) bytes += s.size();
  block_ = arena.Allocate(header + terms.size() + (bytes + 3) / 4);
  uint32_t* out = std::copy(term_ends.begin(), term_ends.end(), block_);
  uint32_t end = 0;
  for (std::string_view s : strings) *out++ = end += static_cast<uint32_t>(s.size());
  out = std::copy(terms.begin(), terms.end(), out);
  char* text = reinterpret_cast<char*>(out);
  for (std::string_view s : strings) text = std::copy(s.begin(), s.end(), text);
}

size_t Row::BlockWords(const Layout& layout) const {
  const uint32_t* term_ends = block_;
  const uint32_t* string_ends = term_ends + layout.term_groups;
  size_t header = layout.HeaderWords();
  return header + term_ends[layout.term_groups - 1] +
         (string_ends[layout.stored_count - 1] + 3) / 4;
}

void Row::FreeBlock(const Layout& layout, BlockArena& arena) {
  if (!block_) return;
  arena.Free(block_, BlockWords(layout));
  block_ = nullptr;
}

void Row::MoveBlock(const Layout& layout, BlockArena& arena) {
  if (!block_) return;
  size_t words = BlockWords(layout);
  uint32_t* moved = arena.Allocate(words);
  std::copy(block_, block_ + words, moved);
  block_ = moved;
}

Row Row::Clone(const Layout& layout, BlockArena& arena) const {
  Row copy;
  copy.number = number;
  copy.block_ = block_;
  copy.MoveBlock(layout, arena);
  return copy;
}

std::string_view Row::String(const Layout& layout, int position) const {
  if (!block_) return {};
  const uint32_t* term_ends = block_;
  const uint32_t* string_ends = term_ends + layout.term_groups;
  const char* bytes =
      reinterpret_cast<const char*>(TermsStart(layout) + term_ends[layout.term_groups - 1]);
  uint32_t begin = position == 0 ? 0 : string_ends[position - 1];
  return {bytes + begin, string_ends[position] - begin};
}

// f(column, width, member) for each packed column, with the width of a
// slot's run in it and the SlotValues member that carries such a run.
template <class F>
void SlotTable::ForEachColumn(F&& f) {
  f(ids_, layout_->interned_count, &SlotValues::ids);
  f(wide_, layout_->wide_count, &SlotValues::wide);
  f(small_, layout_->small_count, &SlotValues::small);
  f(prefixes_, 2 * layout_->prefix_count, &SlotValues::prefixes);
}

void SlotTable::Reserve(size_t n) {
  rows_.reserve(n);
  id_keys_.reserve(n);
  ForEachColumn([n](auto& column, int width, auto) { column.reserve(Offset(n, width)); });
}

void SlotTable::Resize(size_t n) {
  rows_.resize(n);
  id_keys_.resize(n);
  ForEachColumn([n](auto& column, int width, auto) { column.resize(Offset(n, width)); });
}

void SlotTable::Put(Slot s, SlotValues&& values) {
  rows_[s] = std::move(values.row);
  id_keys_[s] = values.id;
  ForEachColumn([&](auto& column, int width, auto member) {
    const auto& run = values.*member;
    std::copy(run.begin(), run.end(), column.data() + Offset(s, width));
  });
}

void SlotTable::Put(Slot s, Row&& row, std::span<const uint32_t> ids, const Entry& entry,
                    const Schema& schema) {
  rows_[s] = std::move(row);
  std::copy(ids.begin(), ids.end(), ids_.data() + Offset(s, layout_->interned_count));
  int64_t* wide = wide_.data() + Offset(s, layout_->wide_count);
  uint8_t* small = small_.data() + Offset(s, layout_->small_count);
  for (size_t f = 0; f < schema.numbers().size(); ++f) {
    if (int at = layout_->wide[f]; at != kNone) wide[at] = entry.numbers[f];
    if (int at = layout_->small[f]; at != kNone) small[at] = static_cast<uint8_t>(entry.numbers[f]);
  }
  uint64_t* prefixes = prefixes_.data() + Offset(s, 2 * layout_->prefix_count);
  for (size_t f = 0; f < schema.strings().size(); ++f) {
    if (int at = layout_->prefix[f]; at != kNone) {
      prefixes[2 * at] = Prefix(entry.strings[f]);
      prefixes[2 * at + 1] = Prefix(entry.strings[f], 8);
    }
  }
  id_keys_[s] = {Prefix(entry.public_id), Prefix(entry.public_id, 8)};
}

void SlotTable::Take(Slot s, SlotValues& values) {
  values.row = std::move(rows_[s]);
  values.id = id_keys_[s];
  ForEachColumn([&](auto& column, int width, auto member) {
    const auto* run = column.data() + Offset(s, width);
    (values.*member).assign(run, run + width);
  });
}

void SlotTable::Move(Slot to, Slot from) {
  rows_[to] = std::move(rows_[from]);
  id_keys_[to] = id_keys_[from];
  ForEachColumn([&](auto& column, int width, auto) {
    std::copy_n(column.data() + Offset(from, width), width, column.data() + Offset(to, width));
  });
}

}  // namespace drover::index::column
