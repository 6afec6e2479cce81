// PodPlan and PodEnv: how a job becomes processes — one per pod — and the
// environment each gets, following each framework's conventions. A pod's
// address is 127.0.0.1 on this machine; on a cluster it is the node the pod
// landed on (runner/slurm_task.h fills it in there). Pure functions.
//
//   every pod   JOB_ID, POD_NAME, POD_UID, CUDA_VISIBLE_DEVICES, the job's Envs
//   PyTorchJob  MASTER_ADDR, MASTER_PORT, WORLD_SIZE, RANK, LOCAL_RANK
//   (and XGBoostJob, OneFlowJob, ElasticBatchJob, which share its roles)
//   TFJob       TF_CONFIG {"cluster": {role: [addr…]}, "task": {type, index}}
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/training_job.h"

namespace drover::runner {

struct PodPlan {
  std::string name;  // "<job>-<role>-<index>", role in lowercase
  std::string role;
  int64_t index = 0;               // within the role
  int64_t rank = 0;                // across the job: master (or chief) first
  std::string host = "127.0.0.1";  // where the pod runs
  int port = 0;                    // the pod's own service port (TF_CONFIG, MASTER_PORT)
  std::string gpus;                // CUDA_VISIBLE_DEVICES, e.g. "0,1"
};

// The pods of `job` in rank order; ports and gpus are left for the caller.
// Rank 0 is the pod whose exit decides the job: master-0, else chief-0 (TF),
// head-0 (Ray), launcher-0 (MPI), else worker-0, else the first pod.
std::vector<PodPlan> PlanPods(const core::TrainingJob& job);

// The variables a pod's process gets on top of the server's environment.
std::map<std::string, std::string> PodEnv(const core::TrainingJob& job,
                                          const std::vector<PodPlan>& pods, size_t pod,
                                          const std::string& pod_uid);

}  // namespace drover::runner
