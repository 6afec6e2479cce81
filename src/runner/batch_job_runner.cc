#include "runner/batch_job_runner.h"

#include <spdlog/spdlog.h>

namespace drover::runner {

using core::BatchJob;
using core::BatchStatus;

BatchJobRunner::BatchJobRunner(service::BatchJobService& jobs, int workers, int64_t chunk_tasks)
    : jobs_(jobs), workers_(std::max(workers, 1)), chunk_tasks_(chunk_tasks) {
  jobs_.SetWake([this] {
    std::lock_guard lock(mu_);
    poke_ = true;
    wake_.notify_all();
  });
}

BatchJobRunner::~BatchJobRunner() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    wake_.notify_all();
  }
  for (std::thread& t : threads_) t.join();
  jobs_.SetWake({});
}

void BatchJobRunner::Start() {
  threads_.emplace_back([this] {
    std::unique_lock lock(mu_);
    while (!stop_) {
      lock.unlock();
      try {
        Schedule();
      } catch (const std::exception& e) {
        spdlog::error("batch jobs: {}", e.what());
      }
      lock.lock();
      wake_.wait_for(lock, std::chrono::milliseconds(500), [this] { return stop_ || poke_; });
      poke_ = false;
    }
  });
  for (int i = 0; i < workers_; ++i) threads_.emplace_back([this] { WorkerLoop(queue_); });
  threads_.emplace_back([this] { WorkerLoop(housekeeping_); });
}

void BatchJobRunner::RunPending() {
  for (;;) {
    Schedule();
    uint64_t id;
    {
      std::lock_guard lock(mu_);
      std::deque<uint64_t>& queue = housekeeping_.empty() ? queue_ : housekeeping_;
      if (queue.empty()) return;
      id = queue.front();
      queue.pop_front();
    }
    Work(id);
  }
}

// Hands every job that has work to a worker (once: `running_` holds the
// ones queued or on a worker), and starts Ready jobs, highest priority
// first, while fewer than `workers_` are Active.
void BatchJobRunner::Schedule() {
  service::BatchJobService::Runnable jobs = jobs_.RunnableJobs();
  for (uint64_t id : jobs.ready) {
    if (static_cast<int>(jobs.active.size()) >= workers_) break;
    if (jobs_.Move(id, BatchStatus::kActive)) jobs.active.push_back(id);
  }
  std::lock_guard lock(mu_);
  for (uint64_t id : jobs.active) {
    if (running_.insert(id).second) queue_.push_back(id);
  }
  for (uint64_t id : jobs.other) {
    if (running_.insert(id).second) housekeeping_.push_back(id);
  }
  wake_.notify_all();
}

void BatchJobRunner::WorkerLoop(std::deque<uint64_t>& queue) {
  std::unique_lock lock(mu_);
  while (!stop_) {
    if (queue.empty()) {
      wake_.wait(lock, [&] { return stop_ || !queue.empty(); });
      continue;
    }
    uint64_t id = queue.front();
    queue.pop_front();
    lock.unlock();
    try {
      Work(id);
    } catch (const std::exception& e) {
      spdlog::error("batch job {}: {}", id, e.what());
    }
    lock.lock();
  }
}

void BatchJobRunner::Work(uint64_t id) {
  struct Done {
    BatchJobRunner* runner;
    uint64_t id;
    ~Done() {
      std::lock_guard lock(runner->mu_);
      runner->running_.erase(id);
      runner->poke_ = true;
      runner->wake_.notify_all();
    }
  } done{this, id};
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
    }
    std::optional<BatchJob> job = jobs_.Job(id);
    if (!job) return;
    switch (job->status) {
      case BatchStatus::kNew:
      case BatchStatus::kPreparing:
        jobs_.Prepare(id);
        return;  // then Ready or Suspended: the scheduler starts it
      case BatchStatus::kActive:
        if (!jobs_.RunChunk(id, chunk_tasks_)) {
          jobs_.Move(id, BatchStatus::kCompleting);
        } else if (std::optional<BatchJob> now = jobs_.Job(id);
                   now && now->done >= 1000 && now->failed * 2 > now->done) {
          // More than half of at least 1,000 tasks failed: the job fails.
          jobs_.Move(id, BatchStatus::kFailing, [](BatchJob& f) {
            f.failures.push_back({"TooManyTasksFailed", "More than half of the tasks failed."});
          });
        }
        break;
      case BatchStatus::kCompleting:
      case BatchStatus::kFailing:
      case BatchStatus::kCancelling:
        jobs_.Finish(id);
        return;
      default:
        return;  // Ready, Suspended or ended: nothing to do here
    }
  }
}

}  // namespace drover::runner
