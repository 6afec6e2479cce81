// The stored forms of datasets and their versions (store/document.h): a
// compact JSON document each, with stable short keys. Add fields with a
// new key; never reuse a key.
#pragma once

#include <string>
#include <string_view>

#include "core/dataset.h"
#include "store/codec.h"

namespace drover::store {

std::string EncodeDataset(const core::Dataset& dataset);
core::Dataset DecodeDataset(std::string_view document);  // throws core::Error(kInternal)
std::string EncodeDatasetVersion(const core::DatasetVersion& version);
core::DatasetVersion DecodeDatasetVersion(std::string_view document);

template <>
struct Codec<core::Dataset> {
  static constexpr const RecordKind& kKind = kDataset;
  static uint64_t Number(const core::Dataset& d) { return d.id; }
  static std::string_view PublicId(const core::Dataset& d) { return d.public_id; }
  static std::string Encode(const core::Dataset& d) { return EncodeDataset(d); }
  static core::Dataset Decode(std::string_view doc) { return DecodeDataset(doc); }
};

template <>
struct Codec<core::DatasetVersion> {
  static constexpr const RecordKind& kKind = kDatasetVersion;
  static uint64_t Number(const core::DatasetVersion& v) { return v.id; }
  static std::string_view PublicId(const core::DatasetVersion& v) { return v.public_id; }
  static std::string Encode(const core::DatasetVersion& v) { return EncodeDatasetVersion(v); }
  static core::DatasetVersion Decode(std::string_view doc) { return DecodeDatasetVersion(doc); }
};

}  // namespace drover::store
