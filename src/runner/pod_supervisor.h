// PodSupervisor: the small process that stands for one pod on this machine
// (`drover pod-supervise`, started by the LocalExecutor). It runs the pod's
// command (`program` with `argv`: /bin/sh as `sh -c …`, or bwrap running that
// inside a sandbox, runner/sandbox.h)
// and holds every process the command starts:
//
//   - It is a child subreaper (PR_SET_CHILD_SUBREAPER), so a descendant
//     that is orphaned — a background `sleep &`, a `setsid` daemon — is
//     re-parented to it, never escapes to init.
//   - SIGTERM (or SIGINT) is passed on to every descendant, wherever it
//     moved (other process groups and sessions included).
//   - SIGUSR1 means "kill the pod": every descendant gets SIGKILL.
//   - When the command's shell exits, whatever it left behind is killed;
//     no process outlives its pod.
//   - The pod's stdout and stderr come to it through a pipe and are
//     appended to `log_file`; at `log_limit` bytes the log is rotated to
//     "<log_file>.1" (the older one dropped, its size added to
//     "<log_file>.dropped"), so a pod that writes a gigabyte keeps its last
//     one to two `log_limit`s and no more.
//   - The shell's exit is written to `exit_file` ("<exit code> <signal>\n",
//     atomically) before the supervisor exits the same way (the same code,
//     or killed by the same signal). The file survives the server, so a
//     server that restarts learns how a pod ended while it was down.
//
// The supervisor does not die with the server: a pod keeps running, and a
// restarted server adopts it (runner/local_executor.h).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "runner/executor.h"

namespace drover::runner {

// Runs the supervisor; returns the pod's exit code (or raises its signal).
// Its own stdout and stderr must be `log_file`, opened for appending.
int RunPodSupervisor(const std::string& program, const std::vector<std::string>& argv,
                     const std::filesystem::path& exit_file, const std::filesystem::path& log_file,
                     uint64_t log_limit);

// How many bytes of the pod's log were dropped by rotation (0 for none).
uint64_t ReadDroppedBytes(const std::filesystem::path& log_file);

// Records `exit` in `file` ("<exit code> <signal>\n"), atomically.
void WriteExitFile(const std::filesystem::path& file, const ExitStatus& exit);

// The exit an exit file records; nullopt when there is none (yet) or it
// cannot be read.
std::optional<ExitStatus> ReadExitFile(const std::filesystem::path& exit_file);

}  // namespace drover::runner
