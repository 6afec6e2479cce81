#include "index/dictionary.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

namespace drover::index {
namespace {

// Against a std::map: ids are dense, in first-seen order, stable through
// growth; absent values are not found.
TEST(Dictionary, InternsAndFindsLikeAMap) {
  std::mt19937 rng(5);
  const std::vector<std::string> pieces = {
      "", "a", "job-", "训练", "0123456789", std::string(1, '\0'), "Z"};
  Dictionary dict;
  std::map<std::string, Dictionary::Id> want;
  for (int i = 0; i < 50000; ++i) {
    std::string value;
    for (int n = static_cast<int>(rng() % 6); n > 0; --n) value += pieces[rng() % pieces.size()];
    if (rng() % 4 == 0) value += std::to_string(rng() % 20000);
    auto [it, added] = want.emplace(value, static_cast<Dictionary::Id>(want.size()));
    ASSERT_EQ(dict.Intern(value), it->second) << value;
    if (rng() % 8 == 0) {
      std::string absent = value + "#absent";
      EXPECT_EQ(dict.Find(absent), want.contains(absent) ? want[absent] : Dictionary::kNone);
    }
  }
  ASSERT_EQ(dict.size(), want.size());
  for (const auto& [value, id] : want) {
    EXPECT_EQ(dict.Find(value), id);
    EXPECT_EQ(dict.Value(id), value);
  }
  EXPECT_EQ(Dictionary().Find("x"), Dictionary::kNone);
}

TEST(Dictionary, HashesTheWholeValue) {
  // Values differing only in one byte, anywhere, or only in length.
  std::string base(40, 'x');
  std::set<uint32_t> hashes;
  for (size_t i = 0; i < base.size(); ++i) {
    std::string v = base;
    v[i] = 'y';
    hashes.insert(Dictionary::Hash(v));
    hashes.insert(Dictionary::Hash(base.substr(0, i)));
  }
  EXPECT_EQ(hashes.size(), 2 * base.size());
  EXPECT_NE(Dictionary::Hash(std::string_view("a\0", 2)), Dictionary::Hash("a"));
}

}  // namespace
}  // namespace drover::index
