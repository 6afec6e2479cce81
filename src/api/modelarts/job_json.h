// ModelArts v1 training-job JSON: create bodies in; job list items and
// version objects out. A ModelArts training job is a lineage of core jobs;
// each version is one core job. job_id is the lineage's number, version_id
// the version's own number. See shared/spec/modelarts.md.
#pragma once

#include <boost/json/fwd.hpp>
#include <string_view>

#include "core/training_job.h"

namespace drover::api::modelarts {

// The parts of a create (or create-version) body.
struct CreateRequest {
  core::TrainingJob draft;     // name, description, command, workers, extras
  int64_t pre_version_id = 0;  // create version only
};

// POST /v1/{project}/training-jobs. `default_workspace` replaces "0".
CreateRequest ParseCreateJob(std::string_view body, const std::string& default_workspace);
// POST /v1/{project}/training-jobs/{job_id}/versions.
CreateRequest ParseCreateVersion(std::string_view body);
// PUT /v1/{project}/training-jobs/{job_id}: the new job_desc.
std::string ParseUpdateDescription(std::string_view body);

// "V0001" for version 1.
std::string VersionName(int64_t version);

boost::json::object RenderListItem(const core::TrainingJob& latest, core::TimeMs now);
boost::json::object RenderVersion(const core::TrainingJob& version, core::TimeMs now);
// An item of the all-versions overview (GET …/training-jobs/versions): its
// job, status, times and GPUs.
boost::json::object RenderOverviewItem(const core::TrainingJob& version, core::TimeMs now);

}  // namespace drover::api::modelarts
