// Process: start a program as a real process in its own process group,
// signal the group, and collect its exit without blocking.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runner/executor.h"

namespace drover::runner {

struct ProcessSpec {
  std::vector<std::string> argv;           // argv[0] is the program's path
  std::filesystem::path working_dir;       // must exist
  std::map<std::string, std::string> env;  // added to the server's environment
  std::filesystem::path log_file;          // stdout and stderr, appended
};

// Starts the process; it leads a new process group (pgid == pid) and reads
// /dev/null. Throws std::runtime_error when it cannot be started.
pid_t StartProcess(const ProcessSpec& spec);

// Sends `signal` to the whole process group; false when it no longer exists.
bool SignalGroup(pid_t pgid, int signal);

// The exit of child `pid` if it has ended (reaping it), else nullopt.
// ECHILD (not this process's child) answers {-1, 0}.
std::optional<ExitStatus> PollExit(pid_t pid);
// Whether `pid` is this process's child (exited or not); false for a
// process this one did not start (an adopted pod).
bool IsChild(pid_t pid);

// Whether `pid` is a live process whose environment holds `marker`
// ("NAME=value"): a pod left over by an earlier server, not a reused pid.
bool IsOurProcess(pid_t pid, const std::string& marker);

// Runs a command to its end (a Slurm client command, say) and returns
// what it printed: the program is found on PATH, reads /dev/null, and is
// killed after `timeout_ms`. Throws std::runtime_error when it cannot start.
struct CommandResult {
  int exit_code = -1;  // -1: killed by a signal (or the timeout)
  std::string out;     // its standard output
  std::string err;     // its standard error
};
CommandResult RunCommand(const std::vector<std::string>& argv, int timeout_ms = 30'000);

// A TCP port on 127.0.0.1 that is free right now.
int FreePort();

}  // namespace drover::runner
