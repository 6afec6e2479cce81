#include "runner/slurm_task.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "runner/pod_supervisor.h"

namespace drover::runner {

namespace json = boost::json;

namespace {

std::string Str(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_string()) throw std::runtime_error(std::string("spec: no string ") + key);
  return std::string(v->get_string());
}

int64_t Int(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_int64()) throw std::runtime_error(std::string("spec: no integer ") + key);
  return v->get_int64();
}

// Appends a line of Drover's own to the pod's log.
void LogLine(const std::filesystem::path& log, const std::string& line) {
  std::ofstream(log, std::ios::app) << "[drover] " << line << "\n";
}

std::string ReadFile(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// This task's node as the other pods reach it.
std::string ThisHost() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "127.0.0.1";
  return name;
}

}  // namespace

std::string SlurmTaskSpecJson(const SlurmTaskSpec& spec) {
  json::array pods;
  for (const SlurmTaskSpec::Pod& pod : spec.pods) {
    pods.push_back(json::object{{"name", pod.plan.name},
                                {"role", pod.plan.role},
                                {"index", pod.plan.index},
                                {"rank", pod.plan.rank},
                                {"port", pod.plan.port},
                                {"uid", pod.uid},
                                {"log_file", pod.log_file.string()},
                                {"exit_file", pod.exit_file.string()}});
  }
  json::object envs;
  for (const auto& [k, v] : spec.envs) envs[k] = v;
  json::array mounts;
  for (const Mount& m : spec.mounts) mounts.push_back(json::string(FormatMount(m)));
  json::object doc{{"job_id", spec.job_id},       {"job_type", spec.job_type},
                   {"command", spec.command},     {"working_dir", spec.working_dir.string()},
                   {"envs", std::move(envs)},     {"mounts", std::move(mounts)},
                   {"log_limit", spec.log_limit}, {"pods", std::move(pods)}};
  return json::serialize(doc);
}

SlurmTaskSpec ParseSlurmTaskSpec(const std::string& text) {
  json::value doc;
  try {
    doc = json::parse(text);
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("spec is not JSON: ") + e.what());
  }
  if (!doc.is_object()) throw std::runtime_error("spec is not an object");
  const json::object& o = doc.as_object();
  SlurmTaskSpec spec;
  spec.job_id = Str(o, "job_id");
  spec.job_type = Str(o, "job_type");
  spec.command = Str(o, "command");
  spec.working_dir = Str(o, "working_dir");
  spec.log_limit = static_cast<uint64_t>(Int(o, "log_limit"));
  if (const json::value* envs = o.if_contains("envs"); envs && envs->is_object()) {
    for (const auto& [k, v] : envs->as_object()) {
      if (v.is_string()) spec.envs[std::string(k)] = std::string(v.get_string());
    }
  }
  if (const json::value* mounts = o.if_contains("mounts"); mounts && mounts->is_array()) {
    for (const json::value& m : mounts->as_array()) {
      std::optional<Mount> mount =
          m.is_string() ? ParseMount(std::string(m.get_string())) : std::nullopt;
      if (!mount) throw std::runtime_error("spec: a bad mount");
      spec.mounts.push_back(*mount);
    }
  }
  const json::value* pods = o.if_contains("pods");
  if (!pods || !pods->is_array() || pods->as_array().empty()) {
    throw std::runtime_error("spec: no pods");
  }
  for (const json::value& p : pods->as_array()) {
    if (!p.is_object()) throw std::runtime_error("spec: a pod is not an object");
    const json::object& po = p.as_object();
    SlurmTaskSpec::Pod pod;
    pod.plan.name = Str(po, "name");
    pod.plan.role = Str(po, "role");
    pod.plan.index = Int(po, "index");
    pod.plan.rank = Int(po, "rank");
    pod.plan.port = static_cast<int>(Int(po, "port"));
    pod.uid = Str(po, "uid");
    pod.log_file = Str(po, "log_file");
    pod.exit_file = Str(po, "exit_file");
    spec.pods.push_back(std::move(pod));
  }
  return spec;
}

std::map<std::string, std::string> SlurmPodEnv(const SlurmTaskSpec& spec, size_t rank,
                                               const std::string& slurm_gpus) {
  core::TrainingJob job;
  job.public_id = spec.job_id;
  job.job_type = spec.job_type;
  job.envs = spec.envs;
  std::vector<PodPlan> plans;
  for (const SlurmTaskSpec::Pod& pod : spec.pods) plans.push_back(pod.plan);
  plans[rank].gpus = slurm_gpus;
  return PodEnv(job, plans, rank, spec.pods[rank].uid);
}

int RunSlurmTask(const std::filesystem::path& spec_file, int64_t first_rank,
                 int64_t rendezvous_ms) {
  // A stop (scancel --signal=TERM) that comes before the pod's supervisor
  // runs waits, blocked, for it: the supervisor takes it over across exec
  // (its signalfd reads the pending signal) and ends the pod by it.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  sigprocmask(SIG_BLOCK, &stop, nullptr);
  SlurmTaskSpec spec;
  try {
    spec = ParseSlurmTaskSpec(ReadFile(spec_file));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "drover slurm-task: %s: %s\n", spec_file.c_str(), e.what());
    return 127;
  }
  const char* procid = std::getenv("SLURM_PROCID");
  int64_t rank = first_rank + (procid ? std::atoll(procid) : 0);
  if (rank < 0 || rank >= static_cast<int64_t>(spec.pods.size())) {
    std::fprintf(stderr, "drover slurm-task: rank %lld is not a pod of %s\n",
                 static_cast<long long>(rank), spec.job_id.c_str());
    return 127;
  }
  const SlurmTaskSpec::Pod& self = spec.pods[static_cast<size_t>(rank)];
  auto fail = [&](const std::string& why) {
    LogLine(self.log_file, why);
    WriteExitFile(self.exit_file, ExitStatus{127, 0});
    return 127;
  };

  // The rendezvous: this pod's node, then every other pod's.
  std::filesystem::path hosts = spec_file.parent_path() / "hosts";
  std::error_code ec;
  std::filesystem::create_directories(hosts, ec);
  {
    std::filesystem::path mine = hosts / std::to_string(rank);
    std::filesystem::path temp = mine;
    temp += ".tmp";
    std::ofstream(temp) << ThisHost();
    std::filesystem::rename(temp, mine, ec);
    if (ec) return fail("cannot write " + mine.string() + ": " + ec.message());
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(rendezvous_ms);
  for (size_t i = 0; i < spec.pods.size();) {
    std::string host = ReadFile(hosts / std::to_string(i));
    if (!host.empty()) {
      spec.pods[i++].plan.host = host;
      continue;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      return fail("pod " + spec.pods[i].plan.name + " did not start within " +
                  std::to_string(rendezvous_ms / 1000) + " s of this one");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }

  const char* gpus = std::getenv("CUDA_VISIBLE_DEVICES");
  for (const auto& [k, v] : SlurmPodEnv(spec, static_cast<size_t>(rank), gpus ? gpus : "")) {
    setenv(k.c_str(), v.c_str(), 1);
  }
  if (chdir(spec.working_dir.c_str()) != 0) {
    return fail("cannot enter " + spec.working_dir.string() + ": " + std::strerror(errno));
  }
  int log = open(self.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) {
    std::fprintf(stderr, "drover slurm-task: cannot open %s\n", self.log_file.c_str());
    WriteExitFile(self.exit_file, ExitStatus{127, 0});
    return 127;
  }
  dup2(log, STDOUT_FILENO);
  dup2(log, STDERR_FILENO);
  std::vector<std::string> args = {
      "drover",     "pod-supervise",        "--exit-file", self.exit_file.string(),
      "--log-file", self.log_file.string(), "--log-limit", std::to_string(spec.log_limit)};
  if (!spec.mounts.empty()) {
    std::optional<std::filesystem::path> bwrap = FindBubblewrap();
    if (!bwrap) {
      return fail("bubblewrap (bwrap) is not installed on " + ThisHost() +
                  ", and a job with DataSources needs it to mount its data");
    }
    args.insert(args.end(), {"--bwrap", bwrap->string()});
    for (const Mount& mount : spec.mounts) args.insert(args.end(), {"--mount", FormatMount(mount)});
  }
  args.insert(args.end(), {"--", spec.command});
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  execv("/proc/self/exe", argv.data());
  return fail(std::string("cannot start the pod's supervisor: ") + std::strerror(errno));
}

}  // namespace drover::runner
