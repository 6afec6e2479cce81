// The one table between the core training lifecycle and ModelArts' integer
// job statuses (JOBSTAT_*). Listing, rendering and the `status` filter all
// go through it.
#pragma once

#include <vector>

#include "core/training_status.h"

namespace drover::api::modelarts {

// The ModelArts code shown for a core status.
int StatusCode(core::TrainingStatus status);
// Every core status shown as `code` (empty for codes Drover never shows).
std::vector<core::TrainingStatus> StatusesForCode(int code);

inline constexpr int kMaxStatusCode = 22;  // 22 MOUNT_FAILED is the highest documented

}  // namespace drover::api::modelarts
