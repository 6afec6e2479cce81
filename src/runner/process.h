// Process: start a pod's command as a real process in its own process
// group, signal the group, and collect its exit without blocking.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "runner/executor.h"

namespace drover::runner {

struct ProcessSpec {
  std::string command;                     // run as /bin/sh -c <command>
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
std::optional<ExitStatus> PollExit(pid_t pid);

// Whether `pid` is a live process whose environment holds `marker`
// ("NAME=value"): a pod left over by an earlier server, not a reused pid.
bool IsOurProcess(pid_t pid, const std::string& marker);

// A TCP port on 127.0.0.1 that is free right now.
int FreePort();

}  // namespace drover::runner
