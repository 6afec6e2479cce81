// Paging in sort order: the walk of creation order, kept orders walked to
// the page (index/slot_order.h), an enumeration paged group by group, and
// the top-K of few candidates (a radix select, then an exact sort).

#include <bit>
#include <numeric>
#include <utility>

#include "index/column/column_index.h"

namespace drover::index::column {

namespace {

constexpr uint64_t kOrderFrom = 1024;  // fewer candidates sort faster than a walk

uint64_t Ordered(int64_t v) { return static_cast<uint64_t>(v) ^ (uint64_t{1} << 63); }

}  // namespace

bool ColumnIndex::SlotLess::operator()(Slot a, Slot b) const {
  return index->Less(index->KeyOf(a, sort, 0), index->KeyOf(b, sort, 0), sort);
}

// Slots are in creation order, equal times in no particular order: walk the
// bitmap to the page, widening it to whole runs of equal times at its
// edges, then order those by public id.
std::vector<Slot> ColumnIndex::PageByCreated(const Roaring& hits, const Query& q) const {
  int64_t total = static_cast<int64_t>(hits.cardinality());
  int64_t limit = std::min(q.limit, total - q.offset);
  // The same window in ascending order.
  int64_t first = q.descending ? total - q.offset - limit : q.offset;
  int64_t last = first + limit;  // exclusive
  uint32_t slot = 0;
  hits.select(static_cast<uint32_t>(first), &slot);
  // Back to the first hit with the same created time.
  int64_t begin = first;
  core::TimeMs t0 = CreatedAt(slot);
  while (begin > 0) {
    uint32_t prev = 0;
    hits.select(static_cast<uint32_t>(begin - 1), &prev);
    if (CreatedAt(prev) != t0) break;
    --begin;
  }
  std::vector<Slot> window;
  core::TimeMs last_time = 0;
  for (int64_t r = begin; r < total; ++r) {
    uint32_t s = 0;
    hits.select(static_cast<uint32_t>(r), &s);
    if (r >= last && CreatedAt(s) != last_time) break;
    window.push_back(s);
    last_time = CreatedAt(s);
  }
  std::stable_sort(window.begin(), window.end(), [&](Slot a, Slot b) {
    if (CreatedAt(a) != CreatedAt(b)) return CreatedAt(a) < CreatedAt(b);
    return Before(a, b);
  });
  std::vector<Slot> page(window.begin() + (first - begin), window.begin() + (last - begin));
  if (q.descending) std::reverse(page.begin(), page.end());
  return page;
}

// Orders the candidates by the sort key, materializing only what the page
// needs: for an enumeration, only the groups the page overlaps.
std::vector<Slot> ColumnIndex::PageBySorting(const Roaring& hits, const Query& q) const {
  if (const SlotOrder* order = OrderFor(hits, q)) {
    Count(kKeptOrder);
    return order->Page(hits, static_cast<uint64_t>(q.offset), static_cast<uint64_t>(q.limit),
                       q.descending);
  }
  if (Groups(q.sort)) {
    Count(kGroups);
    return PageByGroups(hits, q);
  }
  Count(kTopK);
  std::vector<Slot> slots(hits.cardinality());
  hits.toUint32Array(slots.data());
  return TopK(slots, q, q.offset);
}

bool ColumnIndex::Groups(SortBy sort) const {
  return sort.of == SortBy::Class::kNumber && !schema_.numbers()[sort.field].names.empty() &&
         schema_.numbers()[sort.field].bitmaps;
}

// An enumeration's sort groups by name: count each group by bitmap, then
// order only the groups that overlap the page.
std::vector<Slot> ColumnIndex::PageByGroups(const Roaring& hits, const Query& q) const {
  const std::vector<uint64_t>& rank = ranks_[q.sort.field];
  std::vector<int64_t> order(rank.size());
  for (size_t v = 0; v < rank.size(); ++v) order[rank[v]] = static_cast<int64_t>(v);
  if (q.descending) std::reverse(order.begin(), order.end());
  const auto& bitmaps = numbers_[q.sort.field];
  std::vector<Slot> page;
  int64_t seen = 0;
  int64_t want_end = q.offset + q.limit;
  for (int64_t value : order) {
    if (seen >= want_end) break;
    const Roaring* in_group = bitmaps.Find(value);
    if (!in_group) continue;
    int64_t count = static_cast<int64_t>(hits.and_cardinality(*in_group));
    if (seen + count <= q.offset) {
      seen += count;
      continue;
    }
    Roaring group = hits & *in_group;
    std::vector<Slot> slots(group.cardinality());
    group.toUint32Array(slots.data());
    int64_t skip = std::max<int64_t>(0, q.offset - seen);
    Query rest = q;
    rest.limit = want_end - std::max(seen, q.offset);
    for (Slot s : TopK(slots, rest, skip, /*one_group=*/true)) page.push_back(s);
    seen += count;
  }
  return page;
}

// A candidate's sort key, compact so that ordering hundreds of thousands of
// candidates stays in cache: the key's first 16 bytes (exact for numbers),
// the public id's first 16; full strings only on ties. `one_group`: only
// the id part (every candidate has the same sort key).
ColumnIndex::SortKey ColumnIndex::KeyOf(Slot slot, SortBy sort, core::TimeMs now,
                                        bool one_group) const {
  uint64_t primary = 0, primary2 = 0;
  if (!one_group) {
    if (sort.of == SortBy::Class::kString) {
      const uint64_t* prefixes =
          TableOf(slot).Prefixes(slot & ~kGhost) + 2 * layout_.prefix[sort.field];
      primary = prefixes[0];
      primary2 = prefixes[1];
    } else if (sort.of == SortBy::Class::kFoldedString) {
      std::string_view name = FoldedSearch(slot);
      primary = Prefix(name);
      primary2 = Prefix(name, 8);
    } else if (!ranks_[sort.field].empty()) {
      auto v = static_cast<size_t>(Stored(slot, sort.field));
      primary = v < ranks_[sort.field].size() ? ranks_[sort.field][v] : v;
    } else {
      primary = Ordered(NumberAt(slot, sort.field, now));
    }
  }
  IdKey id = TableOf(slot).id_key(slot & ~kGhost);
  return {primary, primary2, id.prefix, id.prefix2, slot};
}

// Ascending by the sort key, then by public id: a strict total order on live records.
bool ColumnIndex::Less(const SortKey& a, const SortKey& b, SortBy sort) const {
  if (a.primary != b.primary) return a.primary < b.primary;
  if (a.primary2 != b.primary2) return a.primary2 < b.primary2;
  if (sort.of == SortBy::Class::kString) {
    int cmp = StringAt(a.slot, sort.field).compare(StringAt(b.slot, sort.field));
    if (cmp != 0) return cmp < 0;
  } else if (sort.of == SortBy::Class::kFoldedString) {
    int cmp = FoldedSearch(a.slot).compare(FoldedSearch(b.slot));
    if (cmp != 0) return cmp < 0;
  }
  if (a.id != b.id) return a.id < b.id;
  if (a.id2 != b.id2) return a.id2 < b.id2;
  return PublicId(a.slot) < PublicId(b.slot);
}

namespace {

// Keeps only the keys that can rank in [begin, end) and returns how many
// ranked before them. A radix select: keys are bucketed by the most
// significant part of the key that varies among them (every part before it
// is equal, so buckets are in order), counted, and every bucket wholly
// before or after the window is dropped; repeated on what is left. Two
// passes over the keys instead of a full selection over all of them.
template <class SortKey>
int64_t NarrowByBuckets(std::vector<SortKey>& keys, int64_t begin, int64_t end, bool strings,
                        bool descending) {
  constexpr size_t kSmall = 256;  // below this, selection is cheap enough
  // The parts in significance order; a string sort's full strings come
  // between primary2 and the id, so its ids must not be bucketed on.
  constexpr uint64_t SortKey::*kParts[] = {&SortKey::primary, &SortKey::primary2, &SortKey::id,
                                           &SortKey::id2};
  size_t parts = strings ? 2 : 4;
  int64_t dropped = 0;
  while (keys.size() > kSmall) {
    uint64_t SortKey::*part = nullptr;
    uint64_t lo = 0, hi = 0;
    for (size_t i = 0; i < parts && !part; ++i) {
      auto [min, max] = std::minmax_element(
          keys.begin(), keys.end(),
          [m = kParts[i]](const SortKey& a, const SortKey& b) { return a.*m < b.*m; });
      if ((*min).*kParts[i] != (*max).*kParts[i]) {
        part = kParts[i];
        lo = (*min).*part;
        hi = (*max).*part;
      }
    }
    if (!part) break;  // equal on every part: only the full comparison orders them
    uint64_t span = hi - lo;
    int shift = std::max(0, static_cast<int>(std::bit_width(span)) - 16);
    // The rank order is ascending in `bucket` either way.
    auto bucket = [&](const SortKey& k) {
      uint64_t v = k.*part - lo;
      return static_cast<size_t>((descending ? span - v : v) >> shift);
    };
    std::vector<uint32_t> counts((span >> shift) + 1);
    for (const SortKey& k : keys) ++counts[bucket(k)];
    size_t first = 0;
    int64_t before = 0;
    while (before + counts[first] <= begin) before += counts[first++];
    size_t last = first;
    for (int64_t through = before + counts[first]; through < end;) through += counts[++last];
    std::erase_if(keys, [&](const SortKey& k) {
      size_t b = bucket(k);
      return b < first || b > last;
    });
    begin -= before;
    end -= before;
    dropped += before;
    if (first == last && shift == 0) continue;  // one value left: the next part decides
    if (before == 0 && keys.size() == static_cast<size_t>(std::accumulate(
                                          counts.begin(), counts.end(), int64_t{0})))
      break;  // nothing dropped: the window spans the keys
  }
  return dropped;
}

}  // namespace

// The slots at [skip, skip + q.limit) of `slots` ordered by q.sort.
// `one_group`: every slot has the same sort key (an enumeration's group),
// so only the ids order them — and only the ids are read.
std::vector<Slot> ColumnIndex::TopK(const std::vector<Slot>& slots, const Query& q, int64_t skip,
                                    bool one_group) const {
  std::vector<SortKey> keys(slots.size());
  for (size_t i = 0; i < slots.size(); ++i) keys[i] = KeyOf(slots[i], q.sort, q.now, one_group);
  bool strings = q.sort.of != SortBy::Class::kNumber;
  auto ordered = [&](const SortKey& a, const SortKey& b) {
    return q.descending ? Less(b, a, q.sort) : Less(a, b, q.sort);
  };
  int64_t n = static_cast<int64_t>(keys.size());
  int64_t begin = std::min(skip, n);
  int64_t end = begin + std::min(q.limit, n - begin);
  if (begin >= end) return {};
  int64_t dropped = NarrowByBuckets(keys, begin, end, strings && !one_group, q.descending);
  if (dropped > 0) Count(kRadix);
  begin -= dropped;
  end -= dropped;
  if (begin > 0) std::nth_element(keys.begin(), keys.begin() + begin, keys.end(), ordered);
  std::partial_sort(keys.begin() + begin, keys.begin() + end, keys.end(), ordered);
  std::vector<Slot> page;
  for (int64_t i = begin; i < end; ++i) page.push_back(keys[static_cast<size_t>(i)].slot);
  return page;
}

// ==== Kept sort orders (index/slot_order.h) =================================

bool ColumnIndex::Keepable(SortBy sort) const {
  if (sort.of == SortBy::Class::kFoldedString)
    return sort.field != kNoField && sort.field == schema_.search();
  if (sort.of == SortBy::Class::kString) return schema_.strings()[sort.field].sort;
  const NumberField& f = schema_.numbers()[sort.field];
  return f.sort && !f.compute;  // a computed key changes with the clock
}

size_t ColumnIndex::OrderIndex(SortBy sort) const {
  size_t strings = schema_.strings().size();
  switch (sort.of) {
    case SortBy::Class::kString:
      return sort.field;
    case SortBy::Class::kNumber:
      return strings + sort.field;
    case SortBy::Class::kFoldedString:
      break;
  }
  return strings + schema_.numbers().size();
}

SortBy ColumnIndex::SortOfOrder(size_t index) const {
  size_t strings = schema_.strings().size();
  if (index < strings) return SortBy::String(static_cast<FieldId>(index));
  if (index < strings + schema_.numbers().size())
    return SortBy::Number(static_cast<FieldId>(index - strings));
  return SortBy::Folded(schema_.search());
}

// The slot is new, or a ghost that now holds a prior version.
void ColumnIndex::Reorder(Slot slot) {
  for (size_t i = 0; i < orders_.size(); ++i) {
    if (orders_[i]) orders_[i]->Place(slot, SlotLess{this, SortOfOrder(i)});
  }
}

// The slot is gone: deleted, or a ghost freed.
void ColumnIndex::Unorder(Slot slot) {
  for (auto& order : orders_) {
    if (order) order->Remove(slot);
  }
}

// The kept orders in which the slot's new version sorts elsewhere than its
// current one; the others need not hear of the change.
std::vector<size_t> ColumnIndex::OrdersMovedBy(Slot slot, const Draft& draft) const {
  const Entry& entry = *draft.entry;
  std::vector<size_t> moved;
  bool same_id = PublicId(slot) == entry.public_id;
  for (size_t i = 0; i < orders_.size(); ++i) {
    if (!orders_[i]) continue;
    SortBy sort = SortOfOrder(i);
    bool same = same_id;
    if (sort.of == SortBy::Class::kString) {
      same = same && StringAt(slot, sort.field) == entry.strings[sort.field];
    } else if (sort.of == SortBy::Class::kFoldedString) {
      std::string_view folded =
          draft.folded_search.empty() ? entry.strings[sort.field] : draft.folded_search;
      same = same && FoldedSearch(slot) == folded;
    } else {
      same = same && Stored(slot, sort.field) == entry.numbers[sort.field];
    }
    if (!same) moved.push_back(i);
  }
  return moved;
}

// The slots whose folded search field starts with `text` (kPrefix) or is
// `text` (kTerm): a range of the name order, found by binary search, so
// the cost follows the matches, not the rows. The order is built here if
// PrepareSortOrders has not yet built it.
const SlotOrder& ColumnIndex::KeptOrder(SortBy sort) const {
  std::lock_guard lock(orders_mu_);
  std::unique_ptr<SlotOrder>& kept = orders_[OrderIndex(sort)];
  if (!kept) kept = BuildOrder(sort);
  return *kept;
}

// Few are sorted; many by a radix sort (two passes of 16 bits; ghosts, high
// bit set, come last), then added as runs: a quarter of a million slots in
// about a millisecond, where std::sort took several.
Roaring ColumnIndex::SlotsOf(std::vector<Slot> slots) {
  constexpr size_t kRadixFrom = 16384;
  if (slots.size() < kRadixFrom) {
    std::sort(slots.begin(), slots.end());
  } else {
    std::vector<Slot> scratch(slots.size());
    std::vector<size_t> counts(size_t{1} << 16);
    for (int shift : {0, 16}) {
      std::fill(counts.begin(), counts.end(), 0);
      for (Slot s : slots) ++counts[(s >> shift) & 0xffff];
      size_t at = 0;
      for (size_t& c : counts) at += std::exchange(c, at);
      for (Slot s : slots) scratch[counts[(s >> shift) & 0xffff]++] = s;
      slots.swap(scratch);
    }
  }
  Roaring out;
  out.addMany(slots.size(), slots.data());
  return out;
}

Roaring ColumnIndex::NamesMatching(NameMatch mode, const std::string& text) const {
  const SlotOrder* order = &KeptOrder(SortBy::Folded(schema_.search()));
  auto below = [&](Slot s) { return FoldedSearch(s) < text; };
  std::vector<Slot> slots;
  if (mode == NameMatch::kPrefix) {
    // Every name starting with `text` sorts before text + 0xFF: no UTF-8 byte is 0xFF.
    std::string end = text + '\xff';
    slots = order->Between(below, [&](Slot s) { return FoldedSearch(s) < end; });
  } else {
    slots = order->Between(below, [&](Slot s) { return FoldedSearch(s) <= text; });
  }
  return SlotsOf(std::move(slots));
}

// A kept order to page `hits` by, if walking it to the page beats sorting
// the hits; built on first use, then kept current by every write.
const SlotOrder* ColumnIndex::OrderFor(const Roaring& hits, const Query& q) const {
  if (!Keepable(q.sort)) return nullptr;
  uint64_t count = hits.cardinality();
  if (count < kOrderFrom) return nullptr;
  std::lock_guard lock(orders_mu_);
  std::unique_ptr<SlotOrder>& order = orders_[OrderIndex(q.sort)];
  uint64_t size = order ? order->size() : live_.cardinality();
  // A walk step is a bit test; sorting costs a key per hit, ~10 steps' worth.
  // A page reaching past the last hit walks no further than it.
  uint64_t end = std::min(static_cast<uint64_t>(q.offset) + static_cast<uint64_t>(q.limit), count);
  if (SlotOrder::WalkLength(size, count, end) > 8 * count) return nullptr;
  if (!order) order = BuildOrder(q.sort);
  return order.get();
}

size_t ColumnIndex::PrepareSortOrders() {
  size_t built = 0;
  // The names' order first (the last index): name searches and unique-name
  // checks on create use it, sorts only when a page asks.
  for (size_t n = 0; n < orders_.size(); ++n) {
    size_t i = (n + orders_.size() - 1) % orders_.size();
    SortBy sort = SortOfOrder(i);
    if (!Keepable(sort)) continue;
    std::shared_lock lock(mu_);
    std::lock_guard orders(orders_mu_);
    if (orders_[i]) continue;
    orders_[i] = BuildOrder(sort);
    ++built;
  }
  return built;
}

// Every live slot, and every ghost still in the history, in `sort` order.
std::unique_ptr<SlotOrder> ColumnIndex::BuildOrder(SortBy sort) const {
  Roaring all = live_;
  for (const Change& change : history_) {
    if (change.ghost != kNoSlot) all.add(change.ghost);
  }
  std::vector<SortKey> keys;
  keys.reserve(all.cardinality());
  for (Slot s : all) keys.push_back(KeyOf(s, sort, 0));
  std::sort(keys.begin(), keys.end(),
            [&](const SortKey& a, const SortKey& b) { return Less(a, b, sort); });
  std::vector<Slot> sorted(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) sorted[i] = keys[i].slot;
  return std::make_unique<SlotOrder>(std::move(sorted));
}

}  // namespace drover::index::column
