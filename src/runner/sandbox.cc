#include "runner/sandbox.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

namespace drover::runner {

namespace fs = std::filesystem;

namespace {

// `p` normalized, without a trailing slash.
fs::path Normal(const fs::path& p) {
  fs::path n = p.lexically_normal();
  return n.has_filename() || n == "/" ? n : n.parent_path();
}

// Whether `ancestor` is `path` or one of its parents (both Normal).
bool Within(const fs::path& path, const fs::path& ancestor) {
  return std::mismatch(ancestor.begin(), ancestor.end(), path.begin(), path.end()).first ==
         ancestor.end();
}

// Binds the entries of host directory `dir` into the sandbox one by one,
// descending (in the sandbox's tmpfs) into those that lead to a mount
// target, so the target's missing directories are made there.
void Expose(const fs::path& dir, const std::vector<fs::path>& targets,
            std::vector<std::string>& args) {
  std::vector<fs::path> entries;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) entries.push_back(e.path());
  std::sort(entries.begin(), entries.end());
  for (const fs::path& p : entries) {
    bool leads = std::any_of(targets.begin(), targets.end(),
                             [&](const fs::path& t) { return Within(t, p); });
    fs::file_status link = fs::symlink_status(p, ec);
    if (fs::is_symlink(link)) {
      args.insert(args.end(), {"--symlink", fs::read_symlink(p, ec).string(), p.string()});
      continue;
    }
    if (!leads || !fs::is_directory(link)) {
      args.insert(args.end(), {"--dev-bind", p.string(), p.string()});
      continue;
    }
    args.insert(args.end(), {"--dir", p.string()});
    bool is_target = std::find(targets.begin(), targets.end(), p) != targets.end();
    if (!is_target) Expose(p, targets, args);
  }
}

}  // namespace

std::string FormatMount(const Mount& mount) {
  return std::string(mount.read_only ? "ro" : "rw") + ":" + mount.target.string() + ":" +
         mount.source.string();
}

std::optional<Mount> ParseMount(const std::string& text) {
  size_t first = text.find(':');
  size_t second = first == std::string::npos ? first : text.find(':', first + 1);
  if (second == std::string::npos) return std::nullopt;
  std::string mode = text.substr(0, first);
  if (mode != "ro" && mode != "rw") return std::nullopt;
  Mount mount{text.substr(second + 1), text.substr(first + 1, second - first - 1), mode == "ro"};
  if (!mount.source.is_absolute() || !mount.target.is_absolute()) return std::nullopt;
  return mount;
}

std::optional<fs::path> FindBubblewrap() {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  for (size_t start = 0; start <= dirs.size();) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    fs::path candidate = fs::path(dirs.substr(start, end - start)) / "bwrap";
    if (!candidate.parent_path().empty() && access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return std::nullopt;
}

std::vector<std::string> SandboxArgv(const fs::path& bwrap, const std::vector<Mount>& mounts,
                                     const fs::path& working_dir, const std::string& command) {
  std::vector<fs::path> targets;
  for (const Mount& m : mounts) {
    if (!m.target.is_absolute()) {
      throw std::runtime_error("a mount path must be absolute: " + m.target.string());
    }
    targets.push_back(Normal(m.target));
    if (targets.back() == "/") throw std::runtime_error("nothing may be mounted at /");
  }
  for (const fs::path& a : targets) {
    for (const fs::path& b : targets) {
      if (&a != &b && Within(b, a)) {
        throw std::runtime_error("the mount paths " + a.string() + " and " + b.string() +
                                 " lie one inside the other");
      }
    }
  }
  std::vector<std::string> args = {bwrap.string(), "--die-with-parent"};
  Expose("/", targets, args);
  for (size_t i = 0; i < mounts.size(); ++i) {
    const char* bind = mounts[i].read_only ? "--ro-bind" : "--bind";
    args.insert(args.end(), {bind, mounts[i].source.string(), targets[i].string()});
  }
  args.insert(args.end(), {"--chdir", working_dir.string(), "--", "/bin/sh", "-c", command});
  return args;
}

}  // namespace drover::runner
