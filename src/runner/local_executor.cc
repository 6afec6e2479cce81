#include "runner/local_executor.h"

#include <signal.h>

#include "runner/pod_supervisor.h"
#include "runner/process.h"

namespace drover::runner {

LocalExecutor::LocalExecutor(std::filesystem::path supervisor, uint64_t log_limit)
    : supervisor_(std::move(supervisor)), log_limit_(log_limit), bwrap_(FindBubblewrap()) {}

std::filesystem::path LocalExecutor::DefaultSupervisor() {
  // Not the path it names: a binary rebuilt or upgraded while the server
  // runs replaces that file, and the running server's own image (still
  // reachable here) is the one that must supervise its pods.
  return "/proc/self/exe";
}

std::vector<int64_t> LocalExecutor::Start(const JobLaunch& launch, std::string& error) {
  std::vector<int64_t> handles;
  for (size_t i = 0; i < launch.pods.size(); ++i) {
    try {
      handles.push_back(StartPod(launch.pods[i]));
    } catch (const std::exception& e) {
      error = "Pod " + launch.plans[i].name + " could not start: " + e.what();
      break;
    }
  }
  return handles;
}

int64_t LocalExecutor::StartPod(const PodLaunch& launch) {
  std::vector<std::string> argv = {
      supervisor_.string(), "pod-supervise",          "--exit-file", launch.exit_file.string(),
      "--log-file",         launch.log_file.string(), "--log-limit", std::to_string(log_limit_)};
  if (!launch.mounts.empty()) {
    // Without its own mount namespace a pod would run without its data.
    if (!bwrap_) {
      throw std::runtime_error(
          "bubblewrap (bwrap) is not installed, and a job with DataSources needs it to mount "
          "its data; install the Debian package bubblewrap");
    }
    argv.insert(argv.end(), {"--bwrap", bwrap_->string()});
    for (const Mount& mount : launch.mounts) {
      argv.insert(argv.end(), {"--mount", FormatMount(mount)});
    }
  }
  argv.insert(argv.end(), {"--", launch.command});
  std::filesystem::remove(launch.exit_file);
  int64_t pid =
      StartProcess(ProcessSpec{std::move(argv), launch.working_dir, launch.env, launch.log_file});
  adopted_.erase(pid);  // a pid an ended adopted pod had is this child's now
  return pid;
}

void LocalExecutor::Signal(int64_t handle, int signal) {
  auto pid = static_cast<pid_t>(handle);
  if (signal == SIGKILL) {
    kill(pid, SIGUSR1);  // the supervisor kills every process of the pod
    return;
  }
  SignalGroup(pid, signal);
}

std::optional<ExitStatus> LocalExecutor::Poll(int64_t handle) {
  auto adopted = adopted_.find(handle);
  if (adopted == adopted_.end()) return PollExit(static_cast<pid_t>(handle));
  if (IsOurProcess(static_cast<pid_t>(handle), "POD_UID=" + adopted->second.uid)) {
    return std::nullopt;
  }
  std::optional<ExitStatus> exit = ReadExitFile(adopted->second.exit_file);
  adopted_.erase(adopted);
  // A supervisor that could not record the end was killed outright.
  return exit.value_or(ExitStatus{-1, SIGKILL});
}

Executor::Adoption LocalExecutor::Adopt(const core::PodState& pod, const PodLaunch& launch) {
  if (pod.pid <= 0) return Adoption::kGone;
  if (IsOurProcess(static_cast<pid_t>(pod.pid), "POD_UID=" + pod.uid)) {
    adopted_[pod.pid] = Adopted{pod.uid, launch.exit_file};
    return Adoption::kRunning;
  }
  if (!ReadExitFile(launch.exit_file)) return Adoption::kGone;
  adopted_[pod.pid] = Adopted{pod.uid, launch.exit_file};
  return Adoption::kEnded;
}

int LocalExecutor::FreePort() { return runner::FreePort(); }

}  // namespace drover::runner
