// Training jobs as the store's own tests write them, and the store's state
// printed; shared by store_conformance_test.cc and sqlite_store_test.cc.
#pragma once

#include <string>

#include "core/training_job.h"
#include "store/codec.h"
#include "store/job_codec.h"

namespace drover::store::test {

// Job `id`, public id "dlc-<id>", named `name`.
inline core::TrainingJob MakeJob(core::JobNumber id, std::string name) {
  core::TrainingJob job;
  job.id = id;
  job.public_id = "dlc-" + std::to_string(id);
  job.display_name = std::move(name);
  job.roles = {core::RoleSpec{"Worker", "img", 2, "", "1", "1", "1Gi", "OnFailure"}};
  job.tags = {{"team", "a"}};
  job.history = {core::StatusEvent{core::TrainingStatus::kCreating, 5, 0, "", ""}};
  job.created = 5;
  return job;
}

// Canonical printed state: "id:name" for every stored job in id order.
inline std::string Dump(Store& store) {
  std::string out;
  ForEach<core::TrainingJob>(store, [&](core::TrainingJob&& job) {
    out += std::to_string(job.id) + ":" + job.display_name + " ";
  });
  return out;
}

}  // namespace drover::store::test
