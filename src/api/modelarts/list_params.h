// ModelArts list parameters (GET /v1/{project}/training-jobs) →
// index::Query over each training job's latest version. Pure; throws
// core::Error(kInvalidArgument) naming the parameter.
#pragma once

#include <map>
#include <string>

#include "index/query.h"

namespace drover::api::modelarts {

// `default_workspace` is what workspace_id "0" (the default) means.
index::Query ParseListJobs(const std::map<std::string, std::string>& params,
                           const std::string& default_workspace, core::TimeMs now);

// The most versions one overview answer holds (`limit` 0, "all", means this many).
inline constexpr int64_t kMaxOverviewLimit = 10000;

// GET /v1/{project}/training-jobs/versions: every version, not only each
// job's latest. offset ≥ 0; limit [0, 10000], default 20, 0 = all (up to
// 10000); status (a code); sort_by create_time (default) | job_name |
// job_desc | status | duration; order desc (default) | asc; pool_id (the
// job's ResourceId); workspace_id ("0" = the caller's default).
index::Query ParseListVersions(const std::map<std::string, std::string>& params,
                               const std::string& default_workspace, core::TimeMs now);

}  // namespace drover::api::modelarts
