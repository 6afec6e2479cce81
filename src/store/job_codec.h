// JobCodec: the stored form of a TrainingJob, a compact JSON document with stable
// short keys. Every store backend keeps jobs in this form, so a data dir can
// move between backends. Add fields with a new key; never reuse a key.
#pragma once

#include <string>
#include <string_view>

#include "core/training_job.h"
#include "store/codec.h"

namespace drover::store {

std::string EncodeJob(const core::TrainingJob& job);
// Throws core::Error(kInternal) when the document is not a stored job.
core::TrainingJob DecodeJob(std::string_view document);

template <>
struct Codec<core::TrainingJob> {
  static constexpr const RecordKind& kKind = kTrainingJob;
  static uint64_t Number(const core::TrainingJob& job) { return job.id; }
  static std::string_view PublicId(const core::TrainingJob& job) { return job.public_id; }
  static std::string Encode(const core::TrainingJob& job) { return EncodeJob(job); }
  static core::TrainingJob Decode(std::string_view doc) { return DecodeJob(doc); }
};

}  // namespace drover::store
