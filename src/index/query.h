// Query and Page: what a list API asks of the index, and what it answers.
//
// A Query is kind-neutral: it names fields by their ids in the kind's
// schema (index/schema.h), and a dialect translates its list parameters
// into it (api/dlc/list_params.cc, …). Every filter present must match
// (AND); a multi-value filter matches any of its values (OR). Strings
// compared case-insensitively are given already folded (text::Fold); word
// lists are given as text::Words output.
#pragma once

#include <climits>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/identity.h"
#include "core/time.h"
#include "index/schema.h"

namespace drover::index {

enum class NameMatch {
  kWildcard,  // substring; `*` and `?` are wildcards
  kPrefix,    // the name starts with the query
  kTerm,      // the whole name equals the query
};

// A point in the index's history: what a continuation token pins, so that
// paging on sees the set and order it started from.
struct Snapshot {
  uint64_t epoch = 0;     // which run of the index (revisions restart with it)
  uint64_t revision = 0;  // the number of changes applied up to this point
  bool operator==(const Snapshot&) const = default;
};

// A sort key: a sortable string or number field of the schema, or the
// case-folded form of the search field (names in case-insensitive order).
struct SortBy {
  enum class Class : uint8_t { kNumber, kString, kFoldedString };
  Class of = Class::kNumber;
  FieldId field = kNoField;  // kNoField: the creation time
  bool operator==(const SortBy&) const = default;

  static SortBy Number(FieldId field) { return {Class::kNumber, field}; }
  static SortBy String(FieldId field) { return {Class::kString, field}; }
  static SortBy Folded(FieldId field) { return {Class::kFoldedString, field}; }
};

struct Query {
  // string field (exact) → accepted values (any of them)
  std::map<FieldId, std::vector<std::string>> exact;
  // string field (contains, or the search field) → folded needle
  std::map<FieldId, std::string> contains;
  std::map<FieldId, std::vector<std::string>> words;       // every word must occur
  std::map<FieldId, std::vector<std::string>> words_any;   // some word of the list must occur
  std::map<FieldId, std::vector<std::string>> words_none;  // no word of the list may occur
  std::optional<std::pair<NameMatch, std::string>> name;   // on the search field; folded
  std::vector<std::string> public_ids;                     // folded, any of them
  // number field → accepted values (any of them; an empty list: none)
  std::map<FieldId, std::vector<int64_t>> values;
  struct Range {
    FieldId field = kNoField;  // a number field
    int64_t min = INT64_MIN;   // inclusive
    int64_t max = INT64_MAX;   // inclusive
  };
  std::vector<Range> ranges;                // every one must hold
  std::optional<uint64_t> group;            // only the records of this group (Schema::group)
  std::map<std::string, std::string> tags;  // every pair must match
  // Some tag's key or value holds this (folded) text, case-insensitively.
  std::optional<std::string> tag_contains;
  std::optional<core::Viewer> viewer;  // only what this viewer may see (AccessFields)

  SortBy sort;
  bool descending = true;  // ties are broken by public id, in the same direction
  int64_t offset = 0;
  int64_t limit = 10;

  core::TimeMs now = 0;  // the instant computed fields (durations) are measured to

  // Answer as the index stood at this snapshot (a continuation), not now.
  // A snapshot whose history is gone throws core::Error (kInvalidArgument,
  // reason kSnapshotExpired).
  std::optional<Snapshot> at;
  // The caller hands out a token for the rest of this answer: keep its
  // snapshot answerable for a while (HistoryLimits::token_lifetime after its last use).
  bool pin = false;
};

struct Page {
  std::vector<uint64_t> ids;  // record numbers, in order
  int64_t total = 0;          // every match, not just this page
  Snapshot snapshot;          // the state this answer was read from
};

// core::Error::reason() of a continuation whose snapshot is no longer kept.
inline constexpr char kSnapshotExpired[] = "SnapshotExpired";

}  // namespace drover::index
