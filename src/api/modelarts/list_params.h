// ModelArts list parameters (GET /v1/{project}/training-jobs) →
// index::JobQuery over each training job's latest version. Pure; throws
// core::Error(kInvalidArgument) naming the parameter.
#pragma once

#include <map>
#include <string>

#include "index/query.h"

namespace drover::api::modelarts {

// `default_workspace` is what workspace_id "0" (the default) means.
index::JobQuery ParseListJobs(const std::map<std::string, std::string>& params,
                              const std::string& default_workspace, core::TimeMs now);

}  // namespace drover::api::modelarts
