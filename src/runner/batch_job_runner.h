// BatchJobRunner: moves OSS batch jobs through their lives and does their
// work (service/batch_job_service.h), on its own threads.
//
//   - A New job is prepared (its manifest read into its task file), then
//     waits Suspended for confirmation or is Ready. Preparing and ending
//     jobs (the report) is one more thread's work, outside the budget, so
//     running jobs never hold up the ones behind them.
//   - Ready jobs start, highest priority first, while fewer than `workers`
//     run; each runs on a worker thread chunk by chunk (one commit per
//     chunk of tasks: object changes, report rows and counters together).
//   - Between chunks a worker sees a cancel (Cancelling) or a failure rate
//     past half of at least 1,000 tasks (Failing) and stops; when the
//     tasks are done the job is Completing. Either way the report is
//     written and the job ends Complete, Failed or Cancelled.
//   - After a restart, jobs that were Active resume at their first task
//     not committed; Preparing, Completing, Failing and Cancelling ones are
//     taken up again.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "service/batch_job_service.h"

namespace drover::runner {

class BatchJobRunner {
 public:
  // `jobs` must outlive the runner; connects itself to it.
  BatchJobRunner(service::BatchJobService& jobs, int workers, int64_t chunk_tasks = 1000);
  ~BatchJobRunner();

  void Start();
  // Runs everything runnable on the calling thread until nothing is left
  // (tests; no thread started).
  void RunPending();

 private:
  void Schedule();  // one turn: what can move, moves
  void Work(uint64_t id);
  // Takes jobs from `queue` until the runner stops.
  void WorkerLoop(std::deque<uint64_t>& queue);

  service::BatchJobService& jobs_;
  const int workers_;
  const int64_t chunk_tasks_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool poke_ = false;
  std::deque<uint64_t> queue_;         // Active jobs, for a worker
  std::deque<uint64_t> housekeeping_;  // jobs to prepare or end
  std::set<uint64_t> running_;         // queued or on a worker
  std::vector<std::thread> threads_;
};

}  // namespace drover::runner
