#include "index/slots_by_key.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>

namespace drover::index {
namespace {

// Against a std::map, with few distinct keys and many slots coming and
// going, so probe runs are long and deletions must mend them.
TEST(SlotsByKey, FindsWhatAMapWouldThroughInsertsReplacementsAndErases) {
  std::mt19937 rng(3);
  std::vector<std::string> key_of_slot(5000);
  auto key_of = [&](uint32_t slot) -> std::string_view { return key_of_slot[slot]; };
  SlotsByKey table;
  table.Reserve(10, key_of);  // and grown past it
  std::map<std::string, uint32_t> want;
  for (int step = 0; step < 40000; ++step) {
    auto slot = static_cast<uint32_t>(rng() % key_of_slot.size());
    std::string key = "job-" + std::to_string(rng() % 3000);
    if (rng() % 3 != 0) {
      if (!key_of_slot[slot].empty()) continue;  // in use: its key must not change
      key_of_slot[slot] = key;
      table.Insert(slot, key_of);
      if (auto it = want.find(key); it != want.end()) key_of_slot[it->second].clear();  // replaced
      want[key] = slot;
    } else if (!key_of_slot[slot].empty()) {
      auto it = want.find(key_of_slot[slot]);
      ASSERT_TRUE(it != want.end() && it->second == slot);
      table.Erase(slot, key_of);
      want.erase(it);
      key_of_slot[slot].clear();
    }
    if (step % 97 == 0) {
      for (int k = 0; k < 3000; ++k) {
        std::string probe = "job-" + std::to_string(k);
        auto it = want.find(probe);
        ASSERT_EQ(table.Find(probe, key_of), it == want.end() ? SlotsByKey::kNone : it->second)
            << probe << " at step " << step;
      }
    }
  }
}

}  // namespace
}  // namespace drover::index
