// Continuation tokens: what a list hands out for "the rest of this answer"
// — the snapshot it was read from, where the next page starts, and a
// fingerprint of the query it belongs to — as one opaque string that every
// dialect can carry (DLC NextToken, OSS continuation-token).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "index/query.h"

namespace drover::index {

struct Continuation {
  Snapshot snapshot;
  int64_t offset = 0;        // the first match of the next page
  uint64_t fingerprint = 0;  // of the query's filters and order (the dialect's choice)
  core::TimeMs now = 0;      // Query::now of the first page, kept for the whole walk
};

// Hex fields joined by '-': [0-9a-f-], safe in every dialect's token alphabet.
std::string EncodeContinuation(const Continuation& c);
// nullopt for anything EncodeContinuation could not have produced.
std::optional<Continuation> DecodeContinuation(std::string_view token);

// A fresh epoch for an index that starts empty (revisions restart from 0).
uint64_t NewEpoch();
[[noreturn]] void ThrowSnapshotExpired();

}  // namespace drover::index
