// Executor: where pods run. The runner decides what happens to a job
// (runner/lifecycle.h); an executor only does it — starts a job's pods,
// signals them, reports their exits, takes back the pods an earlier server
// started. The local executor (local_executor.h) runs each pod under a
// supervisor process on this machine; the Slurm executor
// (slurm_executor.h) hands a job's pods to a Slurm cluster as one Slurm
// job; tests use testing/fake_executor.h.
//
// An executor may queue jobs itself (Slurm does): the runner then hands it
// a job at once, without waiting for this node's capacity, and the job
// stays Queuing — with Waiting's reason — until its pods are placed.
//
// Called from the runner's thread only.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/training_job.h"
#include "runner/pod_env.h"
#include "runner/sandbox.h"

namespace drover::runner {

struct PodLaunch {
  std::string uid;                         // the pod's POD_UID
  std::string command;                     // run as /bin/sh -c <command>
  std::filesystem::path working_dir;       // exists
  std::map<std::string, std::string> env;  // on top of the server's environment
  std::filesystem::path log_file;          // stdout and stderr, appended
  std::filesystem::path exit_file;         // where the pod's exit is recorded
  std::vector<Mount> mounts;               // data to place in the pod's file system
};

// One job's pods, started together: `pods[i]` is `plans[i]`'s.
struct JobLaunch {
  const core::TrainingJob& job;
  std::vector<PodPlan> plans;
  std::vector<PodLaunch> pods;
};

struct ExitStatus {
  ExitStatus() = default;
  ExitStatus(int code, int sig, std::string cause = {}, std::string message = {})
      : exit_code(code),
        signal(sig),
        cause_code(std::move(cause)),
        cause_message(std::move(message)) {}

  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;      // 0 when it exited by itself
  // Set when the executor knows why the pod was ended from outside (a
  // cluster's time limit, a node that failed): the job's ReasonCode
  // ("JobTimeout", "NodeFailed", …) and ReasonMessage.
  std::string cause_code;
  std::string cause_message;

  bool Ok() const { return exit_code == 0 && signal == 0; }
  bool operator==(const ExitStatus&) const = default;
};

// Thrown by Start when the executor's cluster cannot be reached right now
// (its controller restarts, say): the runner keeps the job Queuing and
// hands it over again later.
class ExecutorUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Executor {
 public:
  virtual ~Executor() = default;

  // Starts the pods of one job and returns their handles (> 0; stored as
  // PodState::pid), in order. A pod that could not start gets 0, and
  // `error` says why; the pods after it are not started. May throw
  // ExecutorUnavailable.
  virtual std::vector<int64_t> Start(const JobLaunch& launch, std::string& error) = 0;
  // True when the executor queues jobs itself (see above).
  virtual bool Queues() const { return false; }
  // Why a started pod still waits to be placed (the cluster scheduler's
  // reason), or nullopt once it runs or has ended.
  virtual std::optional<std::string> Waiting(int64_t /*handle*/) { return std::nullopt; }
  // Ends whatever of `job` the executor may still run although no handle of
  // it was stored: a server that crashed between handing a queued job over
  // and storing its handles. Called for a queued job with no pods before it
  // is handed over again.
  virtual void Abandon(const core::TrainingJob& /*job*/) {}
  // The job's priority (1–9) changed while its pods wait or run.
  virtual void Reprioritize(int64_t /*handle*/, int64_t /*priority*/) {}
  // Sends `signal` (SIGTERM, SIGKILL) to every process of the pod; does
  // nothing once the pod has ended.
  virtual void Signal(int64_t handle, int signal) = 0;
  // The pod's exit once it has ended (reported once), else nullopt.
  virtual std::optional<ExitStatus> Poll(int64_t handle) = 0;
  // Takes back a pod an earlier server started (`pod` as stored, `launch`
  // as it was started): kRunning when it still runs and kEnded when it has
  // ended and its exit is known — either way Poll and Signal now work on
  // it — or kGone when nothing of it is left to tell how it ended.
  enum class Adoption { kRunning, kEnded, kGone };
  virtual Adoption Adopt(const core::PodState& pod, const PodLaunch& launch) = 0;
  // A port the pod may listen on (TF_CONFIG, MASTER_PORT).
  virtual int FreePort() = 0;
};

}  // namespace drover::runner
