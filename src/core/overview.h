// OverviewSample: the server's state at one instant (each minute, by
// default), as the console's overview plots it — each tenant's jobs by
// status, what they submitted and what finished since the sample before,
// the queue, and the node's resources.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "core/time.h"

namespace drover::core {

struct TenantSample {
  std::map<std::string, int64_t> jobs_by_status;  // status name → jobs in it
  int64_t submitted = 0;                          // jobs created in the interval
  int64_t finished = 0;                           // jobs that ended in the interval
  int64_t queued = 0;                             // jobs waiting for resources
  int64_t longest_wait_ms = 0;                    // the oldest queued job's time waiting
};

struct ResourceSample {
  int64_t capacity = 0;
  int64_t allocated = 0;
};

struct OverviewSample {
  TimeMs time = 0;  // when it was taken (UTC ms)
  std::map<std::string, TenantSample> tenants;
  ResourceSample cpu_milli;
  ResourceSample memory_bytes;
  ResourceSample gpus;

  // Its number in the store: seconds since the epoch (samples are at
  // least a second apart).
  uint64_t Number() const { return static_cast<uint64_t>(time / kMsPerSecond); }
};

}  // namespace drover::core
