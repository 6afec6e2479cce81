// ListJobs parameters (GET /api/v1/jobs) → index::Query.
//
// Pure: the query-string map in, a query out; throws core::Error
// (kInvalidArgument, naming the parameter) for a bad value. Empty values
// mean "not given", as the vendor documents. See shared/spec/pai-dlc.md §1.2.
#pragma once

#include <map>
#include <string>

#include "core/time.h"
#include "index/query.h"

namespace drover::api::dlc {

inline constexpr int64_t kDefaultPageSize = 50;
inline constexpr int64_t kMaxPageSize = 1000;

// `caller_user_id` is whose jobs ShowOwn=true keeps.
//
// Continuations (a Drover extension; the vendor pages by number only): a
// page with more after it carries NextToken; passing it back, with the same
// other parameters, answers from the snapshot the walk started at — the
// next page, or the PageNumber given beside it — so jobs created or
// changed meanwhile are neither skipped nor repeated.
index::Query ParseListJobs(const std::map<std::string, std::string>& params, core::TimeMs now,
                           const std::string& caller_user_id);

// The NextToken for the page after the one `q` asked for; empty on the last.
std::string NextListJobsToken(const std::map<std::string, std::string>& params,
                              const index::Query& q, const index::Snapshot& snapshot,
                              int64_t total);

}  // namespace drover::api::dlc
