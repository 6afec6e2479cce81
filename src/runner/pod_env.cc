#include "runner/pod_env.h"

#include <algorithm>
#include <boost/json.hpp>

#include "text/text.h"

namespace drover::runner {

namespace {

// Roles in rank order: the leader of the job first, then workers, then the rest.
constexpr const char* kRoleOrder[] = {"Master", "Chief", "Head", "Launcher", "Worker"};

bool UsesTorchEnv(const std::string& job_type) {
  return job_type == "PyTorchJob" || job_type == "XGBoostJob" || job_type == "OneFlowJob" ||
         job_type == "ElasticBatchJob";
}

int RoleOrder(const std::string& role) {
  for (int i = 0; i < static_cast<int>(std::size(kRoleOrder)); ++i) {
    if (role == kRoleOrder[i]) return i;
  }
  return static_cast<int>(std::size(kRoleOrder));
}

}  // namespace

std::vector<PodPlan> PlanPods(const core::TrainingJob& job) {
  // Leader roles first (stable otherwise), so the deciding pod gets rank 0.
  std::vector<const core::RoleSpec*> roles;
  for (const core::RoleSpec& role : job.roles) roles.push_back(&role);
  std::stable_sort(roles.begin(), roles.end(), [](const auto* a, const auto* b) {
    return RoleOrder(a->role) < RoleOrder(b->role);
  });
  std::vector<PodPlan> pods;
  for (const core::RoleSpec* role : roles) {
    for (int64_t i = 0; i < role->pod_count; ++i) {
      PodPlan pod;
      pod.role = role->role;
      pod.index = i;
      pod.rank = static_cast<int64_t>(pods.size());
      pod.name = job.public_id + "-" + text::Fold(role->role) + "-" + std::to_string(i);
      pods.push_back(std::move(pod));
    }
  }
  return pods;
}

std::map<std::string, std::string> PodEnv(const core::TrainingJob& job,
                                          const std::vector<PodPlan>& pods, size_t pod,
                                          const std::string& pod_uid) {
  std::map<std::string, std::string> env = job.envs;
  const PodPlan& self = pods[pod];
  env["JOB_ID"] = job.public_id;
  env["POD_NAME"] = self.name;
  env["POD_UID"] = pod_uid;
  env["CUDA_VISIBLE_DEVICES"] = self.gpus;
  if (UsesTorchEnv(job.job_type)) {
    env["MASTER_ADDR"] = pods[0].host;
    env["MASTER_PORT"] = std::to_string(pods[0].port);
    env["WORLD_SIZE"] = std::to_string(pods.size());
    env["RANK"] = std::to_string(self.rank);
    env["LOCAL_RANK"] = "0";  // one process per pod, each pod its own "node"
  } else if (job.job_type == "TFJob") {
    boost::json::object cluster;
    for (const PodPlan& p : pods) {
      boost::json::value& members = cluster[text::Fold(p.role)];
      if (!members.is_array()) members = boost::json::array();
      members.as_array().push_back(boost::json::string(p.host + ":" + std::to_string(p.port)));
    }
    boost::json::object tf_config{
        {"cluster", std::move(cluster)},
        {"task", boost::json::object{{"type", text::Fold(self.role)}, {"index", self.index}}}};
    env["TF_CONFIG"] = boost::json::serialize(tf_config);
  }
  return env;
}

}  // namespace drover::runner
