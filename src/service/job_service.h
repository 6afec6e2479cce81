// JobService: the use cases of training jobs — create, get, list, update,
// stop, delete — independent of HTTP and of any vendor's field names.
//
// A write goes to the store first (durable), then to the index, and only
// then is it acknowledged by returning. Writes are serialized by one mutex,
// so the index sees revisions in store order; reads run concurrently.
// Failures throw core::Error and change nothing.
#pragma once

#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "core/job.h"
#include "core/time.h"
#include "index/job_index.h"
#include "service/principal.h"
#include "store/store.h"

namespace drover::service {

struct JobList {
  std::vector<core::Job> jobs;
  int64_t total = 0;
};

// The fields UpdateJob may change; absent ones stay as they are.
struct JobUpdate {
  std::optional<int64_t> priority;
  std::optional<core::Visibility> visibility;  // may only widen to PUBLIC
  std::optional<std::string> description;
  std::optional<std::vector<core::RoleSpec>> roles;  // only before the job runs
  std::optional<std::string> extras;                 // the dialect's pass-through, replaced whole
};

class JobService {
 public:
  // Fills `index` from `store`. Both must outlive the service.
  JobService(store::Store& store, index::JobIndex& index, const core::Clock& clock);

  // Stores a new job from `draft` (identity, status and times are assigned
  // here) in status Creating. Throws kInvalidArgument for a job that breaks
  // the core rules (no name, no command, no roles, PodCount < 1, Priority
  // outside 1–9).
  core::Job Create(const Principal& who, core::Job draft);

  // Throws kNotFound when no job with this public id is visible to `who`.
  core::Job Get(const Principal& who, std::string_view public_id);

  // Adds the caller's tenant to `query` and answers it from the index.
  JobList List(const Principal& who, index::JobQuery query);

  core::Job Update(const Principal& who, std::string_view public_id, const JobUpdate& update);

  // Stops an active job: Stopping, then Stopped (ReasonCode JobStoppedByUser).
  // Throws kFailedPrecondition for a job that has already finished.
  core::Job Stop(const Principal& who, std::string_view public_id);

  // Deletes a finished job. Throws kFailedPrecondition for an active one.
  void Delete(const Principal& who, std::string_view public_id);

  // Applies a status change (used by the runner). Throws kFailedPrecondition
  // for a step the lifecycle does not allow.
  core::Job Transition(core::JobNumber id, core::TrainingStatus to, std::string reason_code = {},
                       std::string reason_message = {});

  const core::Clock& clock() const { return clock_; }

 private:
  // Durably stores `job` and updates the index; caller holds write_mu_.
  void Commit(const core::Job& job);

  store::Store& store_;
  index::JobIndex& index_;
  const core::Clock& clock_;

  std::mutex write_mu_;
  core::JobNumber last_number_;  // guarded by write_mu_
};

}  // namespace drover::service
