// The stored form of an overview sample: its JSON (a few hundred bytes;
// fields are added with new keys, never reused).
#pragma once

#include <string>
#include <string_view>

#include "core/overview.h"
#include "store/codec.h"

namespace drover::store {

std::string EncodeOverviewSample(const core::OverviewSample& sample);
core::OverviewSample DecodeOverviewSample(std::string_view document);  // throws kInternal

template <>
struct Codec<core::OverviewSample> {
  static constexpr const RecordKind& kKind = kOverviewSample;
  static uint64_t Number(const core::OverviewSample& s) { return s.Number(); }
  static std::string PublicId(const core::OverviewSample& s) { return std::to_string(s.Number()); }
  static std::string Encode(const core::OverviewSample& s) { return EncodeOverviewSample(s); }
  static core::OverviewSample Decode(std::string_view doc) { return DecodeOverviewSample(doc); }
};

}  // namespace drover::store
