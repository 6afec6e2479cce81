// Executor: where pods run. The runner decides what happens to a job
// (runner/lifecycle.h); an executor only does it — starts a pod, signals
// it, reports its exit, takes back the pods an earlier server started. The
// local executor (local_executor.h) runs each pod under a supervisor
// process on this machine; tests use testing/fake_executor.h; a Slurm
// executor plugs in here.
//
// Called from the runner's thread only.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/training_job.h"
#include "runner/sandbox.h"

namespace drover::runner {

struct PodLaunch {
  std::string command;                     // run as /bin/sh -c <command>
  std::filesystem::path working_dir;       // exists
  std::map<std::string, std::string> env;  // on top of the server's environment
  std::filesystem::path log_file;          // stdout and stderr, appended
  std::filesystem::path exit_file;         // where the pod's exit is recorded
  std::vector<Mount> mounts;               // data to place in the pod's file system
};

struct ExitStatus {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;      // 0 when it exited by itself

  bool Ok() const { return exit_code == 0 && signal == 0; }
  bool operator==(const ExitStatus&) const = default;
};

class Executor {
 public:
  virtual ~Executor() = default;

  // Starts a pod and returns its handle (> 0; stored as PodState::pid).
  // Throws std::runtime_error when it cannot start.
  virtual int64_t Start(const PodLaunch& launch) = 0;
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
