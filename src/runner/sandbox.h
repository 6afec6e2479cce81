// Sandbox: a pod's own mount namespace (bubblewrap, Debian's `bwrap`) in
// which datasets appear at their mount paths. Everything else of the host's
// file system is there as it is (bound, writable as before); only the
// mounts are added, read-only unless the mount is read-write. No mount
// point is ever made on the host: a mount path whose directories do not
// exist gets them in the sandbox's own tmpfs, beside the host's entries
// bound one by one.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace drover::runner {

struct Mount {
  std::filesystem::path source;  // on the host; exists
  std::filesystem::path target;  // absolute, inside the pod
  bool read_only = true;
  bool operator==(const Mount&) const = default;
};

// "ro:<target>:<source>" (or "rw:…"), and back: how a mount travels on the
// supervisor's command line. Parse returns nullopt for anything else.
std::string FormatMount(const Mount& mount);
std::optional<Mount> ParseMount(const std::string& text);

// Where `bwrap` is (on PATH), or nullopt when bubblewrap is not installed.
std::optional<std::filesystem::path> FindBubblewrap();

// The argv that runs `/bin/sh -c command` in `working_dir` with `mounts`
// in place: `bwrap` and its options first. Reads the host directories on
// the way to each mount path. Throws std::runtime_error for a target that
// is not absolute or lies inside another mount's target.
std::vector<std::string> SandboxArgv(const std::filesystem::path& bwrap,
                                     const std::vector<Mount>& mounts,
                                     const std::filesystem::path& working_dir,
                                     const std::string& command);

}  // namespace drover::runner
