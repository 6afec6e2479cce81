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
  ++changes_;
  return std::nullopt;
}

bool Scheduler::Dequeue(core::JobNumber id) {
  auto it = queued_keys_.find(id);
  if (it == queued_keys_.end()) return false;
  queue_.erase(it->second);
  queued_keys_.erase(it);
  ++changes_;
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
  if (taken_at_ == changes_) return {};  // nothing changed: nothing new can start
  std::vector<core::JobNumber> started;
  std::set<std::string> blocked_quotas;
  // What the jobs waiting ahead on the node keep: the dimensions they wait
  // for (no job behind them may use any of it) and what they would take
  // of the others (no job behind them may take that either).
  Resources kept;
  bool waiting_cpu = false, waiting_memory = false, waiting_gpus = false;
  waits_.clear();
  size_t position = 0;
  auto wait = [&](const QueuedJob& job, std::string reason) {
    waits_[job.id] = Wait{++position, std::move(reason)};
  };
  for (auto it = queue_.begin(); it != queue_.end();) {
    const QueuedJob& job = it->second;
    if (blocked_quotas.count(job.quota_id)) {
      wait(job, "Waiting behind an earlier job of quota " + job.quota_id + ".");
      ++it;
      continue;
    }
    Resources left = free_;
    left -= kept;
    const Resources& want = job.request;
    bool cpu_short = want.cpu_milli > left.cpu_milli || (waiting_cpu && want.cpu_milli > 0);
    bool memory_short =
        want.memory_bytes > left.memory_bytes || (waiting_memory && want.memory_bytes > 0);
    bool gpus_short = want.gpus > left.gpus || (waiting_gpus && want.gpus > 0);
    if (cpu_short || memory_short || gpus_short) {
      bool node_short = !want.FitsIn(left);
      wait(job, node_short ? "Waiting for the node: the job needs " + want.ToString() + " and " +
                                 left.ToString() + " is free for it."
                           : "Waiting behind an earlier job that waits for the same resources.");
      waiting_cpu |= cpu_short;
      waiting_memory |= memory_short;
      waiting_gpus |= gpus_short;
      if (!cpu_short) kept.cpu_milli += want.cpu_milli;
      if (!memory_short) kept.memory_bytes += want.memory_bytes;
      if (!gpus_short) kept.gpus += want.gpus;
      ++it;
      continue;
    }
    if (!FitsQuota(job)) {
      wait(job, "Waiting for quota " + job.quota_id + ": it allows " +
                    quotas_.at(job.quota_id).ToString() + " and the job needs " + want.ToString() +
                    " beside what its running jobs hold.");
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
  taken_at_ = changes_;
  return started;
}

std::optional<Scheduler::Wait> Scheduler::WaitOf(core::JobNumber id) const {
  auto it = waits_.find(id);
  if (it == waits_.end()) return std::nullopt;
  return it->second;
}

void Scheduler::Hold(const QueuedJob& job) {
  free_ -= job.request;
  quota_used_[job.quota_id] += job.request;
  running_[job.id] = job;
  ++changes_;
}

void Scheduler::Release(core::JobNumber id) {
  auto it = running_.find(id);
  if (it == running_.end()) return;
  free_ += it->second.request;
  quota_used_[it->second.quota_id] -= it->second.request;
  running_.erase(it);
  ++changes_;
}

}  // namespace drover::runner
