// Imported history: one GetJob-shaped PAI-DLC JSON object (as GetJob or
// ListJobs returns it) → a core job that keeps its JobId, status, times and
// every field, marked imported (the runner never touches it).
#pragma once

#include <string_view>

#include "core/training_job.h"

namespace drover::api::dlc {

// Throws core::Error(kInvalidArgument) naming the field for a record that
// lacks JobId or has an unknown Status or unreadable time. `tenant` owns it.
core::TrainingJob ParseImportedJob(std::string_view json_line, const std::string& tenant);

}  // namespace drover::api::dlc
