#include "index/vector_index.h"

#include <gtest/gtest.h>

#include <random>

namespace drover::index {
namespace {

using Place = VectorIndex::Place;

std::vector<uint64_t> Numbers(const std::vector<VectorIndex::Hit>& hits) {
  std::vector<uint64_t> out;
  for (const auto& h : hits) out.push_back(h.number);
  return out;
}

TEST(VectorIndex, TheMostSimilarFirstAboveTheThresholdWithinTheirPlace) {
  VectorIndex index;
  Place v1{7, "v1"}, v2{7, "v2"};
  index.Put(1, v1, std::vector<float>{1, 0, 0});
  index.Put(2, v1, std::vector<float>{1, 1, 0});
  index.Put(3, v1, std::vector<float>{0, 0, 5});
  index.Put(4, v2, std::vector<float>{1, 0, 0});  // another version
  index.Put(5, v1, std::vector<float>{1, 0});     // another vector size: another model
  auto hits = index.Search(v1, std::vector<float>{2, 0, 0}, 10, -2);
  EXPECT_EQ(Numbers(hits), (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_NEAR(hits[0].score, 1.0, 1e-6);
  EXPECT_NEAR(hits[1].score, 0.70710678, 1e-6);
  EXPECT_NEAR(hits[2].score, 0.0, 1e-6);
  EXPECT_EQ(Numbers(index.Search(v1, std::vector<float>{1, 0, 0}, 1, -2)),
            std::vector<uint64_t>{1});
  EXPECT_EQ(Numbers(index.Search(v1, std::vector<float>{1, 0, 0}, 10, 0.5)),
            (std::vector<uint64_t>{1, 2}));
  std::vector<uint64_t> among = {2, 3};
  EXPECT_EQ(Numbers(index.Search(v1, std::vector<float>{1, 0, 0}, 1, -2, &among)),
            std::vector<uint64_t>{2});
  EXPECT_TRUE(index.Search({8, "v1"}, std::vector<float>{1, 0, 0}, 10, -2).empty());
  EXPECT_TRUE(index.Search(v1, std::vector<float>{0, 0, 0}, 10, -2).empty());
  EXPECT_EQ(index.Size(), 5u);
}

TEST(VectorIndex, PutMovesAndEraseRemovesKeepingTheOtherRows) {
  VectorIndex index;
  Place p{1, "v1"};
  for (uint64_t n = 1; n <= 5; ++n) index.Put(n, p, std::vector<float>{static_cast<float>(n), 1});
  index.Erase(2);                                     // a middle row: the last takes its place
  index.Put(4, p, std::vector<float>{-1, 0});         // moved within its place
  index.Put(5, {1, "v2"}, std::vector<float>{1, 1});  // moved to another place
  index.Put(3, p, std::vector<float>{0, 0});          // a zero vector erases
  index.Erase(99);                                    // unknown: nothing
  EXPECT_EQ(index.Size(), 3u);
  EXPECT_EQ(Numbers(index.Search(p, std::vector<float>{1, 0}, 10, -2)),
            (std::vector<uint64_t>{1, 4}));
  EXPECT_EQ(Numbers(index.Search({1, "v2"}, std::vector<float>{1, 1}, 10, -2)),
            std::vector<uint64_t>{5});
}

TEST(VectorIndex, AgreesWithAPlainScanOnRandomVectors) {
  std::mt19937 random(42);
  std::normal_distribution<float> normal;
  VectorIndex index;
  Place p{1, "v1"};
  std::vector<std::vector<float>> rows(2000, std::vector<float>(37));
  for (size_t i = 0; i < rows.size(); ++i) {
    for (float& x : rows[i]) x = normal(random);
    index.Put(i + 1, p, rows[i]);
  }
  std::vector<float> query(37);
  for (float& x : query) x = normal(random);
  auto cosine = [&](const std::vector<float>& a) {
    double dot = 0, na = 0, nb = 0;
    for (size_t i = 0; i < a.size(); ++i) {
      dot += a[i] * query[i];
      na += a[i] * a[i];
      nb += query[i] * query[i];
    }
    return dot / std::sqrt(na * nb);
  };
  std::vector<std::pair<double, uint64_t>> expected;
  for (size_t i = 0; i < rows.size(); ++i) expected.push_back({-cosine(rows[i]), i + 1});
  std::sort(expected.begin(), expected.end());
  auto hits = index.Search(p, query, 10, -2);
  ASSERT_EQ(hits.size(), 10u);
  for (size_t i = 0; i < 10; ++i) {
    EXPECT_EQ(hits[i].number, expected[i].second) << i;
    EXPECT_NEAR(hits[i].score, -expected[i].first, 1e-5);
  }
}

TEST(VectorIndex, ALargeGroupScannedOnTwoThreadsGivesTheExactTopK) {
  std::mt19937 random(7);
  std::normal_distribution<float> normal;
  VectorIndex index;
  Place p{1, "v1"};
  constexpr size_t kRows = 70000, kDims = 24;  // over the two-thread threshold
  std::vector<float> all(kRows * kDims);
  for (float& x : all) x = normal(random);
  for (size_t i = 0; i < kRows; ++i) {
    index.Put(i + 1, p, std::span<const float>(&all[i * kDims], kDims));
  }
  std::vector<float> query(kDims);
  for (float& x : query) x = normal(random);
  std::vector<std::pair<double, uint64_t>> expected;
  double qn = 0;
  for (float x : query) qn += x * x;
  for (size_t i = 0; i < kRows; ++i) {
    double dot = 0, n = 0;
    for (size_t d = 0; d < kDims; ++d) {
      dot += all[i * kDims + d] * query[d];
      n += all[i * kDims + d] * all[i * kDims + d];
    }
    expected.push_back({-dot / std::sqrt(n * qn), i + 1});
  }
  std::sort(expected.begin(), expected.end());
  auto hits = index.Search(p, query, 25, -2);
  ASSERT_EQ(hits.size(), 25u);
  for (size_t i = 0; i < hits.size(); ++i) EXPECT_EQ(hits[i].number, expected[i].second) << i;
  // Among a chosen few (the odd numbers), still exact.
  std::vector<uint64_t> odd;
  for (uint64_t n = 1; n <= kRows; n += 2) odd.push_back(n);
  auto among = index.Search(p, query, 5, -2, &odd);
  std::vector<uint64_t> want;
  for (const auto& [score, number] : expected) {
    if (number % 2 == 1 && want.size() < 5) want.push_back(number);
  }
  EXPECT_EQ(Numbers(among), want);
}

TEST(VectorIndex, VectorsRoundTripThroughTheirStoredForm) {
  std::vector<float> v = {0.5f, -1.25f, 3.0e-8f, 1e30f, 0.0f};
  EXPECT_EQ(DecodeVector(EncodeVector(v)), v);
  std::vector<float> one = {0.1f};
  EXPECT_EQ(DecodeVector(EncodeVector(one)), one);
  EXPECT_TRUE(DecodeVector("").empty());
  EXPECT_TRUE(DecodeVector("not base64!").empty());
  EXPECT_TRUE(DecodeVector("AAA=").empty());  // 2 bytes: not a whole float
}

}  // namespace
}  // namespace drover::index
