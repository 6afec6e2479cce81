#include "runner/local_executor.h"

#include <signal.h>

#include "runner/process.h"

namespace drover::runner {

int64_t LocalExecutor::Start(const PodLaunch& launch) {
  return StartProcess(ProcessSpec{launch.command, launch.working_dir, launch.env, launch.log_file});
}

void LocalExecutor::Signal(int64_t handle, int signal) {
  SignalGroup(static_cast<pid_t>(handle), signal);
}

std::optional<ExitStatus> LocalExecutor::Poll(int64_t handle) {
  return PollExit(static_cast<pid_t>(handle));
}

void LocalExecutor::KillLeftover(const core::PodState& pod) {
  if (IsOurProcess(static_cast<pid_t>(pod.pid), "POD_UID=" + pod.uid)) {
    SignalGroup(static_cast<pid_t>(pod.pid), SIGKILL);
  }
}

int LocalExecutor::FreePort() { return runner::FreePort(); }

}  // namespace drover::runner
