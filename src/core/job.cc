#include "core/job.h"

#include "core/error.h"
#include "core/quantity.h"

namespace drover::core {

std::string_view VisibilityName(Visibility v) {
  return v == Visibility::kPublic ? "PUBLIC" : "PRIVATE";
}

int64_t Job::RequestCpu() const {
  int64_t milli = 0;
  for (const RoleSpec& r : roles) milli += ParseCpuMilli(r.cpu).value_or(0) * r.pod_count;
  return milli / 1000;
}

int64_t Job::RequestGpu() const {
  int64_t milli = 0;
  for (const RoleSpec& r : roles) milli += ParseCpuMilli(r.gpu).value_or(0) * r.pod_count;
  return milli / 1000;
}

std::string Job::RequestMemory() const {
  int64_t bytes = 0;
  for (const RoleSpec& r : roles) bytes += ParseMemoryBytes(r.memory).value_or(0) * r.pod_count;
  return FormatMemory(bytes);
}

int64_t Job::NodeCount() const {
  int64_t total = 0;
  for (const RoleSpec& r : roles) total += r.pod_count;
  return total;
}

int64_t Job::DurationSeconds(TimeMs now) const {
  if (running == 0) return 0;
  TimeMs end = finished != 0 ? finished : (IsTerminal(status) ? running : now);
  return end > running ? (end - running) / kMsPerSecond : 0;
}

std::string Job::Images() const {
  std::string out;
  for (const RoleSpec& r : roles) {
    if (r.image.empty()) continue;
    if (!out.empty()) out += ' ';
    out += r.image;
  }
  return out;
}

bool CanSee(const Viewer& viewer, const Job& job) {
  if (job.tenant_id != viewer.tenant) return false;
  if (viewer.tenant_admin || job.user_id == viewer.user) return true;
  if (viewer.IsWorkspaceAdmin(job.workspace_id)) return true;
  return job.visibility == Visibility::kPublic && viewer.IsMember(job.workspace_id);
}

bool CanChange(const Viewer& viewer, const Job& job) {
  if (job.tenant_id != viewer.tenant) return false;
  return viewer.tenant_admin || job.user_id == viewer.user ||
         viewer.IsWorkspaceAdmin(job.workspace_id);
}

int64_t Job::RestartLimit() const {
  constexpr int64_t kDefaultRestartLimit = 3;
  for (const RoleSpec& r : roles) {
    if (r.restart_policy == "Always" || r.restart_policy == "OnFailure" ||
        r.restart_policy == "ExitCode") {
      return max_restarts > 0 ? max_restarts : kDefaultRestartLimit;
    }
  }
  return 0;
}

void TransitionJob(Job& job, TrainingStatus to, TimeMs now, std::string reason_code,
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
