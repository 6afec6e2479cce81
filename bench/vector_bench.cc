// VECTOR top-10 over many SemanticIndex vectors (not a test): the
// catalogue's vector index (int8 codes scanned on two threads, then exact
// re-ranking) beside the baseline measured in the same run, a plain scan
// of the float rows on one thread — what answers without the codes.
//
//   build/drover_vector_bench [ROWS=1000000] [DIMS=384] [QUERIES=20]
//
// Vectors and queries are random normal (a model's embeddings are less
// spread, which only helps the estimate). Also checks that both give the
// same top 10 for every query.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "index/vector_index.h"

using drover::index::VectorIndex;

int main(int argc, char** argv) {
  size_t rows = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1'000'000;
  size_t dims = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 384;
  size_t queries = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 20;
  std::mt19937 random(1);
  std::normal_distribution<float> normal;
  VectorIndex index;
  std::vector<float> plain(rows * dims);  // the baseline's rows, normalized
  std::vector<float> v(dims);
  for (size_t r = 0; r < rows; ++r) {
    double norm = 0;
    for (float& x : v) {
      x = normal(random);
      norm += x * x;
    }
    index.Put(r + 1, {1, "v1"}, v);
    for (size_t d = 0; d < dims; ++d)
      plain[r * dims + d] = static_cast<float>(v[d] / std::sqrt(norm));
  }
  std::vector<double> ours, baseline;
  size_t agree = 0;
  for (size_t q = 0; q < queries; ++q) {
    for (float& x : v) x = normal(random);
    auto t0 = std::chrono::steady_clock::now();
    auto hits = index.Search({1, "v1"}, v, 10, -2);
    auto t1 = std::chrono::steady_clock::now();
    // Baseline: every float row, one thread, a heap of 10.
    double norm = 0;
    for (float x : v) norm += x * x;
    std::vector<float> unit(dims);
    for (size_t d = 0; d < dims; ++d) unit[d] = static_cast<float>(v[d] / std::sqrt(norm));
    std::vector<std::pair<float, uint64_t>> best;
    for (size_t r = 0; r < rows; ++r) {
      float s[8] = {};
      const float* row = &plain[r * dims];
      size_t d = 0;
      for (; d + 8 <= dims; d += 8) {
        for (size_t j = 0; j < 8; ++j) s[j] += row[d + j] * unit[d + j];
      }
      float score = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
      for (; d < dims; ++d) score += row[d] * unit[d];
      if (best.size() < 10 || score > best.front().first) {
        best.push_back({score, r + 1});
        std::push_heap(best.begin(), best.end(), std::greater<>());
        if (best.size() > 10) {
          std::pop_heap(best.begin(), best.end(), std::greater<>());
          best.pop_back();
        }
      }
    }
    auto t2 = std::chrono::steady_clock::now();
    std::sort(best.begin(), best.end(), std::greater<>());
    bool same = hits.size() == best.size();
    for (size_t i = 0; same && i < hits.size(); ++i) same = hits[i].number == best[i].second;
    agree += same;
    ours.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    baseline.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
  }
  auto pct = [](std::vector<double> xs, double p) {
    std::sort(xs.begin(), xs.end());
    return xs[std::min(xs.size() - 1, static_cast<size_t>(p * static_cast<double>(xs.size())))];
  };
  std::printf("VECTOR top-10 over %zu vectors of %zu dims, %zu queries\n", rows, dims, queries);
  std::printf("  vector index (int8 codes, 2 threads, exact re-rank)  p50 %.1f ms  p99 %.1f ms\n",
              pct(ours, 0.5), pct(ours, 0.99));
  std::printf("  baseline: plain float scan, 1 thread                p50 %.1f ms  p99 %.1f ms\n",
              pct(baseline, 0.5), pct(baseline, 0.99));
  std::printf(
      "  ratio %.1fx; same top 10 as the baseline in %zu of %zu queries (target p99 <= 20 ms)\n",
      pct(baseline, 0.5) / pct(ours, 0.5), agree, queries);
  return agree == queries ? 0 : 1;
}
