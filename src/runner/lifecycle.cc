#include "runner/lifecycle.h"

#include <string.h>

#include <algorithm>

#include "core/utf8.h"
#include "runner/resources.h"

namespace drover::runner {

using core::TrainingStatus;

namespace {

// Where a job is while its pods run; an ending moves it from any of these.
// (Queuing too: a job whose pods wait in a queueing executor.)
const std::vector<TrainingStatus> kStarted = {
    TrainingStatus::kRunning, TrainingStatus::kRestarting, TrainingStatus::kEnvPreparing,
    TrainingStatus::kSanityChecking, TrainingStatus::kQueuing};

const Move kStoppedByUser{{TrainingStatus::kStopping},
                          TrainingStatus::kStopped,
                          "JobStoppedByUser",
                          "Job is stopped by user."};

std::string DescribeExit(const core::PodState& pod) {
  if (pod.signal != 0) {
    return "Pod " + pod.name + " was killed by signal " + std::to_string(pod.signal) + " (" +
           strsignal(static_cast<int>(pod.signal)) + ").";
  }
  return "Pod " + pod.name + " exited with code " + std::to_string(pod.exit_code) + ".";
}

// The reason for a failed pod: how it ended, then as many of its last log
// lines as fit in kMaxReasonBytes (each cut to kMaxReasonLineBytes, made
// valid UTF-8), so a job that prints megabytes on one line cannot bloat
// its record or every list page that shows it.
std::string FailureReason(const core::PodState& pod, const std::vector<std::string>& log_tail) {
  std::string message = DescribeExit(pod);
  std::vector<std::string> kept;
  size_t budget = kMaxReasonBytes - std::min(kMaxReasonBytes, message.size() + 16);
  for (auto line = log_tail.rbegin(); line != log_tail.rend(); ++line) {
    std::string text = core::ToValidUtf8(*line);
    if (text.size() > kMaxReasonLineBytes) {
      text = std::string(core::Utf8Prefix(text, kMaxReasonLineBytes - 3)) + "\u2026";
    }
    if (text.size() + 1 > budget) break;
    budget -= text.size() + 1;
    kept.push_back(std::move(text));
  }
  if (!kept.empty()) {
    message += " Last log lines:";
    for (auto line = kept.rbegin(); line != kept.rend(); ++line) message += "\n" + *line;
  }
  return message;
}

const core::RoleSpec* RoleOf(const core::TrainingJob& job, const std::string& role) {
  for (const core::RoleSpec& r : job.roles) {
    if (r.role == role) return &r;
  }
  return nullptr;
}

}  // namespace

Actions& Actions::operator+=(const Actions& later) {
  signal_term |= later.signal_term;
  signal_kill |= later.signal_kill;
  record |= later.record;
  moves.insert(moves.end(), later.moves.begin(), later.moves.end());
  restart |= later.restart;
  release |= later.release;
  forget |= later.forget;
  return *this;
}

bool PolicyRestarts(const std::string& policy, const core::PodState& pod) {
  if (policy == "Always" || policy == "OnFailure") return true;
  if (policy == "ExitCode") return pod.signal != 0 || pod.exit_code >= 128;
  return false;
}

void ShareGpus(const core::TrainingJob& job, const std::vector<int>& gpus,
               std::vector<PodPlan>& plans) {
  size_t next = 0;
  for (PodPlan& plan : plans) {
    const core::RoleSpec* role = RoleOf(job, plan.role);
    int64_t wanted = role ? PodRequest(*role).gpus : 0;
    for (int64_t g = 0; g < wanted && next < gpus.size(); ++g) {
      if (!plan.gpus.empty()) plan.gpus += ",";
      plan.gpus += std::to_string(gpus[next++]);
    }
  }
}

JobRun::JobRun(core::TrainingJob job, std::vector<int> gpus, core::TimeMs stop_grace_ms,
               core::TimeMs now, bool executor_deadline)
    : job_(std::move(job)), gpus_(std::move(gpus)), stop_grace_ms_(stop_grace_ms) {
  if (job_.max_running_minutes > 0 && !executor_deadline) {
    core::TimeMs since = job_.running ? job_.running : now;
    deadline_ = since + job_.max_running_minutes * core::kMsPerMinute;
  }
}

void JobRun::Adopted(std::vector<PodRun> pods, bool waiting) {
  pods_ = std::move(pods);
  phase_ = waiting ? Phase::kWaiting : Phase::kRunning;
  starts_ = waiting ? 0 : 1;
}

// ==== Events ================================================================

Actions JobRun::Started(std::vector<PodRun> pods, core::TimeMs now,
                        const std::string& start_error) {
  pods_ = std::move(pods);
  ending_.reset();
  kill_at_.reset();
  Actions actions = Run();
  bool failed =
      std::any_of(pods_.begin(), pods_.end(), [](const PodRun& pod) { return pod.state.pid == 0; });
  if (failed) actions += End(Ending::kFailed, "JobFailed", start_error, now);
  if (AllExited()) actions += Finish(now);  // no pod could start
  return actions;
}

Actions JobRun::Submitted(std::vector<PodRun> pods, core::TimeMs now,
                          const std::string& start_error) {
  pods_ = std::move(pods);
  phase_ = Phase::kWaiting;
  ending_.reset();
  kill_at_.reset();
  Actions actions;
  actions.record = true;
  bool failed =
      std::any_of(pods_.begin(), pods_.end(), [](const PodRun& pod) { return pod.state.pid == 0; });
  if (failed) actions += End(Ending::kFailed, "JobFailed", start_error, now);
  if (AllExited()) actions += Finish(now);
  return actions;
}

Actions JobRun::Placed(core::TimeMs now) {
  if (phase_ != Phase::kWaiting) return {};
  if (deadline_) deadline_ = now + job_.max_running_minutes * core::kMsPerMinute;
  for (PodRun& pod : pods_) {
    if (!pod.Live()) continue;
    pod.state.status = "Running";
    pod.state.started = now;
  }
  return Run();
}

Actions JobRun::Run() {
  phase_ = Phase::kRunning;
  Actions actions;
  actions.record = true;
  if (starts_++ == 0) {
    actions.moves.push_back({{TrainingStatus::kQueuing}, TrainingStatus::kEnvPreparing, "", ""});
    if (job_.enable_sanity_check) {
      actions.moves.push_back(
          {{TrainingStatus::kEnvPreparing}, TrainingStatus::kSanityChecking, "", ""});
    }
    actions.moves.push_back({{TrainingStatus::kEnvPreparing, TrainingStatus::kSanityChecking},
                             TrainingStatus::kRunning,
                             "",
                             ""});
  } else {
    actions.moves.push_back({{TrainingStatus::kRestarting}, TrainingStatus::kRunning, "", ""});
  }
  return actions;
}

Actions JobRun::PodExited(size_t index, const ExitStatus& exit, core::TimeMs now,
                          const std::vector<std::string>& log_tail) {
  Actions actions;
  // A pod that ended before its executor was seen to place it did run —
  // unless the executor ended it (a job cancelled while it waited).
  if (phase_ == Phase::kWaiting && exit.cause_code.empty()) actions += Placed(now);
  PodRun& pod = pods_.at(index);
  core::PodState& s = pod.state;
  s.exit_code = exit.exit_code;
  s.signal = exit.signal;
  s.finished = now;
  // A pod that ended because its job had succeeded did not fail.
  bool done_with_job = phase_ == Phase::kTerminating && ending_ == Ending::kSucceeded;
  s.status = exit.Ok() || done_with_job ? "Succeeded" : "Failed";
  actions.record = true;
  if (phase_ == Phase::kRunning || phase_ == Phase::kWaiting) {
    if (!exit.cause_code.empty()) {  // ended from outside: the executor says why
      Ending ending = exit.cause_code == "JobTimeout" ? Ending::kTimeout : Ending::kFailed;
      actions += End(ending, exit.cause_code, exit.cause_message, now);
    } else if (!exit.Ok()) {
      const core::RoleSpec* role = RoleOf(job_, s.role);
      bool restart = role && PolicyRestarts(role->restart_policy, s) &&
                     job_.restart_count < job_.RestartLimit();
      std::string message = FailureReason(s, log_tail);
      if (restart) {
        actions += End(Ending::kRestart, "PodRestarting", message, now);
        actions.moves.push_back(
            {{TrainingStatus::kRunning}, TrainingStatus::kRestarting, "PodRestarting", message});
      } else {
        actions += End(Ending::kFailed, "JobFailed", message, now);
      }
    } else if (pod.plan.rank == 0) {
      actions += End(Ending::kSucceeded, "JobSucceeded", "Job succeeded.", now);
    }
  }
  if (AllExited()) actions += Finish(now);
  return actions;
}

Actions JobRun::StopRequested(core::TimeMs now) {
  Actions actions;
  switch (phase_) {
    case Phase::kDone:
      return actions;
    case Phase::kReserving:
      reserve_until_ = now;  // the next Tick ends the reservation as stopped
      return actions;
    case Phase::kWaiting:
    case Phase::kRunning:
    case Phase::kTerminating:
      actions.record = true;
      actions += End(Ending::kStopped, "JobStoppedByUser", "Job is stopped by user.", now);
      if (AllExited()) actions += Finish(now);  // a stop that raced a restart
      return actions;
  }
  return actions;
}

Actions JobRun::Tick(core::TimeMs now) {
  Actions actions;
  switch (phase_) {
    case Phase::kDone:
      actions.forget = true;
      return actions;
    case Phase::kReserving:
      if (now < *reserve_until_) return actions;
      actions.record = true;
      actions.moves = {
          kStoppedByUser,
          {{TrainingStatus::kSucceededReserving}, TrainingStatus::kSucceeded, "", "", true},
          {{TrainingStatus::kFailedReserving}, TrainingStatus::kFailed, "", "", true}};
      actions.forget = true;
      phase_ = Phase::kDone;
      return actions;
    case Phase::kTerminating:
      if (kill_at_ && now >= *kill_at_) {
        actions.signal_kill = true;
        kill_at_.reset();  // once: SIGKILL cannot be ignored
      }
      return actions;
    case Phase::kWaiting:
      return actions;
    case Phase::kRunning:
      if (deadline_ && now >= *deadline_) {
        actions.record = true;
        actions += End(Ending::kTimeout, "JobTimeout",
                       "The job ran longer than JobMaxRunningTimeMinutes (" +
                           std::to_string(job_.max_running_minutes) + " minutes).",
                       now);
      }
      return actions;
  }
  return actions;
}

void JobRun::Restarted(core::TrainingJob job) {
  job_ = std::move(job);
  pods_.clear();
}

// ==== Decisions =============================================================

Actions JobRun::End(Ending ending, std::string code, std::string message, core::TimeMs now) {
  Actions actions;
  if (!ending_ || ending == Ending::kStopped) {
    ending_ = ending;
    reason_code_ = std::move(code);
    reason_message_ = std::move(message);
  }
  if (phase_ != Phase::kRunning && phase_ != Phase::kWaiting) return actions;
  phase_ = Phase::kTerminating;
  kill_at_ = now + stop_grace_ms_;
  actions.signal_term = true;
  for (PodRun& pod : pods_) {
    if (pod.Live()) pod.state.status = "Terminating";
  }
  return actions;
}

Actions JobRun::Finish(core::TimeMs now) {
  Actions actions;
  actions.record = true;
  kill_at_.reset();
  if (!ending_) {  // every pod ended well but the deciding one never ran
    ending_ = Ending::kSucceeded;
    reason_code_ = "JobSucceeded";
    reason_message_ = "Job succeeded.";
  }
  if (ending_ == Ending::kRestart) {
    actions.restart = true;
    return actions;
  }
  bool stopped = ending_ == Ending::kStopped;
  bool reserve = job_.reserved_minutes > 0 && !stopped;
  actions.release = true;
  if (stopped) {
    actions.moves.push_back(kStoppedByUser);
  } else {
    TrainingStatus end =
        ending_ == Ending::kSucceeded
            ? (reserve ? TrainingStatus::kSucceededReserving : TrainingStatus::kSucceeded)
            : (reserve ? TrainingStatus::kFailedReserving : TrainingStatus::kFailed);
    // A stop the runner has not heard of yet still wins.
    actions.moves.push_back(kStoppedByUser);
    actions.moves.push_back({kStarted, end, reason_code_, reason_message_});
  }
  if (reserve) {
    phase_ = Phase::kReserving;
    reserve_until_ = now + job_.reserved_minutes * core::kMsPerMinute;
  } else {
    phase_ = Phase::kDone;
    actions.forget = true;
  }
  return actions;
}

bool JobRun::AllExited() const {
  return std::all_of(pods_.begin(), pods_.end(),
                     [](const PodRun& pod) { return pod.state.finished != 0; });
}

}  // namespace drover::runner
