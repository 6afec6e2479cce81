#include "runner/runner.h"

#include <signal.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <set>

#include "core/error.h"
#include "core/ids.h"

namespace drover::runner {

using core::Job;
using core::TrainingStatus;

namespace {

constexpr int64_t kReasonLogLines = 20;

// Applies `to` when the job is still in one of `from`; otherwise leaves the
// job as it is (someone else — a user's StopJob — moved it first).
bool Step(Job& job, std::initializer_list<TrainingStatus> from, TrainingStatus to, core::TimeMs now,
          std::string reason_code = {}, std::string reason_message = {}) {
  for (TrainingStatus s : from) {
    if (job.status == s) {
      core::TransitionJob(job, to, now, std::move(reason_code), std::move(reason_message));
      return true;
    }
  }
  return false;
}

std::string DescribeExit(const core::PodState& pod) {
  if (pod.signal != 0) {
    return "Pod " + pod.name + " was killed by signal " + std::to_string(pod.signal) + " (" +
           strsignal(static_cast<int>(pod.signal)) + ").";
  }
  return "Pod " + pod.name + " exited with code " + std::to_string(pod.exit_code) + ".";
}

// K8s ExitCode policy: exit codes from signals (128+) are retryable.
bool PolicyRestarts(const std::string& policy, const core::PodState& pod) {
  if (policy == "Always" || policy == "OnFailure") return true;
  if (policy == "ExitCode") return pod.signal != 0 || pod.exit_code >= 128;
  return false;
}

QueuedJob ToQueued(const Job& job) {
  return QueuedJob{job.id, job.priority, job.submitted ? job.submitted : job.created,
                   JobRequest(job), job.resource_id};
}

}  // namespace

Runner::Runner(service::JobService& jobs, RunnerOptions options, const core::Clock& clock)
    : jobs_(jobs),
      options_(std::move(options)),
      clock_(clock),
      scheduler_(options_.capacity, options_.quotas),
      gpu_busy_(static_cast<size_t>(options_.capacity.gpus), false) {
  std::filesystem::create_directories(options_.jobs_dir);
  jobs_.SetObserver(this);
  jobs_.SetPodLogReader(this);
}

Runner::~Runner() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  jobs_.SetObserver(nullptr);
  // The jobs stay active in the store; the next start reconciles them.
  for (auto& [id, active] : active_) {
    for (Pod& pod : active.pods) SignalGroup(static_cast<pid_t>(pod.state.pid), SIGKILL);
  }
}

void Runner::Start() {
  for (const Job& job : jobs_.ActiveJobs()) Reconcile(job);
  thread_ = std::thread([this] { Loop(); });
}

// ==== Observer calls (any thread) ===========================================

void Runner::OnCreated(const Job& job) {
  {
    std::lock_guard lock(mu_);
    inbox_.push_back({Event::Kind::kCreated, job});
  }
  wake_.notify_one();
}

void Runner::OnStopRequested(const Job& job) {
  {
    std::lock_guard lock(mu_);
    inbox_.push_back({Event::Kind::kStop, job});
  }
  wake_.notify_one();
}

void Runner::OnUpdated(const Job& job) {
  {
    std::lock_guard lock(mu_);
    inbox_.push_back({Event::Kind::kUpdated, job});
  }
  wake_.notify_one();
}

// ==== The runner thread =====================================================

void Runner::Loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    std::deque<Event> events;
    events.swap(inbox_);
    lock.unlock();
    std::vector<Job> created;
    for (Event& event : events) {
      if (event.kind == Event::Kind::kCreated) {
        created.push_back(std::move(event.job));
        continue;
      }
      try {
        Handle(event);
      } catch (const std::exception& e) {
        spdlog::error("runner: job {}: {}", event.job.public_id, e.what());
      }
    }
    try {
      Enqueue(created);
    } catch (const std::exception& e) {
      spdlog::error("runner: cannot queue {} jobs: {}", created.size(), e.what());
    }
    for (auto it = active_.begin(); it != active_.end();) {
      bool done = false;
      try {
        CheckPods(it->first, it->second);
        done = CheckTimers(it->first, it->second);
      } catch (const std::exception& e) {
        spdlog::error("runner: job {}: {}", it->second.job.public_id, e.what());
      }
      it = done ? active_.erase(it) : std::next(it);
    }
    try {
      Flush();
    } catch (const std::exception& e) {
      spdlog::error("runner: cannot record pod changes: {}", e.what());
    }
    try {
      Launch(scheduler_.TakeRunnable());
    } catch (const std::exception& e) {
      spdlog::error("runner: cannot launch jobs: {}", e.what());
    }
    lock.lock();
    // Sleep until there is news; while processes run, look at them every tick.
    auto news = [&] { return stopping_ || !inbox_.empty(); };
    if (active_.empty()) {
      wake_.wait(lock, news);
    } else {
      wake_.wait_for(lock, std::chrono::milliseconds(options_.tick_ms), news);
    }
  }
}

void Runner::Handle(Event& event) {
  const Job& job = event.job;
  switch (event.kind) {
    case Event::Kind::kCreated:
      Enqueue({job});
      break;
    case Event::Kind::kUpdated:
      scheduler_.Reprioritize(job.id, job.priority);
      break;
    case Event::Kind::kStop: {
      auto it = active_.find(job.id);
      if (it != active_.end()) {
        Active& active = it->second;
        active.ending = Ending::kStopped;
        if (active.reserve_until != 0) {
          active.reserve_until = clock_.Now();
        } else {
          Terminate(active);
          Later(job.id, [](Job&) {});
        }
        break;
      }
      // Not started (queued, or never queued): nothing to end.
      scheduler_.Dequeue(job.id);
      jobs_.Mutate(job.id, [&](Job& j) {
        Step(j, {TrainingStatus::kStopping}, TrainingStatus::kStopped, clock_.Now(),
             "JobStoppedByUser", "Job is stopped by user.");
      });
      break;
    }
  }
}

void Runner::Enqueue(const std::vector<Job>& jobs) {
  if (jobs.empty()) return;
  core::TimeMs now = clock_.Now();
  std::vector<service::JobService::Change> to_queue;
  for (const Job& job : jobs) {
    to_queue.push_back({job.id, [now](Job& j) {
                          Step(j, {TrainingStatus::kCreating, TrainingStatus::kRestarting},
                               TrainingStatus::kQueuing, now);
                        }});
  }
  std::vector<service::JobService::Change> never_fit;
  for (const Job& job : jobs_.MutateBatch(to_queue)) {
    if (job.status != TrainingStatus::kQueuing) continue;  // stopped meanwhile
    std::optional<std::string> never;
    try {
      never = scheduler_.Enqueue(ToQueued(job));
    } catch (const core::Error& e) {
      never = e.what();
    }
    if (!never) continue;
    never_fit.push_back({job.id, [now, reason = *never](Job& j) {
                           Step(j, {TrainingStatus::kQueuing}, TrainingStatus::kFailed, now,
                                "ResourceInsufficient", reason);
                         }});
  }
  if (!never_fit.empty()) jobs_.MutateBatch(never_fit);
}

void Runner::Reconcile(const Job& job) {
  // Leftover processes of an earlier server are ended first.
  for (const core::PodState& pod : job.pods) {
    if (IsOurProcess(static_cast<pid_t>(pod.pid), "POD_UID=" + pod.uid)) {
      SignalGroup(static_cast<pid_t>(pod.pid), SIGKILL);
    }
  }
  core::TimeMs now = clock_.Now();
  switch (job.status) {
    case TrainingStatus::kCreating:
    case TrainingStatus::kQueuing:
      Enqueue({job});
      return;
    case TrainingStatus::kBidding:
      Enqueue({jobs_.Mutate(job.id, [&](Job& j) {
        Step(j, {TrainingStatus::kBidding}, TrainingStatus::kQueuing, now);
      })});
      return;
    case TrainingStatus::kStopping:
      jobs_.Mutate(job.id, [&](Job& j) {
        Step(j, {TrainingStatus::kStopping}, TrainingStatus::kStopped, now, "JobStoppedByUser",
             "Job is stopped by user.");
      });
      return;
    case TrainingStatus::kSucceededReserving:
      jobs_.Transition(job.id, TrainingStatus::kSucceeded, job.reason_code, job.reason_message);
      return;
    case TrainingStatus::kFailedReserving:
      jobs_.Transition(job.id, TrainingStatus::kFailed, job.reason_code, job.reason_message);
      return;
    default:
      break;
  }
  // EnvPreparing, SanityChecking, Running, Restarting: its processes are gone.
  bool requeue =
      (job.status == TrainingStatus::kRunning || job.status == TrainingStatus::kRestarting) &&
      job.restart_count < job.RestartLimit();
  const std::string message = "The server restarted while the job was " +
                              std::string(core::TrainingStatusName(job.status)) + ".";
  Job after = jobs_.Mutate(job.id, [&](Job& j) {
    for (core::PodState& pod : j.pods) {
      if (pod.exit_code < 0 && pod.signal == 0) {
        pod.status = "Failed";
        pod.signal = SIGKILL;
        pod.finished = now;
      }
    }
    if (!requeue) {
      core::TransitionJob(j, TrainingStatus::kFailed, now, "ServerRestarted", message);
      return;
    }
    if (j.status == TrainingStatus::kRunning) {
      core::TransitionJob(j, TrainingStatus::kRestarting, now, "ServerRestarted", message);
    }
    j.restart_count++;
    j.history_pods.insert(j.history_pods.end(), j.pods.begin(), j.pods.end());
    j.pods.clear();
    core::TransitionJob(j, TrainingStatus::kQueuing, now);
  });
  if (requeue) Enqueue({after});
}

void Runner::Launch(const std::vector<core::JobNumber>& ids) {
  if (ids.empty()) return;
  core::TimeMs now = clock_.Now();
  std::vector<service::JobService::Change> to_prepare;
  for (core::JobNumber id : ids) {
    to_prepare.push_back({id, [now](Job& j) {
                            Step(j, {TrainingStatus::kQueuing}, TrainingStatus::kEnvPreparing, now);
                          }});
  }
  std::vector<Job> prepared = jobs_.MutateBatch(to_prepare);
  std::set<core::JobNumber> preparing;
  std::vector<service::JobService::Change> to_run;
  for (const Job& job : prepared) {
    if (job.status != TrainingStatus::kEnvPreparing) continue;  // stopped while being picked
    preparing.insert(job.id);
    try {
      std::filesystem::create_directories(JobDir(job) / "work");
      std::filesystem::create_directories(JobDir(job) / "logs");
    } catch (const std::exception& e) {
      scheduler_.Release(job.id);
      to_run.push_back({job.id, [now, reason = std::string(e.what())](Job& j) {
                          Step(j, {TrainingStatus::kEnvPreparing}, TrainingStatus::kFailed, now,
                               "JobFailed", "Cannot prepare the job's directories: " + reason);
                        }});
      continue;
    }
    Active& active = active_[job.id];
    active.job = job;
    if (job.max_running_minutes > 0) {
      active.deadline = now + job.max_running_minutes * core::kMsPerMinute;
    }
    int64_t gpus_needed = JobRequest(job).gpus;
    for (size_t g = 0;
         g < gpu_busy_.size() && static_cast<int64_t>(active.gpus.size()) < gpus_needed; ++g) {
      if (!gpu_busy_[g]) {
        gpu_busy_[g] = true;
        active.gpus.push_back(static_cast<int>(g));
      }
    }
    SpawnPods(active);
    to_run.push_back({job.id, [this, &active, now](Job& j) {
                        SyncPods(j, active);
                        if (j.enable_sanity_check) {
                          Step(j, {TrainingStatus::kEnvPreparing}, TrainingStatus::kSanityChecking,
                               now);
                        }
                        Step(j, {TrainingStatus::kEnvPreparing, TrainingStatus::kSanityChecking},
                             TrainingStatus::kRunning, now);
                      }});
  }
  for (core::JobNumber id : ids) {
    if (!preparing.count(id)) scheduler_.Release(id);
  }
  if (!to_run.empty()) jobs_.MutateBatch(to_run);
}

void Runner::SpawnPods(Active& active) {
  const Job& job = active.job;
  core::TimeMs now = clock_.Now();
  std::vector<PodPlan> plans = PlanPods(job);
  // Each pod gets its own port and its share of the job's GPUs.
  size_t next_gpu = 0;
  for (PodPlan& plan : plans) {
    plan.port = FreePort();
    const core::RoleSpec* role = nullptr;
    for (const core::RoleSpec& r : job.roles) {
      if (r.role == plan.role) role = &r;
    }
    int64_t pod_gpus = role ? PodRequest(*role).gpus : 0;
    for (int64_t g = 0; g < pod_gpus && next_gpu < active.gpus.size(); ++g) {
      if (!plan.gpus.empty()) plan.gpus += ",";
      plan.gpus += std::to_string(active.gpus[next_gpu++]);
    }
  }
  active.pods.clear();
  std::string failure;
  for (size_t i = 0; i < plans.size(); ++i) {
    Pod pod{plans[i], {}};
    core::PodState& s = pod.state;
    s.name = plans[i].name;
    s.uid = core::NewUuid();
    s.role = plans[i].role;
    s.index = plans[i].index;
    s.gpus = plans[i].gpus;
    s.created = s.started = now;
    if (failure.empty()) {
      try {
        ProcessSpec spec{job.user_command, JobDir(job) / "work", PodEnv(job, plans, i, s.uid),
                         LogPath(job, s)};
        s.pid = StartProcess(spec);
        s.status = "Running";
      } catch (const std::exception& e) {
        failure = "Pod " + s.name + " could not start: " + e.what();
      }
    }
    if (s.pid == 0) {
      s.status = "Failed";
      s.finished = now;
    }
    active.pods.push_back(std::move(pod));
  }
  active.ending = Ending::kNone;
  if (!failure.empty()) {
    active.ending = Ending::kFailed;
    active.reason_code = "JobFailed";
    active.reason_message = failure;
    Terminate(active);
  }
}

void Runner::CheckPods(core::JobNumber id, Active& active) {
  if (active.reserve_until != 0) return;
  bool changed = false;
  core::TimeMs now = clock_.Now();
  for (Pod& pod : active.pods) {
    core::PodState& s = pod.state;
    if (s.pid == 0 || s.finished != 0) continue;
    std::optional<ExitStatus> exit = PollExit(static_cast<pid_t>(s.pid));
    if (!exit) continue;
    changed = true;
    s.exit_code = exit->exit_code;
    s.signal = exit->signal;
    s.finished = now;
    bool ok = exit->exit_code == 0 && exit->signal == 0;
    s.status = ok ? "Succeeded" : "Failed";
    if (active.ending != Ending::kNone) continue;  // already ending: just collect
    if (!ok) {
      const core::RoleSpec* role = nullptr;
      for (const core::RoleSpec& r : active.job.roles) {
        if (r.role == s.role) role = &r;
      }
      bool restart = role && PolicyRestarts(role->restart_policy, s) &&
                     active.job.restart_count < active.job.RestartLimit();
      std::vector<std::string> tail = Tail(active.job, s, kReasonLogLines);
      std::string message = DescribeExit(s);
      if (!tail.empty()) {
        message += " Last log lines:";
        for (const std::string& line : tail) message += "\n" + line;
      }
      active.ending = restart ? Ending::kRestart : Ending::kFailed;
      active.reason_code = restart ? "PodRestarting" : "JobFailed";
      active.reason_message = message;
      Terminate(active);
    } else if (pod.plan.rank == 0) {
      active.ending = Ending::kSucceeded;
      active.reason_code = "JobSucceeded";
      active.reason_message = "Job succeeded.";
      Terminate(active);
    }
  }
  bool all_exited = std::all_of(active.pods.begin(), active.pods.end(),
                                [](const Pod& p) { return p.state.finished != 0; });
  if (all_exited && active.ending == Ending::kNone) {
    // Every pod ended well but the deciding one was never started.
    active.ending = Ending::kSucceeded;
    active.reason_code = "JobSucceeded";
    active.reason_message = "Job succeeded.";
  }
  if (all_exited) {
    Finish(id, active);
  } else if (changed) {
    Later(id, [now, restart = active.ending == Ending::kRestart, code = active.reason_code,
               message = active.reason_message](Job& j) {
      if (restart)
        Step(j, {TrainingStatus::kRunning}, TrainingStatus::kRestarting, now, code, message);
    });
  }
}

void Runner::Terminate(Active& active) {
  if (active.kill_at != 0) return;
  active.kill_at = clock_.Now() + options_.stop_grace_ms;
  for (Pod& pod : active.pods) {
    if (pod.state.finished != 0) continue;
    SignalGroup(static_cast<pid_t>(pod.state.pid), SIGTERM);
    pod.state.status = "Terminating";
  }
}

void Runner::Finish(core::JobNumber id, Active& active) {
  core::TimeMs now = clock_.Now();
  active.kill_at = 0;
  if (active.ending == Ending::kRestart) {
    Job job = jobs_.Mutate(id, [&](Job& j) {
      SyncPods(j, active);
      Step(j, {TrainingStatus::kRunning}, TrainingStatus::kRestarting, now, active.reason_code,
           active.reason_message);
      if (j.status == TrainingStatus::kRestarting) {
        j.restart_count++;
        j.history_pods.insert(j.history_pods.end(), j.pods.begin(), j.pods.end());
        j.pods.clear();
      }
    });
    if (job.status == TrainingStatus::kRestarting) {
      active.job = job;
      SpawnPods(active);
      jobs_.Mutate(id, [&](Job& j) {
        SyncPods(j, active);
        Step(j, {TrainingStatus::kRestarting}, TrainingStatus::kRunning, clock_.Now());
      });
      return;
    }
    active.ending = Ending::kStopped;  // a stop arrived meanwhile
  }
  bool stopped = active.ending == Ending::kStopped;
  bool reserve = active.job.reserved_minutes > 0 && !stopped;
  TrainingStatus end =
      active.ending == Ending::kSucceeded
          ? (reserve ? TrainingStatus::kSucceededReserving : TrainingStatus::kSucceeded)
          : (reserve ? TrainingStatus::kFailedReserving : TrainingStatus::kFailed);
  Later(id,
        [now, stopped, end, code = active.reason_code, message = active.reason_message](Job& j) {
          if (j.status == TrainingStatus::kStopping || stopped) {
            Step(j, {TrainingStatus::kStopping}, TrainingStatus::kStopped, now, "JobStoppedByUser",
                 "Job is stopped by user.");
            return;
          }
          Step(j,
               {TrainingStatus::kRunning, TrainingStatus::kRestarting,
                TrainingStatus::kEnvPreparing, TrainingStatus::kSanityChecking},
               end, now, code, message);
        });
  scheduler_.Release(id);
  for (int g : active.gpus) gpu_busy_[static_cast<size_t>(g)] = false;
  active.gpus.clear();
  if (reserve) {
    // A stop that raced the ending is handled when the reservation ends.
    active.reserve_until = now + active.job.reserved_minutes * core::kMsPerMinute;
  } else {
    active.pods.clear();  // done: CheckTimers drops it
    active.reserve_until = -1;
  }
}

// Returns true when the job is done and can be forgotten.
bool Runner::CheckTimers(core::JobNumber id, Active& active) {
  core::TimeMs now = clock_.Now();
  if (active.reserve_until < 0) return true;
  if (active.reserve_until > 0) {
    if (now < active.reserve_until) return false;
    Later(id, [now](Job& j) {
      if (j.status == TrainingStatus::kStopping) {
        core::TransitionJob(j, TrainingStatus::kStopped, now, "JobStoppedByUser",
                            "Job is stopped by user.");
      } else if (j.status == TrainingStatus::kSucceededReserving) {
        core::TransitionJob(j, TrainingStatus::kSucceeded, now, j.reason_code, j.reason_message);
      } else if (j.status == TrainingStatus::kFailedReserving) {
        core::TransitionJob(j, TrainingStatus::kFailed, now, j.reason_code, j.reason_message);
      }
    });
    return true;
  }
  if (active.kill_at != 0 && now >= active.kill_at) {
    for (Pod& pod : active.pods) {
      if (pod.state.finished == 0) SignalGroup(static_cast<pid_t>(pod.state.pid), SIGKILL);
    }
  }
  if (active.deadline != 0 && now >= active.deadline && active.ending == Ending::kNone) {
    active.ending = Ending::kTimeout;
    active.reason_code = "JobTimeout";
    active.reason_message = "The job ran longer than JobMaxRunningTimeMinutes (" +
                            std::to_string(active.job.max_running_minutes) + " minutes).";
    Terminate(active);
    Later(id, [](Job&) {});
  }
  return false;
}

void Runner::SyncPods(Job& job, const Active& active) const {
  job.pods.clear();
  for (const Pod& pod : active.pods) job.pods.push_back(pod.state);
}

void Runner::Later(core::JobNumber id, std::function<void(Job&)> change) {
  std::vector<core::PodState> pods;
  for (const Pod& pod : active_.at(id).pods) pods.push_back(pod.state);
  pending_.push_back({id, [pods = std::move(pods), change = std::move(change)](Job& j) {
                        if (!pods.empty()) j.pods = pods;
                        change(j);
                      }});
}

void Runner::Flush() {
  if (pending_.empty()) return;
  std::vector<service::JobService::Change> batch;
  batch.swap(pending_);
  jobs_.MutateBatch(batch);
}

std::filesystem::path Runner::JobDir(const Job& job) const {
  return options_.jobs_dir / job.public_id;
}

std::filesystem::path Runner::LogPath(const Job& job, const core::PodState& pod) const {
  return JobDir(job) / "logs" / (pod.name + "." + pod.uid + ".log");
}

std::vector<std::string> Runner::Tail(const Job& job, const core::PodState& pod,
                                      int64_t max_lines) const {
  constexpr std::streamoff kMaxRead = 4 << 20;  // the tail of a huge log is enough
  std::ifstream in(LogPath(job, pod), std::ios::binary | std::ios::ate);
  if (!in) return {};
  std::streamoff size = in.tellg();
  std::streamoff start = size > kMaxRead ? size - kMaxRead : 0;
  in.seekg(start);
  std::string text(static_cast<size_t>(size - start), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  if (start > 0 && !lines.empty()) lines.erase(lines.begin());  // a partial first line
  if (static_cast<int64_t>(lines.size()) > max_lines) {
    lines.erase(lines.begin(), lines.end() - max_lines);
  }
  return lines;
}

}  // namespace drover::runner
