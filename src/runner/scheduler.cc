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
  bool at_tail = !look_.last || key > *look_.last;
  Entry& entry = queue_[key];
  entry = Entry{};
  entry.job = job;
  queued_keys_[job.id] = key;
  ++changes_;
  if (!at_tail) appended_only_ = false;
  return std::nullopt;
}

bool Scheduler::Dequeue(core::JobNumber id) {
  auto it = queued_keys_.find(id);
  if (it == queued_keys_.end()) return false;
  queue_.erase(it->second);
  queued_keys_.erase(it);
  Changed();
  return true;
}

void Scheduler::Reprioritize(core::JobNumber id, int64_t priority) {
  auto it = queued_keys_.find(id);
  if (it == queued_keys_.end()) return;
  QueuedJob job = queue_[it->second].job;
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
  // Go on from the last look when only jobs behind it came; else start over.
  auto it = queue_.begin();
  if (appended_only_ && look_.last) {
    it = queue_.upper_bound(*look_.last);
  } else {
    look_ = Look{};
  }
  Look& l = look_;
  for (; it != queue_.end();) {
    Entry& entry = it->second;
    const QueuedJob& job = entry.job;
    l.last = it->first;
    auto wait = [&](Why why) {
      entry.position = ++l.position;
      entry.why = why;
    };
    if (!l.blocked_quotas.empty() && l.blocked_quotas.contains(job.quota_id)) {
      wait(Why::kBehindQuota);
      ++it;
      continue;
    }
    Resources left = free_;
    left -= l.kept;
    const Resources& want = job.request;
    bool cpu_short = want.cpu_milli > left.cpu_milli || (l.waiting_cpu && want.cpu_milli > 0);
    bool memory_short =
        want.memory_bytes > left.memory_bytes || (l.waiting_memory && want.memory_bytes > 0);
    bool gpus_short = want.gpus > left.gpus || (l.waiting_gpus && want.gpus > 0);
    if (cpu_short || memory_short || gpus_short) {
      if (want.FitsIn(left)) {
        wait(Why::kBehindSameResources);
      } else {
        wait(Why::kNode);
        entry.left = left;
      }
      l.waiting_cpu |= cpu_short;
      l.waiting_memory |= memory_short;
      l.waiting_gpus |= gpus_short;
      if (!cpu_short) l.kept.cpu_milli += want.cpu_milli;
      if (!memory_short) l.kept.memory_bytes += want.memory_bytes;
      if (!gpus_short) l.kept.gpus += want.gpus;
      ++it;
      continue;
    }
    if (!FitsQuota(job)) {
      wait(Why::kQuota);
      l.blocked_quotas.insert(job.quota_id);
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
  appended_only_ = true;
  return started;
}

std::optional<Scheduler::Wait> Scheduler::WaitOf(core::JobNumber id) const {
  auto key = queued_keys_.find(id);
  if (key == queued_keys_.end()) return std::nullopt;
  const Entry& entry = queue_.at(key->second);
  const QueuedJob& job = entry.job;
  switch (entry.why) {
    case Why::kUnseen:
      return std::nullopt;
    case Why::kBehindQuota:
      return Wait{entry.position, "Waiting behind an earlier job of quota " + job.quota_id + "."};
    case Why::kNode:
      return Wait{entry.position, "Waiting for the node: the job needs " + job.request.ToString() +
                                      " and " + entry.left.ToString() + " is free for it."};
    case Why::kBehindSameResources:
      return Wait{entry.position,
                  "Waiting behind an earlier job that waits for the same resources."};
    case Why::kQuota:
      return Wait{entry.position, "Waiting for quota " + job.quota_id + ": it allows " +
                                      quotas_.at(job.quota_id).ToString() + " and the job needs " +
                                      job.request.ToString() +
                                      " beside what its running jobs hold."};
  }
  return std::nullopt;
}

void Scheduler::Hold(const QueuedJob& job) {
  free_ -= job.request;
  quota_used_[job.quota_id] += job.request;
  running_[job.id] = job;
  Changed();
}

void Scheduler::Release(core::JobNumber id) {
  auto it = running_.find(id);
  if (it == running_.end()) return;
  free_ += it->second.request;
  quota_used_[it->second.quota_id] -= it->second.request;
  running_.erase(it);
  Changed();
}

}  // namespace drover::runner
