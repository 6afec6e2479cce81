// PAI-DLC's JSON for training jobs: CreateJob/UpdateJob bodies in, JobItem
// (ListJobs) and GetJob objects out. See shared/spec/pai-dlc.md §1.3–1.4.
//
// Parsing validates as the vendor documents and throws core::Error naming
// the parameter; nothing is stored by these functions.
#pragma once

#include <string>
#include <string_view>

#include "core/json_writer.h"
#include "core/training_job.h"
#include "service/job_service.h"

namespace drover::api::dlc {

using core::JsonWriter;

inline constexpr size_t kMaxCreateBodyBytes = 65536;

// CreateJob body → a draft for JobService::Create. Fields Drover does not
// interpret are kept in `extras`.
core::TrainingJob ParseCreateJob(std::string_view body);

// UpdateJob body → the changes it asks for. `current` supplies the job type
// (to check roles) and the extras the new JobSpecs are recorded in.
service::JobUpdate ParseUpdateJob(std::string_view body, const core::TrainingJob& current);

enum class JobView { kListItem, kDetail };
// The job's members (JobItem for lists, the GetJob body for kDetail) into
// the object `w` has open; the fields the client sent that Drover does not
// model follow the modeled ones. `now` measures an active job's Duration.
void WriteJob(JsonWriter& w, const core::TrainingJob& job, JobView view, core::TimeMs now);
// The same members as a JSON object on their own.
std::string JobJson(const core::TrainingJob& job, JobView view, core::TimeMs now);

// GetPodEvents lines for a pod: created, started, ended (exit code or signal).
std::vector<std::string> RenderPodEvents(const core::PodState& pod, core::TimeMs from,
                                         core::TimeMs to, int64_t max_events);

// GetJobEvents lines for the job's history between `from` and `to`.
std::vector<std::string> RenderEvents(const core::TrainingJob& job, core::TimeMs from,
                                      core::TimeMs to, int64_t max_events);

}  // namespace drover::api::dlc
