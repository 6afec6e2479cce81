// Runner: runs training jobs through an Executor (runner/executor.h: local
// processes by default).
//
// It hears of created, stopped and updated jobs from the service (as its
// JobObserver), queues them in the Scheduler, starts one pod per PodPlan
// with the environment its framework expects (runner/pod_env.h), and
// carries out what each job's lifecycle decides (runner/lifecycle.h),
// storing every status change through JobService before anyone can see it:
//
//   Creating → Queuing → EnvPreparing → [SanityChecking] → Running
//   → Succeeded | Failed (through *Reserving when JobReservedMinutes > 0)
//   Running → Restarting → Running (a pod failed and RestartPolicy allows)
//   Stopping → Stopped (SIGTERM to every process group, SIGKILL after grace)
//
// A job whose executor queues jobs itself (Slurm: runner/executor.h) skips
// this node's scheduler: its pods are handed over as soon as it is Queuing,
// and it stays Queuing, with the executor's reason, until they are placed.
//
// Logs: <jobs_dir>/<job id>/logs/<pod>.<pod uid>.log (and .exit, how the
// pod ended); working directory: <jobs_dir>/<job id>/work. At Start() jobs
// left active by an earlier server are reconciled: a Running or Stopping
// job whose pods all still run or recorded how they ended is adopted and
// goes on; otherwise what is left of its pods is killed, and the job is
// requeued when its RestartPolicy allows, or ends Failed (ServerRestarted).
//
// Threading: one thread owns all runner state (the caller of Step); the
// observer calls only queue an event and wake it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/time.h"
#include "runner/executor.h"
#include "runner/lifecycle.h"
#include "runner/pod_env.h"
#include "runner/resources.h"
#include "runner/scheduler.h"
#include "service/job_service.h"
#include "service/storage_map.h"

namespace drover::runner {

struct RunnerOptions {
  std::filesystem::path jobs_dir;  // created when absent
  Resources capacity;              // of this node
  Quotas quotas;                   // ResourceId → limit
  core::TimeMs stop_grace_ms = 10'000;
  core::TimeMs tick_ms = 5;  // how often running processes are checked
  // Where jobs' data sources are on this machine; null: a job with data
  // sources fails to start. Must outlive the runner.
  const service::StorageMap* storage = nullptr;
  // ResourceId → the executor its jobs run on (each must outlive the
  // runner); jobs of any other ResourceId run on the runner's executor.
  std::map<std::string, Executor*> executors;
};

class Runner : public service::JobObserver,
               public service::PodLogReader,
               public service::QueueReader {
 public:
  // Connects itself to `jobs`; `jobs`, `executor` and `clock` must outlive it.
  Runner(service::JobService& jobs, Executor& executor, RunnerOptions options,
         const core::Clock& clock);
  // Stops its thread and leaves the pods running, as a crash would: the
  // next runner on the same store adopts them.
  ~Runner() override;

  // The server is shutting down: stops the thread, kills every pod it runs
  // and waits (up to 5 s) for them to end. Their jobs stay active in the
  // store; the next start learns how the pods ended.
  void StopPods();

  // Reconciles jobs left active by an earlier server, then runs Step on the
  // runner's thread: at once when there is news, every tick while pods run.
  void Start();

  // The two halves of Start, for tests that drive the runner themselves
  // (no thread): Reconcile once, then Step whenever they like.
  void Reconcile();
  // Handles queued events, collects exited pods, checks deadlines, stores
  // every change in one batch, and starts the jobs the scheduler picks.
  void Step();

  void OnCreated(const core::TrainingJob& job) override;
  void OnStopRequested(const core::TrainingJob& job) override;
  void OnUpdated(const core::TrainingJob& job) override;

  std::vector<std::string> Tail(const core::TrainingJob& job, const core::PodState& pod,
                                int64_t max_lines) const override;
  service::PodLog Lines(const core::TrainingJob& job, const core::PodState& pod,
                        service::LogRange range) const override;
  std::string WaitReason(core::JobNumber id) const override;

  // The node as the runner holds it, for GET /metrics; any thread.
  struct Usage {
    size_t queued = 0;        // jobs waiting for resources
    size_t running_jobs = 0;  // jobs with pods started
    size_t running_pods = 0;  // pods whose process lives
    Resources capacity;
    Resources free;
  };
  Usage CurrentUsage() const;

 private:
  struct Event {
    enum class Kind { kCreated, kStop, kUpdated };
    Kind kind;
    core::TrainingJob job;
  };

  void Loop();
  void StopThread();
  void Post(Event::Kind kind, const core::TrainingJob& job);
  void Handle(const Event& event);
  void ReconcileJob(const core::TrainingJob& job);
  // Takes over a Running (or Stopping) job whose pods an earlier server
  // started; false when a pod is gone without a trace (the job is then
  // handled as if its pods had died with the server).
  bool AdoptJob(const core::TrainingJob& job);
  // Moves created (or requeued) jobs to Queuing in one commit and queues them.
  void Enqueue(const std::vector<core::TrainingJob>& jobs);
  // Starts jobs the scheduler picked: EnvPreparing in one commit, their
  // pods, then Running with their pods in one commit.
  void Launch(const std::vector<core::JobNumber>& ids);
  // Hands queued jobs to the executors that queue jobs themselves.
  void Submit(const std::vector<core::TrainingJob>& jobs);
  // Starts the pods of `run`'s job (or hands them to its executor) and tells
  // `run`. An unreachable cluster fails the job — or, with `may_retry`,
  // throws ExecutorUnavailable for the caller to try again.
  Actions StartPods(JobRun& run, bool may_retry = false);
  // Hands the jobs an unreachable cluster did not take to it again, once
  // their time has come.
  void Resubmit();
  // Moves runs whose pods waited in their executor on once they are placed,
  // and notes why the others wait.
  Actions CheckPlaced(core::JobNumber id, JobRun& run);
  // The executor of `job`'s ResourceId.
  Executor& ExecutorFor(const core::TrainingJob& job) const;
  // The job's data sources as local mounts; on a failure, empty and
  // `failure` says why (the job then fails to start).
  std::vector<Mount> JobMounts(const core::TrainingJob& job, std::string& failure) const;
  // Polls the pods of `run` for exits.
  Actions CollectExits(JobRun& run);
  // Stores the restart, then starts the pods again (or ends the job, when a
  // stop came first).
  Actions Restart(core::JobNumber id, JobRun& run);
  // Carries out a decision. Returns false when the job is done.
  bool Apply(core::JobNumber id, JobRun& run, const Actions& actions);
  void Flush();
  std::filesystem::path JobDir(const core::TrainingJob& job) const;
  std::filesystem::path LogPath(const core::TrainingJob& job, const core::PodState& pod) const;
  std::filesystem::path ExitPath(const core::TrainingJob& job, const core::PodState& pod) const;
  // Runs `change` on the scheduler under scheduler_mu_ (the runner's thread
  // changes it only so), returning what it returns.
  template <class F>
  auto Scheduled(F&& change) {
    std::lock_guard lock(scheduler_mu_);
    return change(scheduler_);
  }

  service::JobService& jobs_;
  Executor& executor_;
  const RunnerOptions options_;
  const core::Clock& clock_;

  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Event> inbox_;  // guarded by mu_
  bool stopping_ = false;    // guarded by mu_

  // Owned by whoever calls Step (the runner's thread after Start), which
  // changes it only under scheduler_mu_, so other threads may read a
  // queued job's wait under it (WaitReason).
  mutable std::mutex scheduler_mu_;
  Scheduler scheduler_;
  // Why each job waiting in a queueing executor waits (as Waiting said, or
  // why it could not be handed over yet).
  std::map<core::JobNumber, std::string> waiting_;
  // Jobs a queueing executor could not be reached for: when to try again.
  struct Unsubmitted {
    core::TrainingJob job;
    core::TimeMs retry_at;
  };
  std::map<core::JobNumber, Unsubmitted> unsubmitted_;
  // What runs_ holds, counted at the end of each Step, for CurrentUsage.
  std::atomic<size_t> running_jobs_ = 0;
  std::atomic<size_t> running_pods_ = 0;
  std::vector<bool> gpu_busy_;
  std::map<core::JobNumber, JobRun> runs_;
  // Changes to store at the next Flush, per job, in order.
  std::map<core::JobNumber, std::vector<std::function<void(core::TrainingJob&)>>> pending_;

  std::thread thread_;
};

}  // namespace drover::runner
