// JobCodec: the stored form of a Job, a compact JSON document with stable
// short keys. Every store backend keeps jobs in this form, so a data dir can
// move between backends. Add fields with a new key; never reuse a key.
#pragma once

#include <string>
#include <string_view>

#include "core/job.h"
#include "store/codec.h"

namespace drover::store {

std::string EncodeJob(const core::Job& job);
// Throws core::Error(kInternal) when the document is not a stored job.
core::Job DecodeJob(std::string_view document);

template <>
struct Codec<core::Job> {
  static constexpr const RecordKind& kKind = kTrainingJob;
  static uint64_t Number(const core::Job& job) { return job.id; }
  static std::string_view PublicId(const core::Job& job) { return job.public_id; }
  static std::string Encode(const core::Job& job) { return EncodeJob(job); }
  static core::Job Decode(std::string_view doc) { return DecodeJob(doc); }
};

}  // namespace drover::store
