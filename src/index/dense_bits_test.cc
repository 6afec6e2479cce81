#include "index/dense_bits.h"

#include <gtest/gtest.h>

#include <random>

namespace drover::index {
namespace {

// Every kind of container (array, bitset, run, and a copy-on-write shared
// one), runs crossing word edges, values in the ghost range: the bitset
// holds exactly the bitmap's low values minus those taken out.
TEST(DenseBits, HoldsExactlyTheBitmapsLowValuesMinusTheOthers) {
  std::mt19937 rng(7);
  Roaring in;
  for (int i = 0; i < 300; ++i) in.add(rng() % 65536);                 // array container
  for (uint32_t v = 65536; v < 131072; v += 1 + rng() % 3) in.add(v);  // bitset container
  in.addRange(131072 + 5, 131072 + 70);  // runs in one word and across
  in.addRange(131072 + 200, 131072 + 40000);
  in.add(DenseBits::kMaxSlot + 3);  // ghost range: left out
  in.runOptimize();
  Roaring copy;
  copy.setCopyOnWrite(true);
  in.setCopyOnWrite(true);
  copy = in;  // its containers are shared with `in`
  Roaring out;
  for (int i = 0; i < 500; ++i) out.add(rng() % 180000);

  for (const Roaring* bitmap : {&in, &copy}) {
    DenseBits bits(*bitmap, out);
    ASSERT_EQ(bits.size(), uint64_t{131072 + 40000});  // the last low value + 1
    for (uint32_t v = 0; v < bits.size(); ++v) {
      ASSERT_EQ(bits.Test(v), bitmap->contains(v) && !out.contains(v)) << v;
    }
  }
  EXPECT_EQ(DenseBits(Roaring(), out).size(), 0u);
}

}  // namespace
}  // namespace drover::index
