#include "service/overview_service.h"

#include <algorithm>
#include <set>

#include "core/training_job.h"
#include "core/training_status.h"
#include "service/job_schema.h"
#include "store/codec.h"
#include "store/job_codec.h"
#include "store/overview_codec.h"

namespace drover::service {

OverviewService::OverviewService(store::Store& store, const index::RecordIndex& jobs,
                                 std::function<NodeUsage()> usage,
                                 std::function<std::vector<std::string>()> tenants,
                                 const core::Clock& clock, Options options)
    : store_(store),
      jobs_(jobs),
      usage_(std::move(usage)),
      tenants_(std::move(tenants)),
      clock_(clock),
      options_(options) {
  store::ForEach<core::OverviewSample>(
      store_, [&](core::OverviewSample&& s) { samples_.push_back(std::move(s)); });
}

OverviewService::~OverviewService() { Stop(); }

void OverviewService::Start() {
  thread_ = std::thread([this] {
    std::unique_lock lock(stop_mu_);
    while (!stopping_) {
      core::TimeMs now = clock_.Now();
      core::TimeMs next = (now / options_.interval + 1) * options_.interval;
      if (stop_cv_.wait_for(lock, std::chrono::milliseconds(next - now),
                            [&] { return stopping_; })) {
        break;
      }
      lock.unlock();
      try {
        Sample();
      } catch (const std::exception&) {
        // The store is down (503s answer for it meanwhile): the next
        // interval's sample is taken as usual; this one is missing.
      }
      lock.lock();
    }
  });
}

void OverviewService::Stop() {
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

core::TenantSample OverviewService::SampleTenant(const std::string& tenant, core::TimeMs from,
                                                 core::TimeMs to) const {
  core::TenantSample out;
  auto count = [&](const std::function<void(index::Query&)>& add) {
    index::Query q;
    q.exact[JobStrings::kTenant] = {tenant};
    q.limit = 0;
    add(q);
    return jobs_.Search(q).total;
  };
  for (int i = 0; i < core::kTrainingStatusCount; ++i) {
    auto status = static_cast<core::TrainingStatus>(i);
    int64_t n = count(
        [&](index::Query& q) { q.values[JobNumbers::kStatus] = {static_cast<int64_t>(status)}; });
    if (n > 0) out.jobs_by_status[std::string(core::TrainingStatusName(status))] = n;
  }
  out.submitted = count([&](index::Query& q) {
    q.ranges.push_back({JobNumbers::kCreated, from, to - 1});
  });
  out.finished = count([&](index::Query& q) {
    q.ranges.push_back({JobNumbers::kFinished, from, to - 1});
  });
  // The queue: its length, and how long its oldest job has waited.
  index::Query queued;
  queued.exact[JobStrings::kTenant] = {tenant};
  queued.values[JobNumbers::kStatus] = {static_cast<int64_t>(core::TrainingStatus::kQueuing)};
  queued.descending = false;  // oldest first
  queued.limit = 1;
  index::Page page = jobs_.Search(queued);
  out.queued = page.total;
  if (!page.ids.empty()) {
    if (std::optional<core::TrainingJob> oldest =
            store::Get<core::TrainingJob>(store_, page.ids.front())) {
      out.longest_wait_ms = std::max<core::TimeMs>(0, to - oldest->created);
    }
  }
  return out;
}

core::OverviewSample OverviewService::Sample() {
  std::lock_guard sampling(sampling_mu_);
  core::OverviewSample sample;
  core::TimeMs now = clock_.Now();
  sample.time = now;
  // Submitted and finished count what happened in [the last sample, now).
  core::TimeMs from = sample.time - options_.interval;
  {
    std::lock_guard lock(mu_);
    if (!samples_.empty()) from = std::max(from, samples_.back().time);
  }
  std::set<std::string> tenants;
  for (std::string& t : tenants_()) tenants.insert(std::move(t));
  for (const std::string& tenant : tenants) {
    sample.tenants[tenant] = SampleTenant(tenant, from, sample.time);
  }
  NodeUsage usage = usage_();
  sample.cpu_milli = usage.cpu_milli;
  sample.memory_bytes = usage.memory_bytes;
  sample.gpus = usage.gpus;

  std::vector<store::Mutation> batch = {store::Put(sample)};
  {
    std::lock_guard lock(mu_);
    for (const core::OverviewSample& old : samples_) {
      if (old.time >= now - options_.retention) break;
      batch.push_back(store::Delete<core::OverviewSample>(old.Number()));
    }
  }
  store_.Apply(batch);
  std::lock_guard lock(mu_);
  while (!samples_.empty() && samples_.front().time < now - options_.retention)
    samples_.pop_front();
  if (!samples_.empty() && samples_.back().Number() == sample.Number()) samples_.pop_back();
  samples_.push_back(sample);
  return sample;
}

std::vector<core::OverviewSample> OverviewService::Since(core::TimeMs since) const {
  std::lock_guard lock(mu_);
  auto first =
      std::lower_bound(samples_.begin(), samples_.end(), since,
                       [](const core::OverviewSample& s, core::TimeMs t) { return s.time < t; });
  return {first, samples_.end()};
}

}  // namespace drover::service
