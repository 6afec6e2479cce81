#include "runner/scheduler.h"

namespace drover::runner {

Scheduler::Scheduler(Resources capacity, Quotas quotas)
    : capacity_(capacity), quotas_(std::move(quotas)), free_(capacity) {}

std::optional<std::string> Scheduler::Enqueue(const QueuedJob& job) {
  if (!job.request.FitsIn(capacity_)) {
    return "The job needs " + job.request.ToString() + " but this node has only " +
           capacity_.ToString() + "; it can never be scheduled.";
  }
  auto quota = quotas_.find(job.quota_id);
  if (quota != quotas_.end() && !job.request.FitsIn(quota->second)) {
    return "The job needs " + job.request.ToString() + " but the quota " + job.quota_id +
           " allows only " + quota->second.ToString() + "; it can never be scheduled.";
  }
  Key key = KeyOf(job);
  queue_[key] = job;
  queued_keys_[job.id] = key;
  return std::nullopt;
}

bool Scheduler::Dequeue(core::JobNumber id) {
  auto it = queued_keys_.find(id);
  if (it == queued_keys_.end()) return false;
  queue_.erase(it->second);
  queued_keys_.erase(it);
  return true;
}

void Scheduler::Reprioritize(core::JobNumber id, int64_t priority) {
  auto it = queued_keys_.find(id);
  if (it == queued_keys_.end()) return;
  QueuedJob job = queue_[it->second];
  Dequeue(id);
  job.priority = priority;
  Enqueue(job);
}

bool Scheduler::FitsQuota(const QueuedJob& job) const {
  auto quota = quotas_.find(job.quota_id);
  if (quota == quotas_.end()) return true;
  Resources used = job.request;
  if (auto u = quota_used_.find(job.quota_id); u != quota_used_.end()) used += u->second;
  return used.FitsIn(quota->second);
}

std::vector<core::JobNumber> Scheduler::TakeRunnable() {
  std::vector<core::JobNumber> started;
  std::set<std::string> blocked_quotas;
  for (auto it = queue_.begin(); it != queue_.end();) {
    const QueuedJob& job = it->second;
    if (blocked_quotas.count(job.quota_id)) {
      ++it;
      continue;
    }
    if (!job.request.FitsIn(free_)) break;
    if (!FitsQuota(job)) {
      blocked_quotas.insert(job.quota_id);
      ++it;
      continue;
    }
    QueuedJob take = job;
    it = queue_.erase(it);
    queued_keys_.erase(take.id);
    Hold(take);
    started.push_back(take.id);
  }
  return started;
}

void Scheduler::Hold(const QueuedJob& job) {
  free_ -= job.request;
  quota_used_[job.quota_id] += job.request;
  running_[job.id] = job;
}

void Scheduler::Release(core::JobNumber id) {
  auto it = running_.find(id);
  if (it == running_.end()) return;
  free_ += it->second.request;
  quota_used_[it->second.quota_id] -= it->second.request;
  running_.erase(it);
}

}  // namespace drover::runner
