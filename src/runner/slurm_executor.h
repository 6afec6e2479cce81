// SlurmExecutor: a job's pods become one Slurm job on a cluster, submitted
// with `sbatch` — the client every Slurm login node has, authenticated as
// Drover's own user through munge like any user's, with no daemon
// (slurmrestd) and no token to run beside the controller.
//
// The Slurm job (one task per pod) holds every pod's share: `--ntasks` is
// the job's pod count, and each task gets the largest role's CPUs, memory
// (`--mem-per-cpu`) and GPUs (`--gpus-per-task`, of `gpu_type` when set)
// — Slurm gives every task of one allocation the same share. Its batch
// script runs one step per role (`srun --exact`), leader role first on the
// allocation's first node, each step asking for its own role's share; each
// task runs `drover slurm-task` (runner/slurm_task.h), which gives the pod
// the environment its framework expects with the nodes Slurm chose. The
// spec, the batch script and its output are kept in
// <job dir>/slurm/<first pod uid>/; the nodes must see the jobs directory
// and the drover binary at the same paths as the server (a shared file
// system, as home directories are on most clusters).
//
//   Slurm                        Drover
//   PENDING (reason)             Queuing, "Slurm job N is PENDING: reason."
//   RUNNING, COMPLETING          Running, once the pod's task has started it
//   COMPLETED, FAILED            each pod's own exit, from its exit file
//   TIMEOUT                      Failed, JobTimeout
//   CANCELLED (not by Drover)    Failed, JobCancelled
//   NODE_FAIL, BOOT_FAIL         Failed, NodeFailed
//   OUT_OF_MEMORY                Failed, OutOfMemory
//   PREEMPTED, DEADLINE          Failed, JobPreempted / JobDeadline
//
// StopJob: SIGTERM becomes `scancel --signal=TERM`, SIGKILL after the grace
// period `scancel` (a pending job is cancelled at once).
// JobMaxRunningTimeMinutes is `--time`; priority p (1–9) is `--nice`
// (9 − p) × 100, raised and lowered with `scontrol update`.
//
// The state of every job it follows comes from one `squeue --me` every
// `refresh_ms`, asked by a thread of its own, so the runner never waits for
// the controller. A controller that does not answer changes nothing (the
// jobs are found again when it is back), and no job is submitted to it
// meanwhile (ExecutorUnavailable: the runner retries). An answer to a
// question asked before a job was submitted is not taken to mean the job
// is gone. A job the controller no longer lists (it forgets ended jobs
// after MinJobAge) is told from its pods' exit files.
//
// A pod's handle is its Slurm job id << 16 | its task (rank).
#pragma once

#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/time.h"
#include "runner/executor.h"

namespace drover::runner {

// Where a ResourceId's jobs go on the cluster; empty fields are left to
// Slurm's defaults.
struct SlurmTarget {
  std::string partition;
  std::string account;
  std::string qos;
  std::string gpu_type;  // "a100": --gpus-per-task=a100:N
};

// Which executor each ResourceId's jobs run on, from the quota file
// (runner/resources.h): an entry's "Executor" ("local" or "slurm") and, for
// Slurm, its "Partition", "Account", "QOS" and "GpuType". Entries without
// "Executor" are left out. Throws std::runtime_error naming the problem.
struct ExecutorChoice {
  std::string executor;  // "local" or "slurm"
  SlurmTarget target;
};
std::map<std::string, ExecutorChoice> LoadExecutorChoices(const std::filesystem::path& quota_file);

struct SlurmOptions {
  std::filesystem::path drover;                // the binary the tasks run (`drover slurm-task`)
  SlurmTarget target;                          // for every job without one of its own
  std::map<std::string, SlurmTarget> targets;  // ResourceId → target
  uint64_t log_limit = 64 << 20;               // bytes a pod's log keeps (as local)
  core::TimeMs refresh_ms = 500;               // squeue at most this often
  int command_timeout_ms = 30'000;             // for each sbatch, squeue, scancel
};

// How a job is handed to sbatch; pure, for tests.
struct SlurmBatch {
  std::vector<std::string> options;  // sbatch's own: the allocation
  std::string script;                // the batch script: a step per role
};
SlurmBatch SlurmBatchScript(const JobLaunch& launch, const SlurmTarget& target,
                            const std::filesystem::path& drover,
                            const std::filesystem::path& spec_dir);

// Slurm's nice for a Drover priority (1–9, 9 highest): (9 − p) × 100.
int64_t SlurmNice(int64_t priority);

// One line of `squeue -o %i|%T|%r`.
struct SlurmJobState {
  std::string state;   // PENDING, RUNNING, TIMEOUT, …
  std::string reason;  // Resources, Priority, None, …
};
// Parses squeue's lines into job id → state (an array job's or a
// heterogeneous job's parts are skipped).
std::map<int64_t, SlurmJobState> ParseSqueue(const std::string& output);
// Whether Slurm is done with a job in `state`.
bool SlurmEnded(const std::string& state);
// The cause a pod of a job that ended in `state` gets (empty code for a
// state where the pods' own exits tell: COMPLETED, FAILED).
ExitStatus SlurmCause(int64_t slurm_id, const SlurmJobState& state);

class SlurmExecutor final : public Executor {
 public:
  explicit SlurmExecutor(SlurmOptions options);
  ~SlurmExecutor() override;

  std::vector<int64_t> Start(const JobLaunch& launch, std::string& error) override;
  bool Queues() const override { return true; }
  std::optional<std::string> Waiting(int64_t handle) override;
  void Reprioritize(int64_t handle, int64_t priority) override;
  // scancel of every unfinished Slurm job of Drover's user named after `job`.
  void Abandon(const core::TrainingJob& job) override;
  void Signal(int64_t handle, int signal) override;
  std::optional<ExitStatus> Poll(int64_t handle) override;
  Adoption Adopt(const core::PodState& pod, const PodLaunch& launch) override;
  int FreePort() override;

  static int64_t SlurmId(int64_t handle) { return handle >> 16; }
  static int64_t Handle(int64_t slurm_id, size_t task) {
    return slurm_id << 16 | static_cast<int64_t>(task);
  }

 private:
  struct Job {
    std::filesystem::path spec_dir;      // batch.out is here
    std::optional<SlurmJobState> state;  // nullopt until squeue has listed it
    bool listed = true;                  // in the last answer that could know it
    std::set<int> signalled;             // signals sent to it
    int64_t asked_before = 0;            // answers to questions up to this one predate it
  };
  struct Pod {
    std::filesystem::path exit_file;
    std::string name;
    std::optional<core::TimeMs> killed_seen;  // when its exit file first showed a signal
    int64_t refreshes_at_kill = 0;            // refreshes_ then
  };
  // What the watcher thread last heard from squeue.
  struct Answer {
    int64_t asked = 0;     // questions asked so far
    int64_t question = 0;  // the one the listing answers
    int64_t answers = 0;   // answers (or failures) so far
    std::map<int64_t, SlurmJobState> listing;
    bool down = false;  // the last question went unanswered
    std::string error;  // and what squeue said
  };

  // The watcher thread: `squeue --me` every refresh_ms while there are
  // jobs to follow, so the runner's thread never waits for the controller.
  void Watch(const std::stop_token& stop);
  // Takes the watcher's newest answer into jobs_ (the runner's thread).
  void Refresh();
  Job* Find(int64_t handle);
  // Whether the pod of `handle` has started on its node (its task has
  // written its node to the spec dir).
  static bool Started(const Job& job, int64_t handle);
  const SlurmTarget& TargetOf(const core::TrainingJob& job) const;

  const SlurmOptions options_;
  // The runner's thread's own.
  std::map<int64_t, Job> jobs_;  // Slurm job id → what is known
  std::map<int64_t, Pod> pods_;  // handle → pod not yet reported ended
  int64_t refreshes_ = 0;        // answers taken in
  int64_t seen_question_ = 0;    // the answer last taken in
  bool controller_down_ = false;
  std::mt19937 random_;  // FreePort

  // Shared with the watcher.
  std::mutex mu_;
  std::condition_variable_any watch_;     // wakes the watcher
  std::condition_variable_any answered_;  // an answer came
  Answer answer_;                         // guarded by mu_
  bool following_ = false;                // guarded by mu_: there are jobs to ask about
  bool hurry_ = false;                    // guarded by mu_: ask now
  std::jthread watcher_;                  // last: stopped before the rest goes
};

}  // namespace drover::runner
