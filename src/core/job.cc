#include "core/job.h"

#include <cstdlib>
#include <string>

#include "core/error.h"

namespace drover::core {

std::string_view VisibilityName(Visibility v) {
  return v == Visibility::kPublic ? "PUBLIC" : "PRIVATE";
}

namespace {

// Leading decimal number of a resource string ("4", "0.5", "10Gi").
double LeadingNumber(const std::string& s) { return s.empty() ? 0 : std::strtod(s.c_str(), nullptr); }

// Bytes of a Kubernetes-style quantity: "10Gi", "512Mi", "1G", "1024".
double MemoryBytes(const std::string& s) {
  if (s.empty()) return 0;
  char* end = nullptr;
  double value = std::strtod(s.c_str(), &end);
  std::string unit(end);
  static const std::pair<const char*, double> kUnits[] = {
      {"Ki", 1024.0}, {"Mi", 1048576.0}, {"Gi", 1073741824.0}, {"Ti", 1099511627776.0},
      {"K", 1e3},     {"M", 1e6},        {"G", 1e9},           {"T", 1e12},
  };
  for (const auto& [name, scale] : kUnits) {
    if (unit == name) return value * scale;
  }
  return value;
}

}  // namespace

int64_t Job::RequestCpu() const {
  double total = 0;
  for (const RoleSpec& r : roles) total += LeadingNumber(r.cpu) * static_cast<double>(r.pod_count);
  return static_cast<int64_t>(total);
}

int64_t Job::RequestGpu() const {
  double total = 0;
  for (const RoleSpec& r : roles) total += LeadingNumber(r.gpu) * static_cast<double>(r.pod_count);
  return static_cast<int64_t>(total);
}

std::string Job::RequestMemory() const {
  double total = 0;
  for (const RoleSpec& r : roles) total += MemoryBytes(r.memory) * static_cast<double>(r.pod_count);
  if (total == 0) return "";
  const double gib = 1073741824.0;
  if (total >= gib && static_cast<int64_t>(total) % static_cast<int64_t>(gib) == 0) {
    return std::to_string(static_cast<int64_t>(total / gib)) + "Gi";
  }
  return std::to_string(static_cast<int64_t>(total / 1048576.0)) + "Mi";
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
