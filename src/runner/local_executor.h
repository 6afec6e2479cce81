// LocalExecutor: each pod is a `drover pod-supervise` process
// (runner/pod_supervisor.h) leading its own process group on this machine,
// running the pod's command under /bin/sh — inside its own mount namespace
// (runner/sandbox.h, bubblewrap) when it has data to mount; without
// bubblewrap such a pod does not start. The supervisor holds every
// process the pod starts and kills what is left when the pod ends, and
// records the pod's exit in a file that outlives the server.
//
// Signals: SIGTERM goes to the pod's process group (the supervisor passes
// it on to every descendant); SIGKILL becomes SIGUSR1 to the supervisor,
// which kills every descendant — a plain SIGKILL would end the supervisor
// first and free what it holds.
//
// A pod is recognised as this server's by its POD_UID in
// /proc/<pid>/environ, so a reused pid is never taken for a pod. A pod
// adopted from an earlier server is not this process's child: it is
// running while its supervisor lives, and its exit is read from its file.
#pragma once

#include <filesystem>
#include <map>
#include <optional>

#include "runner/executor.h"

namespace drover::runner {

class LocalExecutor final : public Executor {
 public:
  // `supervisor`: the drover binary that runs `pod-supervise` (by default
  // this very program); `log_limit`: bytes a pod's log keeps before it is
  // rotated.
  explicit LocalExecutor(std::filesystem::path supervisor = DefaultSupervisor(),
                         uint64_t log_limit = 64 << 20);

  std::vector<int64_t> Start(const JobLaunch& launch, std::string& error) override;
  void Signal(int64_t handle, int signal) override;
  std::optional<ExitStatus> Poll(int64_t handle) override;
  Adoption Adopt(const core::PodState& pod, const PodLaunch& launch) override;
  int FreePort() override;

  // This very program: /proc/self/exe, which names its running image even
  // after its file is replaced.
  static std::filesystem::path DefaultSupervisor();

 private:
  // Starts one pod; throws std::runtime_error when it cannot.
  int64_t StartPod(const PodLaunch& launch);

  struct Adopted {
    std::string uid;
    std::filesystem::path exit_file;
  };

  const std::filesystem::path supervisor_;
  const uint64_t log_limit_;
  const std::optional<std::filesystem::path> bwrap_;  // nullopt: bubblewrap is not installed
  std::map<int64_t, Adopted> adopted_;                // pods that are not this process's children
};

}  // namespace drover::runner
