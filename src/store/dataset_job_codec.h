// The stored forms of dataset jobs, their configs and the file catalogue
// (store/document.h). Add fields with a new key; never reuse a key.
#pragma once

#include <string>
#include <string_view>

#include "core/dataset_job.h"
#include "store/codec.h"

namespace drover::store {

std::string EncodeDatasetJob(const core::DatasetJob& job);
core::DatasetJob DecodeDatasetJob(std::string_view document);  // throws core::Error(kInternal)
std::string EncodeDatasetJobConfig(const core::DatasetJobConfig& config);
core::DatasetJobConfig DecodeDatasetJobConfig(std::string_view document);
std::string EncodeDatasetFile(const core::DatasetFile& file);
core::DatasetFile DecodeDatasetFile(std::string_view document);

template <>
struct Codec<core::DatasetJob> {
  static constexpr const RecordKind& kKind = kDatasetJob;
  static uint64_t Number(const core::DatasetJob& j) { return j.id; }
  static std::string_view PublicId(const core::DatasetJob& j) { return j.public_id; }
  static std::string Encode(const core::DatasetJob& j) { return EncodeDatasetJob(j); }
  static core::DatasetJob Decode(std::string_view doc) { return DecodeDatasetJob(doc); }
};

template <>
struct Codec<core::DatasetJobConfig> {
  static constexpr const RecordKind& kKind = kDatasetJobConfig;
  static uint64_t Number(const core::DatasetJobConfig& c) { return c.id; }
  static std::string_view PublicId(const core::DatasetJobConfig& c) { return c.public_id; }
  static std::string Encode(const core::DatasetJobConfig& c) { return EncodeDatasetJobConfig(c); }
  static core::DatasetJobConfig Decode(std::string_view doc) { return DecodeDatasetJobConfig(doc); }
};

template <>
struct Codec<core::DatasetFile> {
  static constexpr const RecordKind& kKind = kDatasetFile;
  static uint64_t Number(const core::DatasetFile& f) { return f.id; }
  static std::string_view PublicId(const core::DatasetFile& f) { return f.public_id; }
  static std::string Encode(const core::DatasetFile& f) { return EncodeDatasetFile(f); }
  static core::DatasetFile Decode(std::string_view doc) { return DecodeDatasetFile(doc); }
};

}  // namespace drover::store
