// PAI-DLC's JSON for training jobs: CreateJob/UpdateJob bodies in, JobItem
// (ListJobs) and GetJob objects out. See shared/spec/pai-dlc.md §1.3–1.4.
//
// Parsing validates as the vendor documents and throws core::Error naming
// the parameter; nothing is stored by these functions.
#pragma once

#include <boost/json/fwd.hpp>
#include <boost/json/storage_ptr.hpp>
#include <string_view>

#include "core/job.h"
#include "service/job_service.h"

namespace drover::api::dlc {

inline constexpr size_t kMaxCreateBodyBytes = 65536;

// CreateJob body → a draft for JobService::Create. Fields Drover does not
// interpret are kept in `extras`.
core::Job ParseCreateJob(std::string_view body);

// UpdateJob body → the changes it asks for. `current` supplies the job type
// (to check roles) and the extras the new JobSpecs are recorded in.
service::JobUpdate ParseUpdateJob(std::string_view body, const core::Job& current);

enum class JobView { kListItem, kDetail };
// `sp` is where the result is allocated (a response-wide arena for lists).
boost::json::object RenderJob(const core::Job& job, JobView view, core::TimeMs now,
                              boost::json::storage_ptr sp = {});

// GetPodEvents lines for a pod: created, started, ended (exit code or signal).
std::vector<std::string> RenderPodEvents(const core::PodState& pod, core::TimeMs from,
                                         core::TimeMs to, int64_t max_events);

// GetJobEvents lines for the job's history between `from` and `to`.
std::vector<std::string> RenderEvents(const core::Job& job, core::TimeMs from, core::TimeMs to,
                                      int64_t max_events);

}  // namespace drover::api::dlc
