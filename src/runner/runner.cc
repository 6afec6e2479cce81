#include "runner/runner.h"

#include <signal.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <set>

#include "core/error.h"
#include "core/ids.h"
#include "core/utf8.h"
#include "runner/pod_supervisor.h"

namespace drover::runner {

using core::TrainingJob;
using core::TrainingStatus;

namespace {

constexpr int64_t kReasonLogLines = 20;

// Applies `to` when the job is still in one of `from`; otherwise leaves the
// job as it is (someone else — a user's StopJob — moved it first).
bool MoveIf(TrainingJob& job, std::initializer_list<TrainingStatus> from, TrainingStatus to,
            core::TimeMs now, std::string reason_code = {}, std::string reason_message = {}) {
  for (TrainingStatus s : from) {
    if (job.status == s) {
      core::TransitionJob(job, to, now, std::move(reason_code), std::move(reason_message));
      return true;
    }
  }
  return false;
}

void ApplyMove(TrainingJob& job, const Move& move, core::TimeMs now) {
  if (std::find(move.from.begin(), move.from.end(), job.status) == move.from.end()) return;
  if (move.keep_reason) {
    core::TransitionJob(job, move.to, now, job.reason_code, job.reason_message);
  } else {
    core::TransitionJob(job, move.to, now, move.reason_code, move.reason_message);
  }
}

QueuedJob ToQueued(const TrainingJob& job) {
  return QueuedJob{job.id, job.priority, job.submitted ? job.submitted : job.created,
                   JobRequest(job), job.resource_id};
}

}  // namespace

Runner::Runner(service::JobService& jobs, Executor& executor, RunnerOptions options,
               const core::Clock& clock)
    : jobs_(jobs),
      executor_(executor),
      options_(std::move(options)),
      clock_(clock),
      scheduler_(options_.capacity, options_.quotas),
      gpu_busy_(static_cast<size_t>(options_.capacity.gpus), false) {
  std::filesystem::create_directories(options_.jobs_dir);
  jobs_.SetObserver(this);
  jobs_.SetPodLogReader(this);
  jobs_.SetQueueReader(this);
}

Runner::~Runner() {
  StopThread();
  jobs_.SetObserver(nullptr);
  jobs_.SetQueueReader(nullptr);
  // The jobs stay active in the store and their pods run on: the next
  // server adopts them (or, after StopPods, learns how they ended).
}

void Runner::StopThread() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Runner::StopPods() {
  StopThread();
  std::vector<std::pair<Executor*, int64_t>> live;
  for (auto& [id, run] : runs_) {
    Executor& executor = ExecutorFor(run.job());
    // A cluster's jobs run on without this server: the next one adopts them.
    if (executor.Queues()) continue;
    for (const PodRun& pod : run.pods()) {
      if (!pod.Live()) continue;
      executor.Signal(pod.state.pid, SIGKILL);
      live.emplace_back(&executor, pod.state.pid);
    }
  }
  // Waited for (a few seconds at most), so a stopped server leaves no
  // process behind.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  for (auto [executor, pod] : live) {
    while (!executor->Poll(pod) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
}

void Runner::Start() {
  Reconcile();
  thread_ = std::thread([this] { Loop(); });
}

void Runner::Reconcile() {
  for (const TrainingJob& job : jobs_.ActiveJobs()) ReconcileJob(job);
}

// ==== Observer calls (any thread) ===========================================

void Runner::Post(Event::Kind kind, const TrainingJob& job) {
  {
    std::lock_guard lock(mu_);
    inbox_.push_back({kind, job});
  }
  wake_.notify_one();
}

void Runner::OnCreated(const TrainingJob& job) { Post(Event::Kind::kCreated, job); }
void Runner::OnStopRequested(const TrainingJob& job) { Post(Event::Kind::kStop, job); }
void Runner::OnUpdated(const TrainingJob& job) { Post(Event::Kind::kUpdated, job); }

// ==== The runner thread =====================================================

void Runner::Loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    Step();
    lock.lock();
    // Sleep until there is news; while pods run, look at them every tick.
    auto news = [&] { return stopping_ || !inbox_.empty(); };
    if (runs_.empty() && unsubmitted_.empty()) {
      wake_.wait(lock, news);
    } else {
      wake_.wait_for(lock, std::chrono::milliseconds(options_.tick_ms), news);
    }
  }
}

void Runner::Step() {
  std::deque<Event> events;
  {
    std::lock_guard lock(mu_);
    events.swap(inbox_);
  }
  std::vector<TrainingJob> created;
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
    Resubmit();
  } catch (const std::exception& e) {
    spdlog::error("runner: cannot queue {} jobs: {}", created.size(), e.what());
  }
  core::TimeMs now = clock_.Now();
  for (auto it = runs_.begin(); it != runs_.end();) {
    bool keep = true;
    try {
      Actions actions = CheckPlaced(it->first, it->second);
      actions += CollectExits(it->second);
      actions += it->second.Tick(now);
      keep = Apply(it->first, it->second, actions);
    } catch (const std::exception& e) {
      spdlog::error("runner: job {}: {}", it->second.job().public_id, e.what());
    }
    if (!keep) Scheduled([&](Scheduler&) { return waiting_.erase(it->first); });
    it = keep ? std::next(it) : runs_.erase(it);
  }
  try {
    Flush();
  } catch (const std::exception& e) {
    spdlog::error("runner: cannot record pod changes: {}", e.what());
  }
  try {
    std::vector<core::JobNumber> runnable;
    {
      std::lock_guard lock(scheduler_mu_);
      runnable = scheduler_.TakeRunnable();
    }
    Launch(runnable);
  } catch (const std::exception& e) {
    spdlog::error("runner: cannot launch jobs: {}", e.what());
  }
  size_t pods = 0;
  size_t waiting = 0;
  for (const auto& [id, run] : runs_) {
    if (run.phase() == Phase::kWaiting) {
      ++waiting;
      continue;
    }
    pods += static_cast<size_t>(std::count_if(run.pods().begin(), run.pods().end(),
                                              [](const PodRun& p) { return p.Live(); }));
  }
  running_jobs_.store(runs_.size() - waiting, std::memory_order_relaxed);
  running_pods_.store(pods, std::memory_order_relaxed);
}

Runner::Usage Runner::CurrentUsage() const {
  Usage usage;
  {
    std::lock_guard lock(scheduler_mu_);
    usage.queued = scheduler_.queued() + waiting_.size();
    usage.free = scheduler_.free();
  }
  usage.capacity = options_.capacity;
  usage.running_jobs = running_jobs_.load(std::memory_order_relaxed);
  usage.running_pods = running_pods_.load(std::memory_order_relaxed);
  return usage;
}

std::string Runner::WaitReason(core::JobNumber id) const {
  std::optional<Scheduler::Wait> wait;
  {
    std::lock_guard lock(scheduler_mu_);
    wait = scheduler_.WaitOf(id);
    if (!wait) {
      auto executor_wait = waiting_.find(id);
      return executor_wait == waiting_.end() ? "" : executor_wait->second;
    }
  }
  size_t n = wait->position;
  const char* suffix = (n % 100 >= 11 && n % 100 <= 13) ? "th"
                       : n % 10 == 1                    ? "st"
                       : n % 10 == 2                    ? "nd"
                       : n % 10 == 3                    ? "rd"
                                                        : "th";
  return std::to_string(n) + suffix + " in the queue. " + wait->reason;
}

void Runner::Handle(const Event& event) {
  const TrainingJob& job = event.job;
  switch (event.kind) {
    case Event::Kind::kCreated:
      Enqueue({job});
      break;
    case Event::Kind::kUpdated: {
      Scheduled([&](Scheduler& s) { s.Reprioritize(job.id, job.priority); });
      auto it = runs_.find(job.id);
      if (it == runs_.end()) break;
      for (const PodRun& pod : it->second.pods()) {
        if (pod.Live()) ExecutorFor(job).Reprioritize(pod.state.pid, job.priority);
      }
      break;
    }
    case Event::Kind::kStop: {
      auto it = runs_.find(job.id);
      if (it != runs_.end()) {
        if (!Apply(job.id, it->second, it->second.StopRequested(clock_.Now()))) {
          Scheduled([&](Scheduler&) { return waiting_.erase(job.id); });
          runs_.erase(it);
        }
        break;
      }
      // Not started (queued, or never queued): nothing to end.
      Scheduled([&](Scheduler& s) {
        waiting_.erase(job.id);
        s.Dequeue(job.id);
      });
      unsubmitted_.erase(job.id);
      jobs_.Mutate(job.id, [&](TrainingJob& j) {
        MoveIf(j, {TrainingStatus::kStopping}, TrainingStatus::kStopped, clock_.Now(),
               "JobStoppedByUser", "Job is stopped by user.");
      });
      break;
    }
  }
}

void Runner::Enqueue(const std::vector<TrainingJob>& jobs) {
  if (jobs.empty()) return;
  core::TimeMs now = clock_.Now();
  std::vector<service::JobService::Change> to_queue;
  for (const TrainingJob& job : jobs) {
    to_queue.push_back({job.id, [now](TrainingJob& j) {
                          MoveIf(j, {TrainingStatus::kCreating, TrainingStatus::kRestarting},
                                 TrainingStatus::kQueuing, now);
                        }});
  }
  std::vector<service::JobService::Change> never_fit;
  std::vector<TrainingJob> to_submit;
  for (TrainingJob& job : jobs_.MutateBatch(to_queue)) {
    if (job.status != TrainingStatus::kQueuing) continue;  // stopped meanwhile
    if (ExecutorFor(job).Queues()) {
      to_submit.push_back(std::move(job));
      continue;
    }
    std::optional<std::string> never;
    try {
      never = Scheduled([&](Scheduler& s) { return s.Enqueue(ToQueued(job)); });
    } catch (const core::Error& e) {
      never = e.what();
    }
    if (!never) continue;
    never_fit.push_back({job.id, [now, reason = *never](TrainingJob& j) {
                           MoveIf(j, {TrainingStatus::kQueuing}, TrainingStatus::kFailed, now,
                                  "ResourceInsufficient", reason);
                         }});
  }
  if (!never_fit.empty()) jobs_.MutateBatch(never_fit);
  Submit(to_submit);
}

void Runner::Submit(const std::vector<TrainingJob>& jobs) {
  if (jobs.empty()) return;
  core::TimeMs now = clock_.Now();
  constexpr core::TimeMs kRetryMs = 2000;
  std::map<Executor*, std::string> unreachable;  // asked once per batch, not per job
  for (const TrainingJob& job : jobs) {
    auto defer = [&](const std::string& why) {
      unsubmitted_[job.id] = Unsubmitted{job, now + kRetryMs};
      std::string reason = "Not handed to the cluster yet (retried every 2 s): " + why;
      Scheduled([&](Scheduler&) { return waiting_[job.id] = reason; });
    };
    if (auto down = unreachable.find(&ExecutorFor(job)); down != unreachable.end()) {
      defer(down->second);
      continue;
    }
    try {
      std::filesystem::create_directories(JobDir(job) / "work");
      std::filesystem::create_directories(JobDir(job) / "logs");
    } catch (const std::exception& e) {
      pending_[job.id].push_back([now, reason = std::string(e.what())](TrainingJob& j) {
        MoveIf(j, {TrainingStatus::kQueuing}, TrainingStatus::kFailed, now, "JobFailed",
               "Cannot prepare the job's directories: " + reason);
      });
      continue;
    }
    auto [it, added] = runs_.try_emplace(job.id, job, std::vector<int>{}, options_.stop_grace_ms,
                                         now, /*executor_deadline=*/true);
    try {
      if (!Apply(job.id, it->second, StartPods(it->second, /*may_retry=*/true))) runs_.erase(it);
    } catch (const ExecutorUnavailable& e) {
      runs_.erase(it);
      unreachable[&ExecutorFor(job)] = e.what();
      defer(e.what());
    }
  }
  Flush();  // the pods' handles, so a restart finds them
}

void Runner::Resubmit() {
  if (unsubmitted_.empty()) return;
  core::TimeMs now = clock_.Now();
  std::vector<TrainingJob> due;
  for (auto it = unsubmitted_.begin(); it != unsubmitted_.end();) {
    if (it->second.retry_at > now) {
      ++it;
      continue;
    }
    due.push_back(std::move(it->second.job));
    it = unsubmitted_.erase(it);
  }
  Submit(due);
}

Executor& Runner::ExecutorFor(const TrainingJob& job) const {
  if (options_.executors.empty()) return executor_;
  auto it = options_.executors.find(job.resource_id);
  return it == options_.executors.end() ? executor_ : *it->second;
}

Actions Runner::CheckPlaced(core::JobNumber id, JobRun& run) {
  if (run.phase() != Phase::kWaiting) return {};
  Executor& executor = ExecutorFor(run.job());
  for (const PodRun& pod : run.pods()) {
    if (!pod.Live()) continue;
    std::optional<std::string> reason = executor.Waiting(pod.state.pid);
    if (!reason) break;
    Scheduled([&](Scheduler&) { return waiting_[id] = *reason; });
    return {};
  }
  Scheduled([&](Scheduler&) { return waiting_.erase(id); });
  return run.Placed(clock_.Now());
}

bool Runner::AdoptJob(const TrainingJob& job) {
  Executor& executor = ExecutorFor(job);
  bool waiting = job.status == TrainingStatus::kQueuing;  // in a queueing executor
  std::vector<PodRun> pods;
  std::vector<PodPlan> plans = PlanPods(job);
  for (const core::PodState& pod : job.pods) {
    PodLaunch launch;
    launch.exit_file = ExitPath(job, pod);
    bool live = pod.pid > 0 && pod.finished == 0;
    if (live && executor.Adopt(pod, launch) == Executor::Adoption::kGone) return false;
    PodRun run{{}, pod};
    for (const PodPlan& plan : plans) {
      if (plan.name == pod.name) run.plan = plan;
    }
    pods.push_back(std::move(run));
  }
  std::vector<int> gpus;
  for (const core::PodState& pod : executor.Queues() ? std::vector<core::PodState>{} : job.pods) {
    size_t start = 0;
    while (start < pod.gpus.size()) {
      size_t comma = pod.gpus.find(',', start);
      if (comma == std::string::npos) comma = pod.gpus.size();
      int g = std::atoi(pod.gpus.substr(start, comma - start).c_str());
      if (g >= 0 && static_cast<size_t>(g) < gpu_busy_.size() && !gpu_busy_[g]) {
        gpu_busy_[g] = true;
        gpus.push_back(g);
      }
      start = comma + 1;
    }
  }
  if (!executor.Queues()) Scheduled([&](Scheduler& s) { s.Hold(ToQueued(job)); });
  core::TimeMs now = clock_.Now();
  auto [it, added] = runs_.try_emplace(job.id, job, std::move(gpus), options_.stop_grace_ms, now,
                                       executor.Queues());
  it->second.Adopted(std::move(pods), waiting);
  spdlog::info("runner: adopted job {} with {} pods from the earlier server", job.public_id,
               job.pods.size());
  if (job.status == TrainingStatus::kStopping) {
    if (!Apply(job.id, it->second, it->second.StopRequested(now))) runs_.erase(it);
  }
  return true;
}

void Runner::ReconcileJob(const TrainingJob& job) {
  Executor& executor = ExecutorFor(job);
  bool adoptable = job.status == TrainingStatus::kRunning ||
                   job.status == TrainingStatus::kStopping ||
                   (job.status == TrainingStatus::kQueuing && executor.Queues());
  if (adoptable && !job.pods.empty() && AdoptJob(job)) return;
  // What is left of its pods is ended first.
  for (const core::PodState& pod : job.pods) {
    if (pod.pid <= 0 || pod.finished != 0) continue;
    PodLaunch launch;
    launch.exit_file = ExitPath(job, pod);
    if (executor.Adopt(pod, launch) == Executor::Adoption::kRunning) {
      executor.Signal(pod.pid, SIGKILL);
    }
  }
  core::TimeMs now = clock_.Now();
  switch (job.status) {
    case TrainingStatus::kCreating:
    case TrainingStatus::kQueuing:
      if (executor.Queues() && job.pods.empty()) executor.Abandon(job);
      Enqueue({job});
      return;
    case TrainingStatus::kBidding:
      Enqueue({jobs_.Mutate(job.id, [&](TrainingJob& j) {
        MoveIf(j, {TrainingStatus::kBidding}, TrainingStatus::kQueuing, now);
      })});
      return;
    case TrainingStatus::kStopping:
      jobs_.Mutate(job.id, [&](TrainingJob& j) {
        MoveIf(j, {TrainingStatus::kStopping}, TrainingStatus::kStopped, now, "JobStoppedByUser",
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
  // EnvPreparing, SanityChecking, Running, Restarting: its pods are gone.
  bool requeue =
      (job.status == TrainingStatus::kRunning || job.status == TrainingStatus::kRestarting) &&
      job.restart_count < job.RestartLimit();
  const std::string message = "The server restarted while the job was " +
                              std::string(core::TrainingStatusName(job.status)) + ".";
  TrainingJob after = jobs_.Mutate(job.id, [&](TrainingJob& j) {
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
    to_prepare.push_back({id, [now](TrainingJob& j) {
                            MoveIf(j, {TrainingStatus::kQueuing}, TrainingStatus::kEnvPreparing,
                                   now);
                          }});
  }
  std::vector<TrainingJob> prepared = jobs_.MutateBatch(to_prepare);
  std::set<core::JobNumber> preparing;
  for (const TrainingJob& job : prepared) {
    if (job.status != TrainingStatus::kEnvPreparing) continue;  // stopped while being picked
    preparing.insert(job.id);
    try {
      std::filesystem::create_directories(JobDir(job) / "work");
      std::filesystem::create_directories(JobDir(job) / "logs");
    } catch (const std::exception& e) {
      Scheduled([&](Scheduler& s) { s.Release(job.id); });
      pending_[job.id].push_back([now, reason = std::string(e.what())](TrainingJob& j) {
        MoveIf(j, {TrainingStatus::kEnvPreparing}, TrainingStatus::kFailed, now, "JobFailed",
               "Cannot prepare the job's directories: " + reason);
      });
      continue;
    }
    std::vector<int> gpus;
    int64_t gpus_needed = JobRequest(job).gpus;
    for (size_t g = 0; g < gpu_busy_.size() && static_cast<int64_t>(gpus.size()) < gpus_needed;
         ++g) {
      if (!gpu_busy_[g]) {
        gpu_busy_[g] = true;
        gpus.push_back(static_cast<int>(g));
      }
    }
    auto [it, added] = runs_.try_emplace(job.id, job, std::move(gpus), options_.stop_grace_ms, now);
    if (!Apply(job.id, it->second, StartPods(it->second))) runs_.erase(it);
  }
  for (core::JobNumber id : ids) {
    if (!preparing.count(id)) Scheduled([&](Scheduler& s) { s.Release(id); });
  }
  Flush();
}

std::vector<Mount> Runner::JobMounts(const TrainingJob& job, std::string& failure) const {
  std::vector<Mount> mounts;
  for (const core::DataMount& m : job.mounts) {
    try {
      if (!options_.storage) throw std::runtime_error("this server resolves no data");
      mounts.push_back({options_.storage->ResolveExisting(m.uri, m.data_source_type, m.property),
                        m.mount_path, m.mount_access != "RW"});
    } catch (const std::exception& e) {
      std::string what = m.dataset_id.empty() ? m.uri : m.dataset_id + " " + m.version;
      failure = "The data of " + what + " cannot be mounted at " + m.mount_path + ": " + e.what();
      return {};
    }
  }
  return mounts;
}

Actions Runner::StartPods(JobRun& run, bool may_retry) {
  const TrainingJob& job = run.job();
  Executor& executor = ExecutorFor(job);
  core::TimeMs now = clock_.Now();
  std::vector<PodPlan> plans = PlanPods(job);
  for (PodPlan& plan : plans) plan.port = executor.FreePort();
  ShareGpus(job, run.gpus(), plans);
  std::string failure;
  std::vector<Mount> mounts = JobMounts(job, failure);
  JobLaunch launch{job, plans, {}};
  std::vector<PodRun> pods;
  for (size_t i = 0; i < plans.size(); ++i) {
    PodRun pod{plans[i], {}};
    core::PodState& s = pod.state;
    s.name = plans[i].name;
    s.uid = core::NewUuid();
    s.role = plans[i].role;
    s.index = plans[i].index;
    s.gpus = plans[i].gpus;
    s.created = s.started = now;
    launch.pods.push_back(PodLaunch{s.uid, job.user_command, JobDir(job) / "work",
                                    PodEnv(job, plans, i, s.uid), LogPath(job, s), ExitPath(job, s),
                                    mounts});
    pods.push_back(std::move(pod));
  }
  std::vector<int64_t> handles;
  if (failure.empty()) {
    try {
      handles = executor.Start(launch, failure);
    } catch (const ExecutorUnavailable& e) {
      if (may_retry) throw;
      failure = e.what();
    } catch (const std::exception& e) {
      failure = e.what();
    }
  }
  handles.resize(pods.size(), 0);
  for (size_t i = 0; i < pods.size(); ++i) {
    core::PodState& s = pods[i].state;
    s.pid = handles[i];
    s.status = s.pid == 0 ? "Failed" : executor.Queues() ? "Pending" : "Running";
    if (s.pid == 0) s.finished = now;
  }
  if (executor.Queues()) return run.Submitted(std::move(pods), now, failure);
  return run.Started(std::move(pods), now, failure);
}

Actions Runner::CollectExits(JobRun& run) {
  Actions actions;
  for (size_t i = 0; i < run.pods().size(); ++i) {
    const PodRun& pod = run.pods()[i];
    if (!pod.Live()) continue;
    std::optional<ExitStatus> exit = ExecutorFor(run.job()).Poll(pod.state.pid);
    if (!exit) continue;
    std::vector<std::string> tail;
    if (!exit->Ok()) tail = Tail(run.job(), pod.state, kReasonLogLines);
    actions += run.PodExited(i, *exit, clock_.Now(), tail);
  }
  return actions;
}

Actions Runner::Restart(core::JobNumber id, JobRun& run) {
  core::TimeMs now = clock_.Now();
  TrainingJob job = jobs_.Mutate(id, [&](TrainingJob& j) {
    j.pods.clear();
    for (const PodRun& pod : run.pods()) j.pods.push_back(pod.state);
    MoveIf(j, {TrainingStatus::kRunning}, TrainingStatus::kRestarting, now, run.reason_code(),
           run.reason_message());
    if (j.status == TrainingStatus::kRestarting) {
      j.restart_count++;
      j.history_pods.insert(j.history_pods.end(), j.pods.begin(), j.pods.end());
      j.pods.clear();
    }
  });
  pending_.erase(id);  // the restart stored the pods as they are
  if (job.status != TrainingStatus::kRestarting)
    return run.StopRequested(now);  // a stop came first
  run.Restarted(job);
  return StartPods(run);
}

bool Runner::Apply(core::JobNumber id, JobRun& run, const Actions& actions) {
  Executor& executor = ExecutorFor(run.job());
  for (const PodRun& pod : run.pods()) {
    if (!pod.Live()) continue;
    if (actions.signal_term) executor.Signal(pod.state.pid, SIGTERM);
    if (actions.signal_kill) executor.Signal(pod.state.pid, SIGKILL);
  }
  if (actions.record) {
    core::TimeMs now = clock_.Now();
    std::vector<core::PodState> pods;
    for (const PodRun& pod : run.pods()) pods.push_back(pod.state);
    pending_[id].push_back([pods = std::move(pods), moves = actions.moves, now](TrainingJob& j) {
      if (!pods.empty()) j.pods = pods;
      for (const Move& move : moves) ApplyMove(j, move, now);
    });
  }
  if (actions.restart) return Apply(id, run, Restart(id, run));
  if (actions.release) {
    Scheduled([&](Scheduler& s) { s.Release(id); });
    for (int g : run.gpus()) gpu_busy_[static_cast<size_t>(g)] = false;
  }
  return !actions.forget;
}

void Runner::Flush() {
  if (pending_.empty()) return;
  std::vector<service::JobService::Change> batch;
  for (auto& [id, changes] : pending_) {
    batch.push_back({id, [changes = std::move(changes)](TrainingJob& j) {
                       // One job's change that cannot apply must not cost
                       // the others theirs.
                       try {
                         for (const auto& change : changes) change(j);
                       } catch (const std::exception& e) {
                         spdlog::error("runner: job {}: cannot record a change: {}", j.public_id,
                                       e.what());
                       }
                     }});
  }
  pending_.clear();
  jobs_.MutateBatch(batch);
}

std::filesystem::path Runner::JobDir(const TrainingJob& job) const {
  return options_.jobs_dir / job.public_id;
}

std::filesystem::path Runner::LogPath(const TrainingJob& job, const core::PodState& pod) const {
  return JobDir(job) / "logs" / (pod.name + "." + pod.uid + ".log");
}

std::filesystem::path Runner::ExitPath(const TrainingJob& job, const core::PodState& pod) const {
  return JobDir(job) / "logs" / (pod.name + "." + pod.uid + ".exit");
}

namespace {

// The last `max_lines` lines of one file (at most its last 4 MiB), valid
// UTF-8; `whole` says whether they reach back to the file's start.
std::vector<std::string> TailOf(const std::filesystem::path& file, int64_t max_lines, bool& whole) {
  constexpr std::streamoff kMaxRead = 4 << 20;  // the tail of a huge log is enough
  whole = true;
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  if (!in || max_lines <= 0) return {};
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
    lines.push_back(core::ToValidUtf8(std::string_view(text).substr(pos, end - pos)));
    pos = end + 1;
  }
  if (start > 0 && !lines.empty()) {
    lines.erase(lines.begin());  // a partial first line
    whole = false;
  }
  if (static_cast<int64_t>(lines.size()) > max_lines) {
    lines.erase(lines.begin(), lines.end() - max_lines);
    whole = false;
  }
  return lines;
}

std::filesystem::path Rotated(std::filesystem::path log) {
  log += ".1";
  return log;
}

}  // namespace

std::vector<std::string> Runner::Tail(const TrainingJob& job, const core::PodState& pod,
                                      int64_t max_lines) const {
  std::filesystem::path log = LogPath(job, pod);
  bool whole = false;
  std::vector<std::string> lines = TailOf(log, max_lines, whole);
  if (!whole) return lines;
  // The log was rotated at --pod-log-limit: the rest comes from before.
  std::vector<std::string> older =
      TailOf(Rotated(log), max_lines - static_cast<int64_t>(lines.size()), whole);
  if (uint64_t dropped = ReadDroppedBytes(log); whole && dropped > 0 && !older.empty()) {
    older.insert(older.begin(), "[drover] " + std::to_string(dropped) +
                                    " earlier bytes of this pod's log were dropped "
                                    "(--pod-log-limit).");
  }
  older.insert(older.end(), std::make_move_iterator(lines.begin()),
               std::make_move_iterator(lines.end()));
  return older;
}

service::PodLog Runner::Lines(const TrainingJob& job, const core::PodState& pod,
                              service::LogRange range) const {
  service::PodLog out{pod, {}, 0};
  if (range.count <= 0) return out;
  std::deque<std::string> last;  // range.first == 0: the newest range.count lines
  int64_t number = 0;
  // Numbered through what is kept: the rotated part first, then the log.
  std::filesystem::path log = LogPath(job, pod);
  for (const std::filesystem::path& file : {Rotated(log), log}) {
    std::ifstream in(file, std::ios::binary);
    for (std::string line; in && std::getline(in, line);) {
      ++number;
      if (range.first == 0) {
        last.push_back(core::ToValidUtf8(line));
        if (static_cast<int64_t>(last.size()) > range.count) last.pop_front();
      } else if (number >= range.first) {
        out.lines.push_back(core::ToValidUtf8(line));
        if (static_cast<int64_t>(out.lines.size()) == range.count) break;
      }
    }
    if (range.first != 0 && static_cast<int64_t>(out.lines.size()) == range.count) break;
  }
  if (range.first == 0) {
    out.lines.assign(std::make_move_iterator(last.begin()), std::make_move_iterator(last.end()));
    out.first_line = number - static_cast<int64_t>(out.lines.size()) + 1;
  } else {
    out.first_line = range.first;
  }
  return out;
}

}  // namespace drover::runner
