// Query and Page: what a list API asks of the index, and what it answers.
//
// A JobQuery is vendor-neutral: dialects translate their list parameters into
// it (api/dlc/list_params.cc, …). Every filter present must match (AND);
// a multi-value filter matches any of its values (OR). Strings compared
// case-insensitively are given already folded (text::Fold); word lists are
// given as text::Words output.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/job.h"

namespace drover::index {

// Fields matched exactly (case-sensitive).
enum class ExactField {
  kTenant,
  kWorkspace,
  kUserId,
  kBusinessUserId,
  kCaller,
  kPipelineId,
  kTemplateId,
  kPaymentType,
  kOversoldInfo,
  kResourceId,
  kJobType,
};

// Fields matched by case-insensitive substring.
enum class ContainsField { kUsername, kResourceQuotaName, kName };

// Fields searched by words (full-text, English and Chinese).
enum class WordsField { kReason, kUserCommand, kImage, kName };

enum class NameMatch {
  kWildcard,  // substring; `*` and `?` are wildcards
  kPrefix,    // the name starts with the query
  kTerm,      // the whole name equals the query
};

enum class TimeField { kCreated, kSubmitted, kRunning, kFinished, kModified };
enum class NumericField { kRequestGpu, kRequestCpu, kPriority, kDuration, kNodeCount };
enum class SortField {
  kCreated,
  kFinished,
  kRunning,
  kModified,
  kName,
  kJobType,
  kStatus,
  kPriority,
  kDescription,
  kDuration,
  kVersionCount,
  kVersion,
};

// A point in the index's history: what a continuation token pins, so that
// paging on sees the set and order it started from.
struct Snapshot {
  uint64_t epoch = 0;     // which run of the index (revisions restart with it)
  uint64_t revision = 0;  // the number of changes applied up to this point
  bool operator==(const Snapshot&) const = default;
};

struct JobQuery {
  // field → accepted values (any of them)
  std::map<ExactField, std::vector<std::string>> exact;
  std::map<ContainsField, std::string> contains;          // folded needle
  std::map<WordsField, std::vector<std::string>> words;   // every word must occur
  std::optional<std::pair<NameMatch, std::string>> name;  // folded query
  std::vector<std::string> public_ids;                    // folded, any of them
  // Any of them; absent = any status, an empty list = none.
  std::optional<std::vector<core::TrainingStatus>> statuses;
  std::optional<core::Visibility> visibility;
  std::optional<bool> enable_assign_node;
  std::optional<core::Viewer> viewer;       // only what this viewer may see (core::CanSee)
  std::optional<core::JobNumber> lineage;   // only versions of this lineage
  bool latest_only = false;                 // only each lineage's newest version
  bool exclude_imported = false;            // only jobs Drover created (the runner's)
  std::map<std::string, std::string> tags;  // every pair must match

  struct TimeRange {
    TimeField field = TimeField::kCreated;
    core::TimeMs from = INT64_MIN;  // inclusive
    core::TimeMs to = INT64_MAX;    // inclusive
  };
  std::optional<TimeRange> time;

  struct NumericRange {
    NumericField field = NumericField::kRequestGpu;
    int64_t min = INT64_MIN;  // inclusive
    int64_t max = INT64_MAX;  // inclusive
  };
  std::optional<NumericRange> numeric;

  SortField sort = SortField::kCreated;
  bool descending = true;  // ties are broken by public id, in the same direction
  int64_t offset = 0;
  int64_t limit = 10;

  core::TimeMs now = 0;  // the instant Duration of active jobs is measured to

  // Answer as the index stood at this snapshot (a continuation), not now.
  // A snapshot whose history is gone throws core::Error (kInvalidArgument,
  // reason kSnapshotExpired).
  std::optional<Snapshot> at;
  // The caller hands out a token for the rest of this answer: keep its
  // snapshot answerable for a while (HistoryLimits::token_lifetime after its last use).
  bool pin = false;
};

struct Page {
  std::vector<core::JobNumber> ids;  // in order
  int64_t total = 0;                 // every match, not just this page
  Snapshot snapshot;                 // the state this answer was read from
};

// core::Error::reason() of a continuation whose snapshot is no longer kept.
inline constexpr char kSnapshotExpired[] = "SnapshotExpired";

}  // namespace drover::index
