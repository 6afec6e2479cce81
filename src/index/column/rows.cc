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
size_t Offset(Slot s, int width) { return size_t{s} * static_cast<size_t>(width); }

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

void SlotTable::Reserve(size_t n) {
  rows_.reserve(n);
  ids_.reserve(n * static_cast<size_t>(layout_->interned_count));
  wide_.reserve(n * static_cast<size_t>(layout_->wide_count));
  small_.reserve(n * static_cast<size_t>(layout_->small_count));
  prefixes_.reserve(n * 2 * static_cast<size_t>(layout_->prefix_count));
  id_keys_.reserve(n);
}

void SlotTable::Resize(size_t n) {
  rows_.resize(n);
  ids_.resize(n * static_cast<size_t>(layout_->interned_count));
  wide_.resize(n * static_cast<size_t>(layout_->wide_count));
  small_.resize(n * static_cast<size_t>(layout_->small_count));
  prefixes_.resize(n * 2 * static_cast<size_t>(layout_->prefix_count));
  id_keys_.resize(n);
}

void SlotTable::Put(Slot s, SlotValues&& values) {
  rows_[s] = std::move(values.row);
  std::copy(values.ids.begin(), values.ids.end(), ids_.data() + Offset(s, layout_->interned_count));
  std::copy(values.wide.begin(), values.wide.end(), wide_.data() + Offset(s, layout_->wide_count));
  std::copy(values.small.begin(), values.small.end(),
            small_.data() + Offset(s, layout_->small_count));
  std::copy(values.prefixes.begin(), values.prefixes.end(),
            prefixes_.data() + Offset(s, 2 * layout_->prefix_count));
  id_keys_[s] = values.id;
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
  const uint32_t* ids = ids_.data() + Offset(s, layout_->interned_count);
  values.ids.assign(ids, ids + layout_->interned_count);
  const int64_t* wide = wide_.data() + Offset(s, layout_->wide_count);
  values.wide.assign(wide, wide + layout_->wide_count);
  const uint8_t* small = small_.data() + Offset(s, layout_->small_count);
  values.small.assign(small, small + layout_->small_count);
  const uint64_t* prefixes = prefixes_.data() + Offset(s, 2 * layout_->prefix_count);
  values.prefixes.assign(prefixes, prefixes + 2 * layout_->prefix_count);
  values.id = id_keys_[s];
}

void SlotTable::Move(Slot to, Slot from) {
  rows_[to] = std::move(rows_[from]);
  auto move = [to, from](auto& column, size_t width) {
    std::copy_n(column.begin() + static_cast<ptrdiff_t>(from * width), width,
                column.begin() + static_cast<ptrdiff_t>(to * width));
  };
  move(ids_, static_cast<size_t>(layout_->interned_count));
  move(wide_, static_cast<size_t>(layout_->wide_count));
  move(small_, static_cast<size_t>(layout_->small_count));
  move(prefixes_, 2 * static_cast<size_t>(layout_->prefix_count));
  id_keys_[to] = id_keys_[from];
}

}  // namespace drover::index::column
