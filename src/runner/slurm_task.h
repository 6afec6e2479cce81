// SlurmTask: one pod of a job that runs on Slurm (runner/slurm_executor.h),
// as `drover slurm-task SPEC FIRST_RANK` run by each task of a role's
// step. The pod is the task whose rank is FIRST_RANK + SLURM_PROCID.
//
// Before the pod starts, every task of the job writes the node it landed
// on to <spec dir>/hosts/<rank> and waits for all the others (up to
// `rendezvous_ms`): only then are all the pods' addresses known, and the
// pod gets PodEnv's environment (MASTER_ADDR the leader's node — the
// allocation's first — RANK, WORLD_SIZE, TF_CONFIG, …), its job's Envs,
// and CUDA_VISIBLE_DEVICES as Slurm bound it. It then becomes
// `drover pod-supervise`, as a local pod's process is: its log and exit
// file where the runner reads them, its data mounted with bubblewrap.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "runner/pod_env.h"
#include "runner/sandbox.h"

namespace drover::runner {

// What the tasks of one Slurm job read: spec.json in the spec dir.
struct SlurmTaskSpec {
  struct Pod {
    PodPlan plan;
    std::string uid;
    std::filesystem::path log_file;
    std::filesystem::path exit_file;
  };
  std::string job_id;  // the job's public id
  std::string job_type;
  std::string command;
  std::filesystem::path working_dir;
  std::map<std::string, std::string> envs;  // the job's Envs
  std::vector<Mount> mounts;
  uint64_t log_limit = 64 << 20;
  std::vector<Pod> pods;  // in rank order
};

std::string SlurmTaskSpecJson(const SlurmTaskSpec& spec);
// Throws std::runtime_error for a spec it cannot read.
SlurmTaskSpec ParseSlurmTaskSpec(const std::string& json);

// The pod's environment once every pod's host is known (`spec.pods[i]
// .plan.host`): PodEnv's, with CUDA_VISIBLE_DEVICES as Slurm set it
// (`slurm_gpus`, empty when Slurm gave the task none).
std::map<std::string, std::string> SlurmPodEnv(const SlurmTaskSpec& spec, size_t rank,
                                               const std::string& slurm_gpus);

// Runs in the task: the rendezvous, then execs `drover pod-supervise`.
// Returns only on failure (an exit code, having written the pod's exit
// file and a line to its log).
int RunSlurmTask(const std::filesystem::path& spec_file, int64_t first_rank,
                 int64_t rendezvous_ms = 600'000);

}  // namespace drover::runner
