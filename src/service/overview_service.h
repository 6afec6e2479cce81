// OverviewService: the series behind the console's overview — every
// interval (a minute by default) a sample of each tenant's jobs by status,
// jobs submitted and finished since the last sample, the queue and its
// longest wait, and the node's resources allocated and free. Samples are
// stored (a record kind of their own), so the series survive restarts;
// those older than the retention are deleted as new ones come.
//
//   OverviewService overview(store, job_index, usage, tenants, clock);
//   overview.Start();                                   // samples on its own thread
//   overview.Since(now - core::kMsPerDay);              // a day of samples
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/overview.h"
#include "core/time.h"
#include "index/record_index.h"
#include "store/store.h"

namespace drover::service {

// What the node's jobs hold of it, as the runner tells.
struct NodeUsage {
  core::ResourceSample cpu_milli;
  core::ResourceSample memory_bytes;
  core::ResourceSample gpus;
};

class OverviewService {
 public:
  struct Options {
    core::TimeMs interval = core::kMsPerMinute;
    core::TimeMs retention = 8 * core::kMsPerDay;  // a week's plot, and a day to spare
  };
  // `jobs` is the training jobs' index; `usage` and `tenants` (every
  // tenant a key names) are asked at each sample. Reads the stored samples.
  OverviewService(store::Store& store, const index::RecordIndex& jobs,
                  std::function<NodeUsage()> usage,
                  std::function<std::vector<std::string>()> tenants, const core::Clock& clock,
                  Options options);
  ~OverviewService();

  // Samples at each interval's start, on a thread of its own, until Stop.
  void Start();
  void Stop();
  // Takes, stores and returns a sample now (the thread's step).
  core::OverviewSample Sample();
  // The samples taken at or after `since`, oldest first.
  std::vector<core::OverviewSample> Since(core::TimeMs since) const;
  core::TimeMs interval() const { return options_.interval; }
  const core::Clock& clock() const { return clock_; }

 private:
  core::TenantSample SampleTenant(const std::string& tenant, core::TimeMs from,
                                  core::TimeMs to) const;

  store::Store& store_;
  const index::RecordIndex& jobs_;
  std::function<NodeUsage()> usage_;
  std::function<std::vector<std::string>()> tenants_;
  const core::Clock& clock_;
  const Options options_;
  mutable std::mutex mu_;
  std::deque<core::OverviewSample> samples_;  // guarded by mu_: oldest first
  std::mutex sampling_mu_;                    // one Sample at a time
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;  // guarded by stop_mu_
  std::thread thread_;
};

}  // namespace drover::service
