#include "runner/slurm_executor.h"

#include <signal.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <sstream>

#include "runner/pod_supervisor.h"
#include "runner/process.h"
#include "runner/resources.h"
#include "runner/slurm_task.h"

namespace drover::runner {

namespace {

constexpr int64_t kMiB = 1 << 20;
// How long a pod killed by a signal waits for Slurm to say why (a job at
// its time limit is COMPLETING before it is TIMEOUT).
constexpr core::TimeMs kCauseWaitMs = 15'000;

core::TimeMs SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string Quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string Trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// A task's share for one role: CPUs, memory per CPU (MiB, 0 = Slurm's
// default) and GPUs.
struct Share {
  int64_t cpus = 1;
  int64_t mem_per_cpu_mib = 0;
  int64_t gpus = 0;
};

Share ShareOf(const core::RoleSpec* role) {
  Share share;
  if (!role) return share;
  Resources r = PodRequest(*role);
  share.cpus = std::max<int64_t>(1, (r.cpu_milli + 999) / 1000);
  if (r.memory_bytes > 0) {
    share.mem_per_cpu_mib = (r.memory_bytes + share.cpus * kMiB - 1) / (share.cpus * kMiB);
  }
  share.gpus = r.gpus;
  return share;
}

const core::RoleSpec* RoleOf(const core::TrainingJob& job, const std::string& role) {
  for (const core::RoleSpec& r : job.roles) {
    if (r.role == role) return &r;
  }
  return nullptr;
}

std::string Gpus(const SlurmTarget& target, int64_t n) {
  if (target.gpu_type.empty() || n == 0) return std::to_string(n);
  return target.gpu_type + ":" + std::to_string(n);
}

// Whether a Slurm command failed because the controller did not answer
// (a restart, say) rather than because of what it was asked.
bool Unreachable(const CommandResult& result) {
  if (result.exit_code == -1) return true;  // it timed out
  for (const char* sign : {"Unable to contact slurm controller", "Socket timed out",
                           "Connection refused", "Zero Bytes were transmitted"}) {
    if (result.err.find(sign) != std::string::npos) return true;
  }
  return false;
}

std::string LastLines(const std::filesystem::path& file, size_t max_bytes) {
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  if (!in) return "";
  std::streamoff size = in.tellg();
  std::streamoff start = std::max<std::streamoff>(0, size - static_cast<std::streamoff>(max_bytes));
  in.seekg(start);
  std::string text(static_cast<size_t>(size - start), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  return Trim(text);
}

}  // namespace

// ==== Pure parts ============================================================

SlurmBatch SlurmBatchScript(const JobLaunch& launch, const SlurmTarget& target,
                            const std::filesystem::path& drover,
                            const std::filesystem::path& spec_dir) {
  const core::TrainingJob& job = launch.job;
  // The roles in rank order, each a run of consecutive pods.
  struct Step {
    const core::RoleSpec* role;
    size_t first;
    size_t count;
  };
  std::vector<Step> steps;
  for (size_t i = 0; i < launch.plans.size(); ++i) {
    if (steps.empty() || launch.plans[i].role != launch.plans[steps.back().first].role) {
      steps.push_back({RoleOf(job, launch.plans[i].role), i, 0});
    }
    ++steps.back().count;
  }
  Share most;
  for (const Step& step : steps) {
    Share share = ShareOf(step.role);
    most.cpus = std::max(most.cpus, share.cpus);
    most.mem_per_cpu_mib = std::max(most.mem_per_cpu_mib, share.mem_per_cpu_mib);
    most.gpus = std::max(most.gpus, share.gpus);
  }
  SlurmBatch batch;
  std::vector<std::string>& o = batch.options;
  o.push_back("--job-name=" + job.public_id);
  o.push_back("--output=" + (spec_dir / "batch.out").string());
  o.push_back("--chdir=" + launch.pods.at(0).working_dir.string());
  o.push_back("--ntasks=" + std::to_string(launch.plans.size()));
  o.push_back("--cpus-per-task=" + std::to_string(most.cpus));
  if (most.mem_per_cpu_mib > 0)
    o.push_back("--mem-per-cpu=" + std::to_string(most.mem_per_cpu_mib));
  if (most.gpus > 0) o.push_back("--gpus-per-task=" + Gpus(target, most.gpus));
  if (job.max_running_minutes > 0) o.push_back("--time=" + std::to_string(job.max_running_minutes));
  o.push_back("--nice=" + std::to_string(SlurmNice(job.priority)));
  if (!target.partition.empty()) o.push_back("--partition=" + target.partition);
  if (!target.account.empty()) o.push_back("--account=" + target.account);
  if (!target.qos.empty()) o.push_back("--qos=" + target.qos);

  std::string& script = batch.script;
  script = "#!/bin/sh\n# Drover job " + job.public_id +
           ": one step per role, each task a pod (drover slurm-task).\n";
  std::string spec = Quote((spec_dir / "spec.json").string());
  for (const Step& step : steps) {
    Share share = ShareOf(step.role);
    script += "srun --exact --kill-on-bad-exit=0 --ntasks=" + std::to_string(step.count) +
              " --cpus-per-task=" + std::to_string(share.cpus);
    if (share.mem_per_cpu_mib > 0) {
      script += " --mem-per-cpu=" + std::to_string(share.mem_per_cpu_mib);
    }
    if (most.gpus > 0) script += " --gpus-per-task=" + Gpus(target, share.gpus);
    if (step.first == 0) script += " --relative=0";  // the leader on the first node
    script += " " + Quote(drover.string()) + " slurm-task " + spec + " " +
              std::to_string(step.first) + " &\n";
  }
  script += "wait\n";
  return batch;
}

int64_t SlurmNice(int64_t priority) { return (9 - std::clamp<int64_t>(priority, 1, 9)) * 100; }

std::map<int64_t, SlurmJobState> ParseSqueue(const std::string& output) {
  std::map<int64_t, SlurmJobState> jobs;
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);) {
    size_t bar1 = line.find('|');
    size_t bar2 = bar1 == std::string::npos ? bar1 : line.find('|', bar1 + 1);
    if (bar2 == std::string::npos) continue;
    std::string id = line.substr(0, bar1);
    if (id.empty() || !std::all_of(id.begin(), id.end(), ::isdigit) || id.size() > 15) continue;
    jobs[std::stoll(id)] =
        SlurmJobState{line.substr(bar1 + 1, bar2 - bar1 - 1), Trim(line.substr(bar2 + 1))};
  }
  return jobs;
}

bool SlurmEnded(const std::string& state) {
  static const char* const kEnded[] = {"COMPLETED", "FAILED",       "CANCELLED",     "TIMEOUT",
                                       "NODE_FAIL", "BOOT_FAIL",    "OUT_OF_MEMORY", "PREEMPTED",
                                       "DEADLINE",  "SPECIAL_EXIT", "REVOKED"};
  return std::find(std::begin(kEnded), std::end(kEnded), state) != std::end(kEnded);
}

ExitStatus SlurmCause(int64_t slurm_id, const SlurmJobState& state) {
  std::string job = "Slurm job " + std::to_string(slurm_id);
  std::string code, message;
  const std::string& s = state.state;
  if (s == "TIMEOUT") {
    code = "JobTimeout";
    message = job + " reached its time limit (TIMEOUT).";
  } else if (s == "CANCELLED") {
    code = "JobCancelled";
    message = job + " was cancelled outside Drover (CANCELLED).";
  } else if (s == "NODE_FAIL" || s == "BOOT_FAIL") {
    code = "NodeFailed";
    message = job + " lost a node it ran on (" + s + ").";
  } else if (s == "OUT_OF_MEMORY") {
    code = "OutOfMemory";
    message = job + " ran out of memory (OUT_OF_MEMORY).";
  } else if (s == "PREEMPTED") {
    code = "JobPreempted";
    message = job + " was preempted (PREEMPTED).";
  } else if (s == "DEADLINE") {
    code = "JobDeadline";
    message = job + " passed its deadline (DEADLINE).";
  }
  if (!code.empty() && !state.reason.empty() && state.reason != "None") {
    message += " Slurm's reason: " + state.reason + ".";
  }
  return ExitStatus{-1, code.empty() ? 0 : SIGKILL, code, message};
}

std::map<std::string, ExecutorChoice> LoadExecutorChoices(const std::filesystem::path& file) {
  boost::json::object doc = ReadQuotaFile(file);
  std::map<std::string, ExecutorChoice> choices;
  for (const auto& [key, entry] : doc) {
    if (!entry.is_object()) continue;  // LoadQuotas says so
    const boost::json::object& spec = entry.as_object();
    const std::string id(key);  // a lambda may not name a binding (clang)
    auto field = [&](const char* name) -> std::string {
      const boost::json::value* v = spec.if_contains(name);
      if (!v) return "";
      if (!v->is_string() || v->get_string().size() > 256) {
        throw std::runtime_error("quota " + id + ": " + name +
                                 " must be a string of at most 256 bytes");
      }
      return std::string(v->get_string());
    };
    ExecutorChoice choice;
    choice.executor = field("Executor");
    if (choice.executor.empty()) continue;
    if (choice.executor != "local" && choice.executor != "slurm") {
      throw std::runtime_error("quota " + id + ": Executor must be local or slurm");
    }
    choice.target = {field("Partition"), field("Account"), field("QOS"), field("GpuType")};
    choices[id] = std::move(choice);
  }
  return choices;
}

// ==== The executor ==========================================================

SlurmExecutor::SlurmExecutor(SlurmOptions options)
    : options_(std::move(options)),
      random_(std::random_device{}()),
      watcher_([this](const std::stop_token& stop) { Watch(stop); }) {}

SlurmExecutor::~SlurmExecutor() {
  watcher_.request_stop();
  watcher_.join();
}

const SlurmTarget& SlurmExecutor::TargetOf(const core::TrainingJob& job) const {
  auto it = options_.targets.find(job.resource_id);
  return it == options_.targets.end() ? options_.target : it->second;
}

std::vector<int64_t> SlurmExecutor::Start(const JobLaunch& launch, std::string& error) {
  const PodLaunch& first = launch.pods.at(0);
  std::filesystem::path job_dir = first.working_dir.parent_path();
  std::filesystem::path spec_dir = job_dir / "slurm" / first.uid;
  std::filesystem::create_directories(spec_dir);

  SlurmTaskSpec spec;
  spec.job_id = launch.job.public_id;
  spec.job_type = launch.job.job_type;
  spec.command = first.command;
  spec.working_dir = first.working_dir;
  spec.envs = launch.job.envs;
  spec.mounts = first.mounts;
  spec.log_limit = options_.log_limit;
  for (size_t i = 0; i < launch.pods.size(); ++i) {
    spec.pods.push_back(
        {launch.plans[i], launch.pods[i].uid, launch.pods[i].log_file, launch.pods[i].exit_file});
  }
  std::ofstream(spec_dir / "spec.json") << SlurmTaskSpecJson(spec);
  SlurmBatch batch = SlurmBatchScript(launch, TargetOf(launch.job), options_.drover, spec_dir);
  std::filesystem::path script = spec_dir / "batch.sh";
  std::ofstream(script) << batch.script;

  {
    std::lock_guard lock(mu_);
    // Not while the controller is known to be down: sbatch would only wait
    // for it. The watcher asks again meanwhile, jobs to follow or not.
    if (answer_.down) {
      following_ = hurry_ = true;
      watch_.notify_all();
      throw ExecutorUnavailable("the Slurm controller does not answer: " + answer_.error);
    }
  }
  std::vector<std::string> argv = {"sbatch", "--parsable"};
  argv.insert(argv.end(), batch.options.begin(), batch.options.end());
  argv.push_back(script.string());
  CommandResult result = RunCommand(argv, options_.command_timeout_ms);
  std::string out = Trim(result.out);
  std::string id_text = out.substr(0, out.find(';'));  // "<id>[;cluster]"
  if (result.exit_code != 0 || id_text.empty() ||
      !std::all_of(id_text.begin(), id_text.end(), ::isdigit) || id_text.size() > 12) {
    std::string why = Trim(result.err.empty() ? out : result.err);
    if (Unreachable(result)) throw ExecutorUnavailable("sbatch: " + why);
    error = "Slurm did not take the job: " + why;
    return {};
  }
  int64_t slurm_id = std::stoll(id_text);
  // The watcher's questions so far, counted now that the controller has the
  // job: only a question asked after this one is sure to list it.
  int64_t asked = 0;
  {
    std::lock_guard lock(mu_);
    asked = answer_.asked;
  }
  jobs_[slurm_id] = Job{spec_dir, std::nullopt, true, {}, asked};
  std::vector<int64_t> handles;
  for (size_t i = 0; i < launch.pods.size(); ++i) {
    handles.push_back(Handle(slurm_id, i));
    pods_[handles.back()] = Pod{launch.pods[i].exit_file, launch.plans[i].name, std::nullopt, 0};
  }
  spdlog::info("slurm: job {} is Slurm job {} ({} tasks)", launch.job.public_id, slurm_id,
               launch.pods.size());
  return handles;
}

void SlurmExecutor::Watch(const std::stop_token& stop) {
  std::unique_lock lock(mu_);
  while (!stop.stop_requested()) {
    // Idle while there is nothing to follow: a controller is not asked for nothing.
    watch_.wait(lock, stop, [&] { return following_; });
    if (stop.stop_requested()) break;
    int64_t question = ++answer_.asked;
    lock.unlock();
    CommandResult result;
    try {
      result = RunCommand({"squeue", "--me", "--noheader", "--states=all", "--format=%i|%T|%r"},
                          options_.command_timeout_ms);
    } catch (const std::exception& e) {
      result.err = e.what();
    }
    lock.lock();
    if (result.exit_code != 0) {
      if (!answer_.down) {
        spdlog::warn("slurm: squeue did not answer ({}); jobs keep their last known state",
                     Trim(result.err));
      }
      answer_.down = true;
      answer_.error = Trim(result.err);
    } else {
      if (answer_.down) spdlog::info("slurm: the controller answers again");
      answer_.down = false;
      answer_.question = question;
      answer_.listing = ParseSqueue(result.out);
    }
    ++answer_.answers;
    answered_.notify_all();
    watch_.wait_for(lock, stop, std::chrono::milliseconds(options_.refresh_ms),
                    [&] { return hurry_; });
    hurry_ = false;
  }
}

void SlurmExecutor::Refresh() {
  std::lock_guard lock(mu_);
  following_ = !jobs_.empty() || answer_.down;  // until it answers again
  if (following_) watch_.notify_all();
  controller_down_ = answer_.down;
  if (answer_.question == seen_question_) return;
  seen_question_ = answer_.question;
  ++refreshes_;
  for (auto& [id, job] : jobs_) {
    // An answer to a question asked before the job was submitted may not
    // know it yet.
    if (answer_.question <= job.asked_before) continue;
    auto it = answer_.listing.find(id);
    job.listed = it != answer_.listing.end();
    if (job.listed) job.state = it->second;
  }
}

SlurmExecutor::Job* SlurmExecutor::Find(int64_t handle) {
  auto it = jobs_.find(SlurmId(handle));
  return it == jobs_.end() ? nullptr : &it->second;
}

std::optional<std::string> SlurmExecutor::Waiting(int64_t handle) {
  Refresh();
  Job* job = Find(handle);
  if (!job) return std::nullopt;
  std::string name = "Slurm job " + std::to_string(SlurmId(handle));
  if (!job->state) {
    return controller_down_ ? name + " is submitted; the Slurm controller does not answer."
                            : name + " is submitted.";
  }
  const std::string& state = job->state->state;
  if (state == "PENDING" || state == "REQUEUED" || state == "REQUEUE_HOLD" ||
      state == "CONFIGURING" || state == "SUSPENDED") {
    std::string reason = job->state->reason;
    return name + " is " + state + (reason.empty() || reason == "None" ? "" : ": " + reason) + ".";
  }
  // Slurm runs the batch script before the steps start the pods: a pod
  // runs once its task has written its node (runner/slurm_task.h).
  if (!SlurmEnded(state) && !Started(*job, handle)) {
    return name + " is " + state + "; its pods are starting.";
  }
  return std::nullopt;
}

bool SlurmExecutor::Started(const Job& job, int64_t handle) {
  std::error_code ec;
  return std::filesystem::exists(job.spec_dir / "hosts" / std::to_string(handle & 0xffff), ec);
}

void SlurmExecutor::Reprioritize(int64_t handle, int64_t priority) {
  if (!Find(handle)) return;
  std::string id = std::to_string(SlurmId(handle));
  CommandResult result = RunCommand(
      {"scontrol", "update", "JobId=" + id, "Nice=" + std::to_string(SlurmNice(priority))},
      options_.command_timeout_ms);
  if (result.exit_code != 0) {
    spdlog::warn("slurm: cannot change job {}'s nice: {}", id, Trim(result.err));
  }
}

void SlurmExecutor::Abandon(const core::TrainingJob& job) {
  CommandResult result =
      RunCommand({"scancel", "--me", "--name=" + job.public_id}, options_.command_timeout_ms);
  if (result.exit_code != 0) {
    spdlog::warn("slurm: cannot cancel what is left of job {}: {}", job.public_id,
                 Trim(result.err));
  }
}

void SlurmExecutor::Signal(int64_t handle, int signal) {
  Job* job = Find(handle);
  if (!job || !job->signalled.insert(signal).second) return;  // once per Slurm job
  std::string id = std::to_string(SlurmId(handle));
  // A job whose pods have not started has nothing to signal: it is cancelled.
  bool waiting = !job->state || job->state->state == "PENDING" || !Started(*job, handle);
  std::vector<std::string> argv = {"scancel"};
  if (signal != SIGKILL && !waiting) argv.push_back("--signal=" + std::to_string(signal));
  argv.push_back(id);
  CommandResult result = RunCommand(argv, options_.command_timeout_ms);
  if (result.exit_code != 0 && argv.size() > 2) {
    // No step to signal (they are being set up, or have just ended): cancel.
    argv = {"scancel", id};
    result = RunCommand(argv, options_.command_timeout_ms);
  }
  if (result.exit_code != 0) {
    job->signalled.erase(signal);  // asked again at the next decision
    spdlog::warn("slurm: {} {}: {}", argv.size() > 2 ? "scancel --signal" : "scancel", id,
                 Trim(result.err));
  }
}

std::optional<ExitStatus> SlurmExecutor::Poll(int64_t handle) {
  auto pod_it = pods_.find(handle);
  Job* job = Find(handle);
  if (pod_it == pods_.end() || !job) return std::nullopt;
  Pod& pod = pod_it->second;
  Refresh();
  int64_t slurm_id = SlurmId(handle);
  std::optional<ExitStatus> exit = ReadExitFile(pod.exit_file);
  bool ended = job->state && SlurmEnded(job->state->state);
  if (exit && exit->signal != 0) {
    // Killed: Slurm may have done it (a time limit); wait for it to say so.
    core::TimeMs now = SteadyMs();
    if (!pod.killed_seen) {
      pod.killed_seen = now;
      pod.refreshes_at_kill = refreshes_;
    }
    // Ended, or still running in an answer newer than the kill: the pod was
    // killed on its own (or by Drover), not by Slurm's end of the job.
    bool told = ended || (refreshes_ > pod.refreshes_at_kill && job->state &&
                          job->state->state == "RUNNING");
    if (!told && now - *pod.killed_seen < kCauseWaitMs) return std::nullopt;
    if (ended) {
      ExitStatus cause = SlurmCause(slurm_id, *job->state);
      exit->cause_code = cause.cause_code;
      exit->cause_message = cause.cause_message;
    }
  } else if (!exit) {
    if (ended) {
      exit = SlurmCause(slurm_id, *job->state);
      if (exit->cause_code.empty()) {
        exit = ExitStatus{-1, SIGKILL, "JobFailed",
                          "Slurm job " + std::to_string(slurm_id) + " ended (" + job->state->state +
                              ") before pod " + pod.name + " recorded how it ended."};
      }
    } else if (!job->listed && !controller_down_ && refreshes_ > 0) {
      exit = ExitStatus{-1, SIGKILL, "JobFailed",
                        "Slurm no longer lists job " + std::to_string(slurm_id) + ", and pod " +
                            pod.name + " recorded no exit."};
    } else {
      return std::nullopt;
    }
    std::string output = LastLines(job->spec_dir / "batch.out", 1024);
    if (!output.empty()) exit->cause_message += " The batch script's output: " + output;
  }
  pods_.erase(pod_it);
  if (pods_.lower_bound(Handle(slurm_id, 0)) == pods_.lower_bound(Handle(slurm_id + 1, 0))) {
    jobs_.erase(slurm_id);  // every pod has been reported
  }
  return exit;
}

Executor::Adoption SlurmExecutor::Adopt(const core::PodState& pod, const PodLaunch& launch) {
  if (pod.pid <= 0) return Adoption::kGone;
  int64_t slurm_id = SlurmId(pod.pid);
  Job& job = jobs_[slurm_id];
  if ((pod.pid & 0xffff) == 0) {  // task 0's uid names the spec dir (Start)
    job.spec_dir = launch.exit_file.parent_path().parent_path() / "slurm" / pod.uid;
  }
  pods_[pod.pid] = Pod{launch.exit_file, pod.name, std::nullopt, 0};
  std::optional<SlurmJobState> state;
  {
    // The first squeue answers for every pod adopted at start-up.
    std::unique_lock lock(mu_);
    following_ = hurry_ = true;
    watch_.notify_all();
    answered_.wait_for(lock, std::chrono::milliseconds(options_.command_timeout_ms + 1000),
                       [&] { return answer_.answers > 0; });
    if (answer_.answers == 0 || answer_.down) return Adoption::kRunning;  // told once it answers
    auto listed = answer_.listing.find(slurm_id);
    if (listed != answer_.listing.end()) state = listed->second;
  }
  job.listed = state.has_value();
  if (state) {
    job.state = state;
    return SlurmEnded(state->state) ? Adoption::kEnded : Adoption::kRunning;
  }
  if (ReadExitFile(launch.exit_file)) return Adoption::kEnded;
  pods_.erase(pod.pid);
  if (pods_.lower_bound(Handle(slurm_id, 0)) == pods_.lower_bound(Handle(slurm_id + 1, 0))) {
    jobs_.erase(slurm_id);
  }
  return Adoption::kGone;
}

int SlurmExecutor::FreePort() { return std::uniform_int_distribution<int>(20000, 59999)(random_); }

}  // namespace drover::runner
