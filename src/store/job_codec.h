// JobCodec: the stored form of a Job, a compact JSON document with stable
// short keys. Every store backend keeps jobs in this form, so a data dir can
// move between backends. Add fields with a new key; never reuse a key.
#pragma once

#include <string>
#include <string_view>

#include "core/job.h"

namespace drover::store {

std::string EncodeJob(const core::Job& job);
// Throws core::Error(kInternal) when the document is not a stored job.
core::Job DecodeJob(std::string_view document);

}  // namespace drover::store
