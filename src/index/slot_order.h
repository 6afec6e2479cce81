// SlotOrder: one sort order of the column engine's rows, kept between
// queries, so that a sorted page is a walk that stops once the page is full
// instead of a sort of every candidate (ordering 170k–1M candidates by a key
// built per query is memory-bound: ~7 ms at 1M jobs; the walk to page 2,000
// of a million is ~0.3 ms).
//
// The order holds slots ascending by a strict total order `less` on slots
// (the sort key, then the public id). A descending sort breaks ties by
// public id descending too, so it is exactly the reverse: walked backwards.
//
// Kept current without re-sorting: a write calls Place (the slot's key
// changed, or it is new) or Remove (it left). The slot's entry in the
// sorted base goes stale and the slot joins a short list of loose slots,
// each with the base position it sorts at (found by binary search, stale
// entries skipped). A walk interleaves the loose slots at their positions,
// so no query compares keys. Past kMergeAt loose slots, Place merges them
// into the base: linear, no comparisons.
//
// Slots are the engine's (live rows and ghosts alike). Threading: Place and
// Remove need exclusive access; Page only reads and may run concurrently.
#pragma once

#include <algorithm>
#include <cstdint>
#include <roaring/roaring.hh>
#include <vector>

#include "index/dense_bits.h"

namespace drover::index {

class SlotOrder {
 public:
  using Slot = uint32_t;

  // `sorted`: every slot to order, already ascending by the order's `less`.
  explicit SlotOrder(std::vector<Slot> sorted) : base_(std::move(sorted)) {}

  size_t size() const { return base_.size() + loose_.size(); }
  size_t MemoryBytes() const {
    return base_.capacity() * sizeof(Slot) + stale_.getSizeInBytes() +
           loose_.capacity() * sizeof(Loose);
  }

  // The slot is new or its key changed: it goes where `less` now puts it.
  template <class Less>
  void Place(Slot slot, Less less) {
    Remove(slot);
    Loose entry{Position(slot, less), slot};
    auto at =
        std::upper_bound(loose_.begin(), loose_.end(), entry,
                         [&](const Loose& a, const Loose& b) { return less(a.slot, b.slot); });
    loose_.insert(at, entry);
    if (loose_.size() > MergeAt()) Merge();
  }

  // The slot is gone (deleted, or its ghost freed).
  void Remove(Slot slot) {
    auto it = std::find_if(loose_.begin(), loose_.end(),
                           [slot](const Loose& l) { return l.slot == slot; });
    if (it != loose_.end()) loose_.erase(it);
    if (stale_.addChecked(slot) && ++stale_count_ > 4 * MergeAt()) Merge();
  }

  // The slots whose keys lie in a range, in no particular order: `below`
  // and `within` say of a slot whether its key is before the range's start
  // and before its end. Two binary searches of the base (stepping over
  // stale entries), the base's run between them, and the loose slots.
  template <class Below, class Within>
  std::vector<Slot> Between(Below below, Within within) const {
    uint32_t begin = LowerBound(below), end = LowerBound(within);
    std::vector<Slot> out;
    out.reserve(end > begin ? end - begin : 0);
    for (uint32_t i = begin; i < end; ++i) {
      if (!stale_.contains(base_[i])) out.push_back(base_[i]);
    }
    for (const Loose& l : loose_) {
      if (!below(l.slot) && within(l.slot)) out.push_back(l.slot);
    }
    return out;
  }

  // The slots whose keys lie outside the range: Between's complement.
  template <class Below, class Within>
  std::vector<Slot> Outside(Below below, Within within) const {
    uint32_t begin = LowerBound(below), end = std::max(begin, LowerBound(within));
    std::vector<Slot> out;
    out.reserve(begin + (base_.size() - end));
    auto take = [&](size_t from, size_t to) {
      for (size_t i = from; i < to; ++i) {
        if (!stale_.contains(base_[i])) out.push_back(base_[i]);
      }
    };
    take(0, begin);
    take(end, base_.size());
    for (const Loose& l : loose_) {
      if (below(l.slot) || !within(l.slot)) out.push_back(l.slot);
    }
    return out;
  }

  // At least as many as Outside would return (stale entries counted).
  template <class Below, class Within>
  size_t CountOutside(Below below, Within within) const {
    uint32_t begin = LowerBound(below), end = std::max(begin, LowerBound(within));
    return begin + (base_.size() - end) + loose_.size();
  }

  // At least as many as Between would return (stale entries counted).
  template <class Below, class Within>
  size_t CountBetween(Below below, Within within) const {
    uint32_t begin = LowerBound(below), end = LowerBound(within);
    return (end > begin ? end - begin : 0) + loose_.size();
  }

  // About how many entries a walk of an order of `size` slots takes to
  // reach the `end`-th of `hits` (its cardinality), were they spread evenly.
  static uint64_t WalkLength(uint64_t size, uint64_t hits, uint64_t end) {
    return hits == 0 ? 0 : end * size / hits;
  }

  // Positions [skip, skip + limit) of the slots of `hits` in this order
  // (reversed if `descending`). Every slot of `hits` must be in the order.
  std::vector<Slot> Page(const Roaring& hits, uint64_t skip, uint64_t limit,
                         bool descending) const {
    uint64_t count = hits.cardinality();
    uint64_t end = skip + limit;
    // A long walk tests membership in a dense bitset of the hits (~2 ns a
    // hit to build, ~2 ns a test); a short one asks the compressed bitmap
    // (~30 ns a test).
    DenseBits bits;
    if (WalkLength(size(), count, end) > count / 16) bits = DenseBits(hits, stale_);
    auto member = [&](Slot s) {
      if (s < bits.size()) return bits.Test(s);
      return hits.contains(s) && !stale_.contains(s);
    };
    std::vector<Slot> page;
    uint64_t rank = 0;
    auto emit = [&](Slot s) {
      if (rank >= skip) page.push_back(s);
      ++rank;
    };
    const size_t n = base_.size();
    const std::vector<uint32_t> at = LoosePositions();
    if (!descending) {
      size_t next = 0;  // loose_[next] is the next loose slot to place
      for (size_t i = 0; i <= n && rank < end; ++i) {
        for (; next < loose_.size() && at[next] == i && rank < end; ++next) {
          if (hits.contains(loose_[next].slot)) emit(loose_[next].slot);
        }
        if (i < n && rank < end && member(base_[i])) emit(base_[i]);
      }
    } else {
      size_t next = loose_.size();  // loose_[next - 1] is the next to place
      for (size_t i = n + 1; i-- > 0 && rank < end;) {
        for (; next > 0 && at[next - 1] == i && rank < end; --next) {
          if (hits.contains(loose_[next - 1].slot)) emit(loose_[next - 1].slot);
        }
        if (i > 0 && rank < end && member(base_[i - 1])) emit(base_[i - 1]);
      }
    }
    return page;
  }

 private:
  // A slot placed since the last merge, and where it sorts in base_: every
  // non-stale entry before `position` sorts before it, every one from there
  // on after it. Entries going stale later keep that true, but may leave
  // loose slots with a run of stale entries between them in either order.
  struct Loose {
    uint32_t position;
    Slot slot;
  };

  // The loose slots' positions made non-decreasing in their order: each the
  // least position of it and those after it. Still true of each (the
  // positions between are all stale entries, as the later slot's position
  // is at least where the earlier one's gap begins).
  std::vector<uint32_t> LoosePositions() const {
    std::vector<uint32_t> at(loose_.size());
    uint32_t least = static_cast<uint32_t>(base_.size());
    for (size_t k = loose_.size(); k-- > 0;) at[k] = least = std::min(least, loose_[k].position);
    return at;
  }

  size_t MergeAt() const { return std::max<size_t>(1024, base_.size() / 256); }

  // Where `slot` sorts in base_.
  template <class Less>
  uint32_t Position(Slot slot, Less less) const {
    return LowerBound([&](Slot s) { return less(s, slot); });
  }

  // The first base position whose live entry is not `before` a target:
  // binary search that steps over stale entries (their keys may have
  // changed since the base was built).
  template <class Before>
  uint32_t LowerBound(Before before) const {
    size_t lo = 0, hi = base_.size();
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      size_t live = mid;
      while (live < hi && stale_.contains(base_[live])) ++live;
      // [mid, hi) all stale constrains nothing; else the first live one decides.
      if (live < hi && before(base_[live])) {
        lo = live + 1;
      } else {
        hi = mid;
      }
    }
    return static_cast<uint32_t>(lo);
  }

  // The base without its stale entries, the loose slots merged in.
  void Merge() {
    DenseBits stale(stale_, Roaring());
    std::vector<Slot> merged;
    merged.reserve(base_.size() + loose_.size());
    const std::vector<uint32_t> at = LoosePositions();
    size_t next = 0;
    for (size_t i = 0; i <= base_.size(); ++i) {
      for (; next < loose_.size() && at[next] == i; ++next) merged.push_back(loose_[next].slot);
      if (i == base_.size()) break;
      Slot s = base_[i];
      if (!(s < stale.size() ? stale.Test(s) : stale_.contains(s))) merged.push_back(s);
    }
    base_ = std::move(merged);
    loose_.clear();
    stale_ = Roaring();
    stale_count_ = 0;
  }

  std::vector<Slot> base_;    // ascending by `less` as of the last merge
  Roaring stale_;             // base entries no longer where they belong (or gone)
  uint64_t stale_count_ = 0;  // stale_'s cardinality
  std::vector<Loose> loose_;  // ascending by `less`
};

}  // namespace drover::index
