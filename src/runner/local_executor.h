// LocalExecutor: each pod is a /bin/sh process leading its own process
// group on this machine (runner/process.h); a signal goes to the whole
// group. A leftover pod is recognised by its POD_UID in /proc/<pid>/environ,
// so a reused pid is never killed.
#pragma once

#include "runner/executor.h"

namespace drover::runner {

class LocalExecutor final : public Executor {
 public:
  int64_t Start(const PodLaunch& launch) override;
  void Signal(int64_t handle, int signal) override;
  std::optional<ExitStatus> Poll(int64_t handle) override;
  void KillLeftover(const core::PodState& pod) override;
  int FreePort() override;
};

}  // namespace drover::runner
