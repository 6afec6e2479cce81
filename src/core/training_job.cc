#include "core/training_job.h"

#include <algorithm>

#include "core/error.h"
#include "core/quantity.h"

namespace drover::core {

std::string_view VisibilityName(Visibility v) {
  return v == Visibility::kPublic ? "PUBLIC" : "PRIVATE";
}

int64_t TrainingJob::RequestCpu() const {
  int64_t milli = 0;
  for (const RoleSpec& r : roles) milli += ParseCpuMilli(r.cpu).value_or(0) * r.pod_count;
  return milli / 1000;
}

int64_t TrainingJob::RequestGpu() const {
  int64_t milli = 0;
  for (const RoleSpec& r : roles) milli += ParseCpuMilli(r.gpu).value_or(0) * r.pod_count;
  return milli / 1000;
}

std::string TrainingJob::RequestMemory() const {
  int64_t bytes = 0;
  for (const RoleSpec& r : roles) bytes += ParseMemoryBytes(r.memory).value_or(0) * r.pod_count;
  return FormatMemory(bytes);
}

int64_t TrainingJob::NodeCount() const {
  int64_t total = 0;
  for (const RoleSpec& r : roles) total += r.pod_count;
  return total;
}

int64_t DurationSeconds(TimeMs running, TimeMs finished, TrainingStatus status, TimeMs now) {
  if (running == 0) return 0;
  TimeMs end = finished != 0 ? finished : (IsTerminal(status) ? running : now);
  return end > running ? (end - running) / kMsPerSecond : 0;
}

int64_t TrainingJob::DurationSeconds(TimeMs now) const {
  return core::DurationSeconds(running, finished, status, now);
}

std::string TrainingJob::Images() const {
  std::string out;
  for (const RoleSpec& r : roles) {
    if (r.image.empty()) continue;
    if (!out.empty()) out += ' ';
    out += r.image;
  }
  return out;
}

namespace {

// A mount path as the sandbox takes it: absolute, no "." or ".." parts,
// no ':' (runner/sandbox.h's command line), not the root.
bool PlainMountPath(std::string_view path) {
  if (path.size() < 2 || path.front() != '/' || path.size() > kMaxMountPathBytes) return false;
  if (path.find_first_of(std::string_view(":\0", 2)) != std::string_view::npos) return false;
  for (size_t start = 1; start <= path.size();) {
    size_t end = std::min(path.find('/', start), path.size());
    std::string_view part = path.substr(start, end - start);
    if (part == "." || part == "..") return false;
    start = end + 1;
  }
  return true;
}

// "/a/b/" and "/a/b" alike, for comparing.
std::string Trimmed(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return std::string(path);
}

void CheckMounts(const std::vector<DataMount>& mounts) {
  if (mounts.size() > kMaxMounts) {
    ThrowInvalidField("data_sources",
                      " may hold at most " + std::to_string(kMaxMounts) + " items.");
  }
  for (size_t i = 0; i < mounts.size(); ++i) {
    const std::string& path = mounts[i].mount_path;
    std::string at = "data_sources[" + std::to_string(i) + "].mount_path";
    if (path.empty()) continue;  // not resolved yet
    if (!PlainMountPath(path)) {
      ThrowInvalidField(at,
                        " must be an absolute path other than / without \"..\" or ':', of "
                        "at most 1024 bytes, not \"" +
                            path + "\".");
    }
    std::string mine = Trimmed(path) + "/";
    for (size_t j = 0; j < i; ++j) {
      std::string other = Trimmed(mounts[j].mount_path) + "/";
      if (mounts[j].mount_path.empty()) continue;
      if (mine.starts_with(other) || other.starts_with(mine)) {
        ThrowInvalidField(at, " " + path + " lies inside " + mounts[j].mount_path +
                                  ", or it inside it: mount paths must be apart.");
      }
    }
  }
}

}  // namespace

void CheckJobLimits(const TrainingJob& job) {
  auto range = [](const std::string& field, int64_t value, int64_t lo, int64_t hi) {
    if (value < lo || value > hi) {
      ThrowInvalidField(field, " must be from " + std::to_string(lo) + " to " + std::to_string(hi) +
                                   ", not " + std::to_string(value) + ".");
    }
  };
  int64_t pods = 0;
  for (size_t i = 0; i < job.roles.size(); ++i) {
    const RoleSpec& role = job.roles[i];
    std::string at = "roles[" + std::to_string(i) + "].";
    range(at + "pod_count", role.pod_count, 1, kMaxPodsPerJob);
    pods += role.pod_count;
    const std::string_view policies[] = {"", "Always", "Never", "OnFailure", "ExitCode"};
    if (std::find(std::begin(policies), std::end(policies), role.restart_policy) ==
        std::end(policies)) {
      ThrowInvalidField(at + "restart_policy", " must be Always, Never, OnFailure or ExitCode.");
    }
    std::optional<int64_t> cpu = ParseCpuMilli(role.cpu), gpu = ParseCpuMilli(role.gpu);
    std::optional<int64_t> memory = ParseMemoryBytes(role.memory);
    if (!cpu || *cpu > kMaxCpuMilliPerPod) {
      ThrowInvalidField(at + "cpu", " must be a number of cores up to " +
                                        std::to_string(kMaxCpuMilliPerPod / 1000) + ".");
    }
    if (!gpu || *gpu % 1000 != 0 || *gpu / 1000 > kMaxGpusPerPod) {
      ThrowInvalidField(at + "gpu", " must be a whole number of GPUs up to " +
                                        std::to_string(kMaxGpusPerPod) + ".");
    }
    if (!memory || *memory > kMaxMemoryPerPod) {
      ThrowInvalidField(at + "memory", " must be a quantity such as \"10Gi\", up to 1Pi.");
    }
  }
  if (pods > kMaxPodsPerJob) {
    ThrowInvalid("roles", "A job may have at most " + std::to_string(kMaxPodsPerJob) +
                              " pods, not " + std::to_string(pods) + ".");
  }
  range("max_running_minutes", job.max_running_minutes, 0, kMaxRunningMinutes);
  range("reserved_minutes", job.reserved_minutes, 0, kMaxReservedMinutes);
  range("max_restarts", job.max_restarts, 0, kMaxRestarts);
  if (job.user_command.size() > kMaxCommandBytes) {
    ThrowInvalidField("user_command",
                      " must be at most " + std::to_string(kMaxCommandBytes) + " bytes.");
  }
  if (job.user_command.find('\0') != std::string::npos) {
    ThrowInvalidField("user_command", " must not contain a NUL character.");
  }
  if (job.envs.size() > kMaxEnvs) {
    ThrowInvalidField("envs", " may hold at most " + std::to_string(kMaxEnvs) + " variables.");
  }
  for (const auto& [name, value] : job.envs) {
    if (name.empty() || name.find_first_of(std::string_view("=\0", 2)) != std::string::npos ||
        name.size() > 1024) {
      ThrowInvalidField("envs", " names must be 1 to 1024 characters without '=' or NUL.");
    }
    if (value.size() > kMaxEnvBytes || value.find('\0') != std::string::npos) {
      ThrowInvalidField("envs", "." + name + " must be at most " + std::to_string(kMaxEnvBytes) +
                                    " bytes without NUL.");
    }
  }
  CheckMounts(job.mounts);
}

bool CanSee(const Viewer& viewer, const TrainingJob& job) {
  if (job.tenant_id != viewer.tenant) return false;
  if (viewer.tenant_admin || job.user_id == viewer.user) return true;
  if (viewer.IsWorkspaceAdmin(job.workspace_id)) return true;
  return job.visibility == Visibility::kPublic && viewer.IsMember(job.workspace_id);
}

bool CanChange(const Viewer& viewer, const TrainingJob& job) {
  if (job.tenant_id != viewer.tenant) return false;
  return viewer.tenant_admin || job.user_id == viewer.user ||
         viewer.IsWorkspaceAdmin(job.workspace_id);
}

int64_t TrainingJob::RestartLimit() const {
  constexpr int64_t kDefaultRestartLimit = 3;
  for (const RoleSpec& r : roles) {
    if (r.restart_policy == "Always" || r.restart_policy == "OnFailure" ||
        r.restart_policy == "ExitCode") {
      return max_restarts > 0 ? max_restarts : kDefaultRestartLimit;
    }
  }
  return 0;
}

void TransitionJob(TrainingJob& job, TrainingStatus to, TimeMs now, std::string reason_code,
                   std::string reason_message) {
  if (!CanTransition(job.status, to)) {
    throw Error(ErrorCode::kFailedPrecondition,
                "The job " + job.public_id + " is " + std::string(TrainingStatusName(job.status)) +
                    " and cannot become " + std::string(TrainingStatusName(to)) + ".");
  }
  if (!job.history.empty() && job.history.back().end == 0) job.history.back().end = now;
  job.history.push_back(StatusEvent{to, now, 0, reason_code, reason_message});
  job.status = to;
  job.modified = now;
  if (!reason_code.empty() || IsTerminal(to)) {
    job.reason_code = std::move(reason_code);
    job.reason_message = std::move(reason_message);
  }
  switch (to) {
    case TrainingStatus::kQueuing:
      if (job.submitted == 0) job.submitted = now;
      break;
    case TrainingStatus::kRunning:
      if (job.running == 0) job.running = now;
      job.sub_status.clear();
      break;
    case TrainingStatus::kRestarting:
      job.sub_status = "Restarting";
      break;
    case TrainingStatus::kSucceeded:
      job.succeeded = job.finished = now;
      break;
    case TrainingStatus::kFailed:
      job.failed = job.finished = now;
      break;
    case TrainingStatus::kStopped:
      job.stopped = job.finished = now;
      break;
    default:
      break;
  }
  if (IsTerminal(to)) job.history.back().end = now;
}

}  // namespace drover::core
