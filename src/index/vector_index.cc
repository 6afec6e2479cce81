#include "index/vector_index.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <mutex>
#include <queue>
#include <thread>

#include "core/base64.h"

namespace drover::index {

namespace {

// Groups smaller than this are scanned on one thread.
constexpr size_t kParallelRows = 65536;

// An integer dot product of codes, vectorized for AVX2 where the CPU has it
// (the loader picks the clone), else SSE2.
__attribute__((target_clones("avx2", "default"))) int32_t Dot8(const int8_t* a, const int8_t* b,
                                                               size_t n) {
  int32_t sum = 0;
  for (size_t i = 0; i < n; ++i) sum += int32_t{a[i]} * int32_t{b[i]};
  return sum;
}

// A unit vector's codes, and their scale.
float Quantize(std::span<const float> unit, int8_t* codes) {
  float most = 0;
  for (float x : unit) most = std::max(most, std::fabs(x));
  float scale = most > 0 ? most / 127 : 1;
  for (size_t i = 0; i < unit.size(); ++i) {
    codes[i] = static_cast<int8_t>(std::lround(unit[i] / scale));
  }
  return scale;
}

// Eight running sums, so the compiler keeps them in vector registers
// (floats are not reassociated for it otherwise).
float Dot(const float* a, const float* b, size_t n) {
  float s[8] = {};
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (size_t j = 0; j < 8; ++j) s[j] += a[i + j] * b[i + j];
  }
  float sum = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
  for (; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

std::vector<float> Normalized(std::span<const float> v) {
  double norm = 0;
  for (float x : v) norm += static_cast<double>(x) * x;
  norm = std::sqrt(norm);
  if (norm == 0 || !std::isfinite(norm)) return {};
  std::vector<float> out(v.begin(), v.end());
  for (float& x : out) x = static_cast<float>(x / norm);
  return out;
}

}  // namespace

void VectorIndex::Put(uint64_t number, const Place& place, std::span<const float> vector) {
  std::vector<float> unit = Normalized(vector);
  std::unique_lock lock(mu_);
  EraseLocked(number);
  if (unit.empty()) return;
  Key key{place, unit.size()};
  Rows& rows = groups_[key];
  rows.dims = unit.size();
  rows.values.insert(rows.values.end(), unit.begin(), unit.end());
  rows.codes.resize(rows.codes.size() + unit.size());
  rows.scales.push_back(Quantize(unit, &rows.codes[rows.codes.size() - unit.size()]));
  rows.numbers.push_back(number);
  where_.insert_or_assign(number, Where{std::move(key), rows.numbers.size() - 1});
}

void VectorIndex::Erase(uint64_t number) {
  std::unique_lock lock(mu_);
  EraseLocked(number);
}

void VectorIndex::EraseLocked(uint64_t number) {
  auto it = where_.find(number);
  if (it == where_.end()) return;
  auto group = groups_.find(it->second.key);
  Rows& rows = group->second;
  size_t row = it->second.row;
  size_t last = rows.numbers.size() - 1;
  if (row != last) {  // the last row takes its place
    std::memcpy(&rows.values[row * rows.dims], &rows.values[last * rows.dims],
                rows.dims * sizeof(float));
    std::memcpy(&rows.codes[row * rows.dims], &rows.codes[last * rows.dims], rows.dims);
    rows.scales[row] = rows.scales[last];
    rows.numbers[row] = rows.numbers[last];
    where_.at(rows.numbers[row]).row = row;
  }
  rows.values.resize(last * rows.dims);
  rows.codes.resize(last * rows.dims);
  rows.scales.pop_back();
  rows.numbers.pop_back();
  where_.erase(it);
  if (rows.numbers.empty()) groups_.erase(group);
}

std::vector<VectorIndex::Hit> VectorIndex::Search(const Place& place, std::span<const float> query,
                                                  size_t k, float threshold,
                                                  const std::vector<uint64_t>* among) const {
  std::vector<float> unit = Normalized(query);
  if (unit.empty() || k == 0) return {};
  std::vector<int8_t> query_codes(unit.size());
  float query_scale = Quantize(unit, query_codes.data());
  std::shared_lock lock(mu_);
  auto group = groups_.find(Key{place, unit.size()});
  if (group == groups_.end()) return {};
  const Rows& rows = group->second;
  const size_t dims = rows.dims;
  // The candidates: the best by the codes' estimate. An estimate is off by
  // well under 0.05 (int8 codes of unit vectors); a row that cannot reach
  // the threshold even so is not a candidate.
  const size_t wanted = 4 * k + 32;
  const float floor = threshold - 0.05f;
  struct Estimate {
    float score;
    uint32_t row;
  };
  auto worse = [](const Estimate& a, const Estimate& b) { return a.score > b.score; };
  auto scan = [&](size_t from, size_t to) {
    std::priority_queue<Estimate, std::vector<Estimate>, decltype(worse)> best(worse);
    const int8_t* code = rows.codes.data() + from * dims;
    for (size_t r = from; r < to; ++r, code += dims) {
      float estimate =
          static_cast<float>(Dot8(code, query_codes.data(), dims)) * rows.scales[r] * query_scale;
      if (!(estimate > floor)) continue;
      if (best.size() == wanted && !(estimate > best.top().score)) continue;
      if (among && !std::binary_search(among->begin(), among->end(), rows.numbers[r])) continue;
      best.push(Estimate{estimate, static_cast<uint32_t>(r)});
      if (best.size() > wanted) best.pop();
    }
    std::vector<Estimate> out;
    for (; !best.empty(); best.pop()) out.push_back(best.top());
    return out;
  };
  size_t count = rows.numbers.size();
  std::vector<Estimate> candidates;
  if (count < kParallelRows) {
    candidates = scan(0, count);
  } else {
    std::vector<Estimate> second;
    std::thread helper([&] { second = scan(count / 2, count); });
    candidates = scan(0, count / 2);
    helper.join();
    candidates.insert(candidates.end(), second.begin(), second.end());
  }
  // Exact scores for the candidates, then the best k above the threshold.
  std::vector<Hit> hits;
  for (const Estimate& c : candidates) {
    float score = Dot(&rows.values[static_cast<size_t>(c.row) * dims], unit.data(), dims);
    if (score > threshold) hits.push_back(Hit{rows.numbers[c.row], score});
  }
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    return a.score != b.score ? a.score > b.score : a.number < b.number;
  });
  if (hits.size() > k) hits.resize(k);
  return hits;
}

size_t VectorIndex::Size() const {
  std::shared_lock lock(mu_);
  return where_.size();
}

std::string EncodeVector(std::span<const float> vector) {
  std::string bytes(vector.size() * sizeof(float), '\0');
  for (size_t i = 0; i < vector.size(); ++i) {
    uint32_t bits;
    std::memcpy(&bits, &vector[i], sizeof bits);
    for (size_t b = 0; b < 4; ++b) bytes[i * 4 + b] = static_cast<char>((bits >> (8 * b)) & 0xff);
  }
  return core::Base64Encode(bytes);
}

std::vector<float> DecodeVector(std::string_view text) {
  std::optional<std::string> decoded = core::Base64Decode(text);
  if (!decoded || decoded->empty() || decoded->size() % 4 != 0) return {};
  const std::string& bytes = *decoded;
  size_t size = bytes.size();
  std::vector<float> out(size / 4);
  for (size_t i = 0; i < out.size(); ++i) {
    uint32_t bits = 0;
    for (size_t b = 0; b < 4; ++b) {
      bits |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[i * 4 + b])) << (8 * b);
    }
    std::memcpy(&out[i], &bits, sizeof bits);
  }
  return out;
}

}  // namespace drover::index
