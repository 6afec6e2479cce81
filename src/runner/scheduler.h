// Scheduler: which queued jobs start now. Pure bookkeeping, no I/O, not
// thread-safe (the runner's thread owns it).
//
// Policy: the queue is ordered by priority (9 highest), then submit time,
// then job number. A job starts only when all of its pods fit at once —
// in the node's free capacity and in its ResourceId's quota — and never at
// the cost of a job ahead of it (backfill without runtime limits): a job
// that waits for the node keeps the dimensions it waits for (no job
// behind it may use any of them) and what it would take of the others (no
// job behind it may take that), so a CPU-only job passes a GPU job that
// waits for GPUs, but never delays it. A job that does not fit its quota
// holds back only the jobs behind it in the same quota. A job that could
// not fit even on an empty node or quota is refused at Enqueue.
//
// Cost: a look at the queue after jobs were only added at its tail (the
// common case: equal priorities, submitted in turn) goes on from where the
// last look stopped, over the new jobs alone; any other change (a release,
// a removal, a job placed ahead of others) looks at the whole queue again.
// A job's Wait is kept as numbers and worded only when asked for, so a
// look at a long queue allocates nothing per job.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "core/training_job.h"
#include "runner/resources.h"

namespace drover::runner {

struct QueuedJob {
  core::JobNumber id = 0;
  int64_t priority = 1;
  core::TimeMs submitted = 0;
  Resources request;     // all pods together
  std::string quota_id;  // the job's ResourceId; empty = none
};

class Scheduler {
 public:
  Scheduler(Resources capacity, Quotas quotas);

  // Adds a job to the queue. Returns nullopt, or — for a job that can never
  // fit — the reason, and the job is not queued.
  std::optional<std::string> Enqueue(const QueuedJob& job);
  // Removes a queued job; false when it was not queued.
  bool Dequeue(core::JobNumber id);
  // Moves a queued job to its new place; ignored when not queued.
  void Reprioritize(core::JobNumber id, int64_t priority);

  // Takes the jobs that can start now, in order, and holds their resources.
  // Notes, for every job left queued, its place and what it waits for.
  std::vector<core::JobNumber> TakeRunnable();

  // A queued job's place (1 = next) and what it waits for, as of the last
  // TakeRunnable; nullopt for a job that was not queued then.
  struct Wait {
    size_t position = 0;
    std::string reason;
  };
  std::optional<Wait> WaitOf(core::JobNumber id) const;
  // Gives back what a started job held; ignored for an unknown id.
  void Release(core::JobNumber id);

  // Holds resources for a job that is already running (at start-up).
  void Hold(const QueuedJob& job);

  size_t queued() const { return queue_.size(); }
  // Counts the changes that can alter what TakeRunnable would start (and
  // every job's Wait): a queued job added, removed or moved, resources held
  // or given back. TakeRunnable does nothing when none happened since.
  uint64_t changes() const { return changes_; }
  const Resources& free() const { return free_; }

 private:
  using Key = std::tuple<int64_t, core::TimeMs, core::JobNumber>;  // -priority, submitted, id
  static Key KeyOf(const QueuedJob& job) { return {-job.priority, job.submitted, job.id}; }
  bool FitsQuota(const QueuedJob& job) const;

  // Why a queued job waits, as numbers; WaitOf words it.
  enum class Why : uint8_t { kUnseen, kBehindQuota, kNode, kBehindSameResources, kQuota };
  struct Entry {
    QueuedJob job;
    size_t position = 0;
    Why why = Why::kUnseen;
    Resources left;  // kNode: what was free for the job
  };
  // Where a look at the queue stopped: what the jobs looked at keep from
  // the jobs behind them.
  struct Look {
    std::set<std::string> blocked_quotas;
    Resources kept;
    bool waiting_cpu = false, waiting_memory = false, waiting_gpus = false;
    size_t position = 0;
    std::optional<Key> last;  // the last key looked at
  };
  // Marks a change after which the next look starts from the front.
  void Changed() {
    ++changes_;
    appended_only_ = false;
  }

  Resources capacity_;
  Quotas quotas_;
  Resources free_;
  std::map<std::string, Resources> quota_used_;
  std::map<Key, Entry> queue_;
  std::map<core::JobNumber, Key> queued_keys_;
  std::map<core::JobNumber, QueuedJob> running_;
  uint64_t changes_ = 0;
  uint64_t taken_at_ = UINT64_MAX;  // changes_ when TakeRunnable last looked
  Look look_;                       // where the last look stopped
  bool appended_only_ = false;      // only tail jobs added since: go on from look_
};

}  // namespace drover::runner
