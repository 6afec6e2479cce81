#include "runner/pod_env.h"

#include <gtest/gtest.h>

namespace drover::runner {
namespace {

core::TrainingJob TfJob() {
  core::TrainingJob job;
  job.public_id = "dlcx";
  job.job_type = "TFJob";
  job.roles = {core::RoleSpec{"PS", "", 1, "", "", "", "", ""},
               core::RoleSpec{"Worker", "", 2, "", "", "", "", ""},
               core::RoleSpec{"Chief", "", 1, "", "", "", "", ""}};
  job.envs = {{"LR", "0.1"}};
  return job;
}

TEST(PodEnv, PlansPodsWithTheDecidingPodFirst) {
  std::vector<PodPlan> pods = PlanPods(TfJob());
  std::vector<std::string> names;
  for (const PodPlan& p : pods) names.push_back(p.name + "#" + std::to_string(p.rank));
  EXPECT_EQ(names, (std::vector<std::string>{"dlcx-chief-0#0", "dlcx-worker-0#1", "dlcx-worker-1#2",
                                             "dlcx-ps-0#3"}));
}

TEST(PodEnv, TfConfigNamesEveryPod) {
  core::TrainingJob job = TfJob();
  std::vector<PodPlan> pods = PlanPods(job);
  for (size_t i = 0; i < pods.size(); ++i) pods[i].port = 1000 + static_cast<int>(i);
  std::map<std::string, std::string> env = PodEnv(job, pods, 2, "uid-2");
  EXPECT_EQ(
      env["TF_CONFIG"],
      R"({"cluster":{"chief":["127.0.0.1:1000"],"worker":["127.0.0.1:1001","127.0.0.1:1002"],)"
      R"("ps":["127.0.0.1:1003"]},"task":{"type":"worker","index":1}})");
  EXPECT_EQ(env["POD_NAME"], "dlcx-worker-1");
  EXPECT_EQ(env["POD_UID"], "uid-2");
  EXPECT_EQ(env["JOB_ID"], "dlcx");
  EXPECT_EQ(env["LR"], "0.1");
  EXPECT_EQ(env.count("RANK"), 0u);
}

TEST(PodEnv, TorchRanksStartAtTheMaster) {
  core::TrainingJob job;
  job.public_id = "dlcy";
  job.job_type = "PyTorchJob";
  job.roles = {core::RoleSpec{"Worker", "", 2, "", "", "", "", ""},
               core::RoleSpec{"Master", "", 1, "", "", "", "", ""}};
  std::vector<PodPlan> pods = PlanPods(job);
  pods[0].port = 29500;
  pods[1].gpus = "0,1";
  std::map<std::string, std::string> env = PodEnv(job, pods, 1, "u");
  EXPECT_EQ(pods[0].name, "dlcy-master-0");
  EXPECT_EQ(env["RANK"], "1");
  EXPECT_EQ(env["WORLD_SIZE"], "3");
  EXPECT_EQ(env["MASTER_ADDR"], "127.0.0.1");
  EXPECT_EQ(env["MASTER_PORT"], "29500");
  EXPECT_EQ(env["LOCAL_RANK"], "0");
  EXPECT_EQ(env["CUDA_VISIBLE_DEVICES"], "0,1");
}

}  // namespace
}  // namespace drover::runner
