// JobRun: what happens to one job once the runner has started its pods, as
// pure decisions. Given what happened — the pods were started, a pod exited,
// a stop was asked for, time passed — a JobRun updates itself and returns
// the Actions the runner must carry out (runner/runner.h does, through an
// Executor and JobService). No I/O, no clock of its own, not thread-safe.
//
//   [kWaiting ──placed──►] kRunning ──ending decided──► kTerminating
//   ──every pod exited──► Finish:
//     restart → the runner restarts the pods → kRunning
//     reserved minutes → kReserving ──minutes pass or a stop──► kDone
//     otherwise → kDone
//
// kWaiting is for an executor that queues jobs itself (runner/executor.h):
// the pods were handed to it and wait to be placed, the job stays Queuing
// (or Restarting), and the executor enforces the time limit.
//
// An ending is decided once (a pod failed, the deciding pod succeeded, the
// time limit passed, a pod could not start); a stop overrides any ending.
// kTerminating sends SIGTERM to every live pod, then SIGKILL once the grace
// period has passed.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/training_job.h"
#include "core/training_status.h"
#include "runner/executor.h"
#include "runner/pod_env.h"

namespace drover::runner {

struct PodRun {
  PodPlan plan;
  core::PodState state;  // pid: the executor's handle, 0 when it could not start

  bool Live() const { return state.pid != 0 && state.finished == 0; }
};

// A status change the runner stores with the pods: it applies only while
// the stored job is in one of `from` (else someone — a user's StopJob — moved
// it first, and it is skipped).
struct Move {
  std::vector<core::TrainingStatus> from;
  core::TrainingStatus to;
  std::string reason_code;  // with keep_reason, the stored job's own are kept
  std::string reason_message;
  bool keep_reason = false;

  bool operator==(const Move&) const = default;
};

// What the runner does after a decision, in this order.
struct Actions {
  bool signal_term = false;  // SIGTERM every live pod
  bool signal_kill = false;  // SIGKILL every live pod
  bool record = false;       // store the pods as they are now, and `moves` in order
  std::vector<Move> moves;
  bool restart = false;  // every pod exited and the job restarts: Runner::Restart
  bool release = false;  // give back the node resources and GPUs it holds
  bool forget = false;   // nothing more to do for this job

  // Both sets of actions (this one's first).
  Actions& operator+=(const Actions& later);
};

enum class Phase { kWaiting, kRunning, kTerminating, kReserving, kDone };
enum class Ending { kSucceeded, kFailed, kTimeout, kStopped, kRestart };

class JobRun {
 public:
  // `job` as it is when its pods start; `stop_grace_ms` between SIGTERM and
  // SIGKILL. Sets the deadline from JobMaxRunningTimeMinutes, counted from
  // when the job started running (now, for a job not yet running) — unless
  // `executor_deadline`: the executor enforces it.
  JobRun(core::TrainingJob job, std::vector<int> gpus, core::TimeMs stop_grace_ms, core::TimeMs now,
         bool executor_deadline = false);

  // The pods were started (first start, or a restart after Restarted):
  // moves the job to Running (through SanityChecking when enabled). A pod
  // with pid 0 could not start (`start_error` says why): the job fails.
  Actions Started(std::vector<PodRun> pods, core::TimeMs now, const std::string& start_error = {});
  // The pods were handed to an executor that queues them (kWaiting); a pod
  // with pid 0 could not be handed over: the job fails.
  Actions Submitted(std::vector<PodRun> pods, core::TimeMs now,
                    const std::string& start_error = {});
  // The executor placed the waiting pods: as Started.
  Actions Placed(core::TimeMs now);
  // An earlier server started these pods (the job is Running, or Stopping —
  // or, with `waiting`, still Queuing in the executor); this server takes
  // them over as they are, with no status change.
  void Adopted(std::vector<PodRun> pods, bool waiting = false);
  // Pod `pod` exited. `log_tail`: its last log lines, for a failure's reason.
  Actions PodExited(size_t pod, const ExitStatus& exit, core::TimeMs now,
                    const std::vector<std::string>& log_tail);
  // The user stopped the job.
  Actions StopRequested(core::TimeMs now);
  // Time passed: the time limit, the grace period, the reservation.
  Actions Tick(core::TimeMs now);
  // The restart was stored (`job`, with its counters) and its pods are
  // about to be started again.
  void Restarted(core::TrainingJob job);

  const core::TrainingJob& job() const { return job_; }
  const std::vector<PodRun>& pods() const { return pods_; }
  const std::vector<int>& gpus() const { return gpus_; }
  Phase phase() const { return phase_; }
  std::optional<Ending> ending() const { return ending_; }
  const std::string& reason_code() const { return reason_code_; }
  const std::string& reason_message() const { return reason_message_; }

 private:
  // The moves to Running (and the pods' status) of a first start or a restart.
  Actions Run();
  // Decides the ending (unless one is decided) and starts terminating.
  Actions End(Ending ending, std::string code, std::string message, core::TimeMs now);
  // Every pod has exited: restart, reserve or be done.
  Actions Finish(core::TimeMs now);
  bool AllExited() const;

  core::TrainingJob job_;
  std::vector<PodRun> pods_;
  std::vector<int> gpus_;
  const core::TimeMs stop_grace_ms_;
  int starts_ = 0;

  Phase phase_ = Phase::kRunning;
  std::optional<Ending> ending_;
  std::string reason_code_;
  std::string reason_message_;
  std::optional<core::TimeMs> deadline_;       // JobMaxRunningTimeMinutes
  std::optional<core::TimeMs> kill_at_;        // kTerminating: SIGKILL then
  std::optional<core::TimeMs> reserve_until_;  // kReserving: end then
};

// What a failed pod's log may put into its job's ReasonMessage.
inline constexpr size_t kMaxReasonBytes = 4096;
inline constexpr size_t kMaxReasonLineBytes = 512;

// K8s restart policies on one pod's exit: Always and OnFailure restart,
// ExitCode restarts exits by a signal or with a code of 128 or more.
bool PolicyRestarts(const std::string& policy, const core::PodState& pod);

// The pods' share of the job's GPUs: each pod gets as many as its role
// asks for, in order, written to PodPlan::gpus ("0,1").
void ShareGpus(const core::TrainingJob& job, const std::vector<int>& gpus,
               std::vector<PodPlan>& plans);

}  // namespace drover::runner
