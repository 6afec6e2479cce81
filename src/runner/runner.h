// Runner: runs training jobs as real processes on this machine.
//
// It hears of created, stopped and updated jobs from the service (as its
// JobObserver), queues them in the Scheduler, starts one process per pod
// (runner/process.h) with the environment its framework expects
// (runner/pod_env.h), watches them, and reports every status change back
// through JobService, which persists it before anyone can see it:
//
//   Creating → Queuing → EnvPreparing → [SanityChecking] → Running
//   → Succeeded | Failed (through *Reserving when JobReservedMinutes > 0)
//   Running → Restarting → Running (a pod failed and RestartPolicy allows)
//   Stopping → Stopped (SIGTERM to every process group, SIGKILL after grace)
//
// Logs: <jobs_dir>/<job id>/logs/<pod>.<pod uid>.log; working directory:
// <jobs_dir>/<job id>/work. At Start() jobs left active by an earlier
// server are reconciled: leftover processes are killed, then the job is
// requeued when its RestartPolicy allows, or ends Failed (ServerRestarted).
//
// Threading: one thread owns all runner state; the observer calls only
// queue an event and wake it.
#pragma once

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/time.h"
#include "runner/pod_env.h"
#include "runner/process.h"
#include "runner/resources.h"
#include "runner/scheduler.h"
#include "service/job_service.h"

namespace drover::runner {

struct RunnerOptions {
  std::filesystem::path jobs_dir;  // created when absent
  Resources capacity;              // of this node
  Quotas quotas;                   // ResourceId → limit
  core::TimeMs stop_grace_ms = 10'000;
  core::TimeMs tick_ms = 5;  // how often running processes are checked
};

class Runner : public service::JobObserver, public service::PodLogReader {
 public:
  // Connects itself to `jobs`; both `jobs` and `clock` must outlive it.
  Runner(service::JobService& jobs, RunnerOptions options, const core::Clock& clock);
  // Kills the processes it runs and stops its thread.
  ~Runner() override;

  // Reconciles jobs left active by an earlier server, then starts running.
  void Start();

  void OnCreated(const core::Job& job) override;
  void OnStopRequested(const core::Job& job) override;
  void OnUpdated(const core::Job& job) override;

  std::vector<std::string> Tail(const core::Job& job, const core::PodState& pod,
                                int64_t max_lines) const override;

 private:
  struct Event {
    enum class Kind { kCreated, kStop, kUpdated };
    Kind kind;
    core::Job job;
  };
  enum class Ending { kNone, kSucceeded, kFailed, kTimeout, kStopped, kRestart };
  struct Pod {
    PodPlan plan;
    core::PodState state;
  };
  struct Active {
    core::Job job;  // as it was when started
    std::vector<Pod> pods;
    std::vector<int> gpus;
    Ending ending = Ending::kNone;
    std::string reason_code;
    std::string reason_message;
    core::TimeMs deadline = 0;       // JobMaxRunningTimeMinutes, 0 = none
    core::TimeMs kill_at = 0;        // SIGKILL after SIGTERM, 0 = not terminating
    core::TimeMs reserve_until = 0;  // end of *Reserving, 0 = not reserving
  };

  void Loop();
  void Handle(Event& event);
  void Reconcile(const core::Job& job);
  // Moves created (or requeued) jobs to Queuing in one commit and queues them.
  void Enqueue(const std::vector<core::Job>& jobs);
  // Starts jobs the scheduler picked: EnvPreparing in one commit, their
  // processes, then Running with their pods in one commit.
  void Launch(const std::vector<core::JobNumber>& ids);
  // Starts the processes of every pod; persisting them is the caller's.
  void SpawnPods(Active& active);
  void CheckPods(core::JobNumber id, Active& active);
  void Terminate(Active& active);
  void Finish(core::JobNumber id, Active& active);
  bool CheckTimers(core::JobNumber id, Active& active);
  // Writes the pods' current state into `job` (inside a Mutate).
  void SyncPods(core::Job& job, const Active& active) const;
  // Queues a change for the next Flush; it sees the pods as they are now.
  void Later(core::JobNumber id, std::function<void(core::Job&)> change);
  // Commits every queued change in one batch.
  void Flush();
  std::filesystem::path JobDir(const core::Job& job) const;
  std::filesystem::path LogPath(const core::Job& job, const core::PodState& pod) const;

  service::JobService& jobs_;
  const RunnerOptions options_;
  const core::Clock& clock_;

  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Event> inbox_;  // guarded by mu_
  bool stopping_ = false;    // guarded by mu_

  // Owned by the runner thread (and by Start() before the thread exists).
  Scheduler scheduler_;
  std::vector<bool> gpu_busy_;
  std::map<core::JobNumber, Active> active_;
  std::vector<service::JobService::Change> pending_;

  std::thread thread_;
};

}  // namespace drover::runner
