// VectorIndex: the embeddings of catalogued files (SemanticIndex), searched
// by cosine similarity. Vectors are kept normalized, in groups — a dataset
// version and a vector size, so vectors of two models never meet — each
// row twice: as floats, and as int8 codes with a scale (a quarter of the
// bytes). A search scans the codes of every row of its group (an integer
// dot product each, over memory read in order, on two threads for large
// groups, with AVX2 where the CPU has it), keeps the best 4k + 32 by that
// estimate, and ranks those by their exact float scores: what it returns
// is exact, and only a row whose estimate falls that far behind its true
// score could be missed. Thread-safe: searches share, writes exclude.
#pragma once

#include <cstdint>
#include <map>
#include <shared_mutex>
#include <span>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace drover::index {

class VectorIndex {
 public:
  // Where a vector belongs: a dataset (its record number) and version.
  struct Place {
    uint64_t dataset = 0;
    std::string version;
    bool operator<(const Place& o) const {
      return std::tie(dataset, version) < std::tie(o.dataset, o.version);
    }
  };
  struct Hit {
    uint64_t number;  // the file's record number
    float score;      // cosine similarity, -1 to 1
  };

  // Sets record `number`'s vector (normalized here; a zero vector is
  // erased instead), moving it from wherever it was.
  void Put(uint64_t number, const Place& place, std::span<const float> vector);
  void Erase(uint64_t number);

  // The at most `k` records of `place` whose vectors (of the query's size)
  // are most similar to `query`, scoring above `threshold`, best first.
  // With `among` (sorted record numbers), only those are considered.
  std::vector<Hit> Search(const Place& place, std::span<const float> query, size_t k,
                          float threshold, const std::vector<uint64_t>* among = nullptr) const;

  size_t Size() const;

 private:
  struct Rows {
    size_t dims = 0;
    std::vector<float> values;      // rows of `dims` floats
    std::vector<int8_t> codes;      // rows of `dims` codes: value ≈ code × scale
    std::vector<float> scales;      // per row
    std::vector<uint64_t> numbers;  // the record of each row
  };
  using Key = std::pair<Place, size_t>;  // place and vector size
  struct Where {
    Key key;
    size_t row;
  };
  void EraseLocked(uint64_t number);

  mutable std::shared_mutex mu_;
  std::map<Key, Rows> groups_;
  std::unordered_map<uint64_t, Where> where_;
};

// A vector as it is stored: float32s, little-endian, in base64; and back
// (empty when `text` is not one).
std::string EncodeVector(std::span<const float> vector);
std::vector<float> DecodeVector(std::string_view text);

}  // namespace drover::index
