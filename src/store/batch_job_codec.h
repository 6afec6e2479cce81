// The stored forms of OSS batch jobs and their result chunks
// (store/document.h). Add fields with a new key; never reuse a key.
#pragma once

#include <string>
#include <string_view>

#include "core/batch_job.h"
#include "store/codec.h"

namespace drover::store {

std::string EncodeBatchJob(const core::BatchJob& job);
core::BatchJob DecodeBatchJob(std::string_view document);  // throws core::Error(kInternal)
std::string EncodeBatchChunk(const core::BatchChunk& chunk);
core::BatchChunk DecodeBatchChunk(std::string_view document);

template <>
struct Codec<core::BatchJob> {
  static constexpr const RecordKind& kKind = kBatchJob;
  static uint64_t Number(const core::BatchJob& j) { return j.id; }
  static std::string_view PublicId(const core::BatchJob& j) { return j.public_id; }
  static std::string Encode(const core::BatchJob& j) { return EncodeBatchJob(j); }
  static core::BatchJob Decode(std::string_view doc) { return DecodeBatchJob(doc); }
};

template <>
struct Codec<core::BatchChunk> {
  static constexpr const RecordKind& kKind = kBatchChunk;
  static uint64_t Number(const core::BatchChunk& c) { return c.id; }
  static std::string PublicId(const core::BatchChunk& c) {
    return std::to_string(c.job) + "/" + std::to_string(c.first);
  }
  static std::string Encode(const core::BatchChunk& c) { return EncodeBatchChunk(c); }
  static core::BatchChunk Decode(std::string_view doc) { return DecodeBatchChunk(doc); }
};

}  // namespace drover::store
