// SlotOrder against a full sort: random keys with many ties, random moves,
// removals and ghost-range slots, random candidate sets and windows; every
// page must equal the same window of the candidates sorted from scratch.

#include "index/slot_order.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace drover::index {
namespace {

using Slot = SlotOrder::Slot;

class SlotOrderTest : public ::testing::Test {
 protected:
  bool Less(Slot a, Slot b) const {
    int ka = key_.at(a), kb = key_.at(b);
    return ka != kb ? ka < kb : a < b;
  }
  auto LessFn() const {
    return [this](Slot a, Slot b) { return Less(a, b); };
  }

  // A random subset of the slots present, and a window of it.
  void ExpectPagesAsSorted(const SlotOrder& order, int queries) {
    for (int q = 0; q < queries; ++q) {
      Roaring hits;
      int percent = static_cast<int>(rng_() % 101);
      for (const auto& [slot, key] : key_) {
        if (static_cast<int>(rng_() % 100) < percent) hits.add(slot);
      }
      std::vector<Slot> want(hits.begin(), hits.end());
      bool descending = rng_() % 2;
      std::sort(want.begin(), want.end(),
                [&](Slot a, Slot b) { return descending ? Less(b, a) : Less(a, b); });
      uint64_t skip = rng_() % (want.size() + 2);
      uint64_t limit = 1 + rng_() % 60;
      std::vector<Slot> window(want.begin() + std::min<size_t>(skip, want.size()),
                               want.begin() + std::min<size_t>(skip + limit, want.size()));
      ASSERT_EQ(order.Page(hits, skip, limit, descending), window)
          << "query " << q << " of " << want.size() << " hits, skip " << skip;
    }
  }

  // Between and Outside of random key ranges split the slots present in two.
  void ExpectRangesSplitTheSlots(const SlotOrder& order, int queries) {
    for (int q = 0; q < queries; ++q) {
      int lo = static_cast<int>(rng_() % 55) - 2, hi = lo + static_cast<int>(rng_() % 55);
      auto below = [&](Slot s) { return key_.at(s) < lo; };
      auto within = [&](Slot s) { return key_.at(s) <= hi; };
      std::vector<Slot> in = order.Between(below, within), out = order.Outside(below, within);
      std::sort(in.begin(), in.end());
      std::sort(out.begin(), out.end());
      std::vector<Slot> want_in, want_out;
      for (const auto& [slot, key] : key_)
        (key >= lo && key <= hi ? want_in : want_out).push_back(slot);
      ASSERT_EQ(in, want_in) << "[" << lo << ", " << hi << "]";
      ASSERT_EQ(out, want_out) << "[" << lo << ", " << hi << "]";
      EXPECT_GE(order.CountBetween(below, within), in.size());
      EXPECT_GE(order.CountOutside(below, within), out.size());
    }
  }

  std::mt19937_64 rng_{42};
  std::map<Slot, int> key_;  // the slots present and their keys
};

TEST_F(SlotOrderTest, PagesMatchAFullSortThroughMovesRemovalsAndMerges) {
  std::vector<Slot> slots;
  for (Slot s = 0; s < 3000; ++s) {
    key_[s] = static_cast<int>(rng_() % 50);  // many equal keys: ties go by slot
    slots.push_back(s);
  }
  std::sort(slots.begin(), slots.end(), LessFn());
  SlotOrder order(std::move(slots));
  ExpectPagesAsSorted(order, 200);
  ExpectRangesSplitTheSlots(order, 50);

  // Enough changes to merge several times (the merge point is 1,024 loose
  // slots), checked between them.
  Slot next = 3000;
  const Slot kGhost = Slot{1} << 31;
  for (int round = 0; round < 6; ++round) {
    for (int i = 0; i < 700; ++i) {
      int kind = static_cast<int>(rng_() % 10);
      auto any = std::next(key_.begin(), static_cast<long>(rng_() % key_.size()));
      if (kind < 5) {  // a key changes
        any->second = static_cast<int>(rng_() % 50);
        order.Place(any->first, LessFn());
      } else if (kind < 8) {  // a new slot, some in the ghost range
        Slot s = kind == 7 ? kGhost + next++ : next++;
        key_[s] = static_cast<int>(rng_() % 50);
        order.Place(s, LessFn());
      } else {  // a slot leaves
        Slot s = any->first;
        key_.erase(any);
        order.Remove(s);
      }
    }
    ExpectPagesAsSorted(order, 100);
    ExpectRangesSplitTheSlots(order, 20);
  }
}

TEST(SlotOrder, WalkLengthScalesWithDepthAndSparsity) {
  EXPECT_EQ(SlotOrder::WalkLength(1000, 1000, 50), 50u);  // every slot a hit
  EXPECT_EQ(SlotOrder::WalkLength(1000, 100, 50), 500u);  // one in ten
  EXPECT_EQ(SlotOrder::WalkLength(1000, 0, 50), 0u);
}

}  // namespace
}  // namespace drover::index
