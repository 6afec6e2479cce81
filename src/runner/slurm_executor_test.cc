// The Slurm executor's pure parts: the batch script, squeue's answers, the
// causes of Slurm's end states, the quota file's executor choices, and what
// a task computes on its node. The executor against a real cluster is
// tested end to end (tests/e2e/slurm.test.mjs).
#include "runner/slurm_executor.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>

#include "runner/slurm_task.h"
#include "testing/temp_dir.h"

namespace drover::runner {
namespace {

core::TrainingJob MasterAndWorkers() {
  core::TrainingJob job;
  job.public_id = "dlc1";
  job.job_type = "PyTorchJob";
  job.priority = 7;
  job.max_running_minutes = 90;
  job.envs = {{"GREETING", "hi"}};
  job.roles = {core::RoleSpec{"Master", "img", 1, "", "1", "", "2Gi", ""},
               core::RoleSpec{"Worker", "img", 2, "", "4", "2", "16Gi", ""}};
  return job;
}

JobLaunch LaunchOf(const core::TrainingJob& job) {
  JobLaunch launch{job, PlanPods(job), {}};
  for (size_t i = 0; i < launch.plans.size(); ++i) {
    launch.plans[i].port = 29500 + static_cast<int>(i);
    PodLaunch pod;
    pod.uid = "uid-" + std::to_string(i);
    pod.command = "python train.py";
    pod.working_dir = "/jobs/dlc1/work";
    pod.log_file = "/jobs/dlc1/logs/" + launch.plans[i].name + ".log";
    pod.exit_file = "/jobs/dlc1/logs/" + launch.plans[i].name + ".exit";
    launch.pods.push_back(pod);
  }
  return launch;
}

TEST(SlurmBatchScript, OneTaskPerPodTheLargestShareEachAndAStepPerRole) {
  core::TrainingJob job = MasterAndWorkers();
  SlurmTarget target{"gpu", "ml team", "high", "a100"};
  SlurmBatch batch = SlurmBatchScript(LaunchOf(job), target, "/opt/drover", "/jobs/dlc1/slurm/u");
  EXPECT_EQ(
      batch.options,
      (std::vector<std::string>{
          "--job-name=dlc1", "--output=/jobs/dlc1/slurm/u/batch.out", "--chdir=/jobs/dlc1/work",
          "--ntasks=3", "--cpus-per-task=4", "--mem-per-cpu=4096", "--gpus-per-task=a100:2",
          "--time=90", "--nice=200", "--partition=gpu", "--account=ml team", "--qos=high"}));
  EXPECT_EQ(batch.script,
            "#!/bin/sh\n"
            "# Drover job dlc1: one step per role, each task a pod (drover slurm-task).\n"
            "srun --exact --kill-on-bad-exit=0 --ntasks=1 --cpus-per-task=1 --mem-per-cpu=2048 "
            "--gpus-per-task=0 --relative=0 '/opt/drover' slurm-task "
            "'/jobs/dlc1/slurm/u/spec.json' 0 &\n"
            "srun --exact --kill-on-bad-exit=0 --ntasks=2 --cpus-per-task=4 --mem-per-cpu=4096 "
            "--gpus-per-task=a100:2 '/opt/drover' slurm-task '/jobs/dlc1/slurm/u/spec.json' 1 &\n"
            "wait\n");
}

TEST(SlurmBatchScript, PathsAreQuotedForTheShellAndUnsetTargetsLeftToSlurm) {
  core::TrainingJob job;
  job.public_id = "dlc2";
  job.roles = {core::RoleSpec{"Worker", "img", 1, "", "", "", "", ""}};
  SlurmBatch batch = SlurmBatchScript(LaunchOf(job), {}, "/opt/it's drover", "/d/s");
  EXPECT_NE(batch.script.find("'/opt/it'\\''s drover' slurm-task '/d/s/spec.json' 0 &"),
            std::string::npos)
      << batch.script;
  for (const std::string& option : batch.options) {
    EXPECT_EQ(option.find("--partition"), std::string::npos);
    EXPECT_EQ(option.find("--gpus"), std::string::npos);
    EXPECT_EQ(option.find("--time"), std::string::npos);
  }
}

TEST(SlurmNice, HigherPriorityIsLowerNiceAndNeverNegative) {
  EXPECT_EQ(SlurmNice(9), 0);
  EXPECT_EQ(SlurmNice(1), 800);
  EXPECT_EQ(SlurmNice(5), 400);
  EXPECT_EQ(SlurmNice(42), 0);
  EXPECT_EQ(SlurmNice(-3), 800);
}

TEST(ParseSqueue, JobsByIdWithStateAndReason) {
  auto jobs = ParseSqueue(
      "12|RUNNING|None\n"
      "13|PENDING|Resources\n"
      "14+0|PENDING|Priority\n"  // a heterogeneous job's part: not Drover's
      "15_3|RUNNING|None\n"      // an array task: not Drover's
      "garbage\n"
      "16|TIMEOUT|TimeLimit\n");
  ASSERT_EQ(jobs.size(), 3u);
  EXPECT_EQ(jobs.at(12).state, "RUNNING");
  EXPECT_EQ(jobs.at(13).reason, "Resources");
  EXPECT_EQ(jobs.at(16).state, "TIMEOUT");
}

TEST(SlurmCause, EndStatesThatAreNotThePodsOwnGiveAReason) {
  ExitStatus timeout = SlurmCause(7, {"TIMEOUT", "TimeLimit"});
  EXPECT_EQ(timeout.cause_code, "JobTimeout");
  EXPECT_EQ(timeout.cause_message,
            "Slurm job 7 reached its time limit (TIMEOUT). Slurm's reason: TimeLimit.");
  EXPECT_EQ(timeout.signal, SIGKILL);
  EXPECT_EQ(SlurmCause(7, {"NODE_FAIL", "None"}).cause_code, "NodeFailed");
  EXPECT_EQ(SlurmCause(7, {"OUT_OF_MEMORY", ""}).cause_code, "OutOfMemory");
  EXPECT_EQ(SlurmCause(7, {"CANCELLED", ""}).cause_code, "JobCancelled");
  EXPECT_EQ(SlurmCause(7, {"COMPLETED", ""}).cause_code, "");  // the pods' exits tell
  EXPECT_EQ(SlurmCause(7, {"FAILED", ""}).cause_code, "");
  EXPECT_TRUE(SlurmEnded("OUT_OF_MEMORY"));
  EXPECT_FALSE(SlurmEnded("COMPLETING"));
  EXPECT_FALSE(SlurmEnded("PENDING"));
}

TEST(LoadExecutorChoices, QuotasNameTheirExecutorAndSlurmTarget) {
  testing::TempDir dir;
  std::filesystem::path file = dir.path() / "quotas.json";
  std::ofstream(file) << R"({"gpu-a": {"CPU": "8", "Executor": "slurm", "Partition": "gpu",
                              "Account": "ml", "QOS": "high", "GpuType": "a100"},
                             "here": {"Executor": "local"},
                             "plain": {"CPU": "4"}})";
  auto choices = LoadExecutorChoices(file);
  ASSERT_EQ(choices.size(), 2u);
  EXPECT_EQ(choices.at("gpu-a").executor, "slurm");
  EXPECT_EQ(choices.at("gpu-a").target.partition, "gpu");
  EXPECT_EQ(choices.at("gpu-a").target.account, "ml");
  EXPECT_EQ(choices.at("gpu-a").target.qos, "high");
  EXPECT_EQ(choices.at("gpu-a").target.gpu_type, "a100");
  EXPECT_EQ(choices.at("here").executor, "local");

  std::ofstream(file) << R"({"q": {"Executor": "kubernetes"}})";
  try {
    LoadExecutorChoices(file);
    ADD_FAILURE() << "an unknown executor was taken";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "quota q: Executor must be local or slurm");
  }
  std::ofstream(file) << R"({"q": {"Executor": "slurm", "Partition": 3}})";
  try {
    LoadExecutorChoices(file);
    ADD_FAILURE() << "a number was taken for a partition";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "quota q: Partition must be a string of at most 256 bytes");
  }
}

TEST(SlurmTask, TheSpecRoundTripsAndEachPodGetsItsFrameworksEnvironmentFromItsHosts) {
  core::TrainingJob job = MasterAndWorkers();
  JobLaunch launch = LaunchOf(job);
  SlurmTaskSpec spec;
  spec.job_id = job.public_id;
  spec.job_type = job.job_type;
  spec.command = "python train.py";
  spec.working_dir = "/jobs/dlc1/work";
  spec.envs = job.envs;
  spec.mounts = {Mount{"/data/a", "/mnt/a", true}};
  spec.log_limit = 1 << 20;
  for (size_t i = 0; i < launch.pods.size(); ++i) {
    spec.pods.push_back(
        {launch.plans[i], launch.pods[i].uid, launch.pods[i].log_file, launch.pods[i].exit_file});
  }
  SlurmTaskSpec back = ParseSlurmTaskSpec(SlurmTaskSpecJson(spec));
  EXPECT_EQ(back.job_id, "dlc1");
  EXPECT_EQ(back.mounts, spec.mounts);
  EXPECT_EQ(back.log_limit, 1u << 20);
  ASSERT_EQ(back.pods.size(), 3u);
  EXPECT_EQ(back.pods[2].plan.name, "dlc1-worker-1");
  EXPECT_EQ(back.pods[2].plan.port, 29502);
  EXPECT_EQ(back.pods[2].exit_file, spec.pods[2].exit_file);

  // As the rendezvous leaves them: the master on node-a, the workers on node-b.
  back.pods[0].plan.host = "node-a";
  back.pods[1].plan.host = back.pods[2].plan.host = "node-b";
  auto env = SlurmPodEnv(back, 2, "3");
  EXPECT_EQ(env.at("MASTER_ADDR"), "node-a");
  EXPECT_EQ(env.at("MASTER_PORT"), "29500");
  EXPECT_EQ(env.at("RANK"), "2");
  EXPECT_EQ(env.at("WORLD_SIZE"), "3");
  EXPECT_EQ(env.at("CUDA_VISIBLE_DEVICES"), "3");
  EXPECT_EQ(env.at("POD_UID"), "uid-2");
  EXPECT_EQ(env.at("GREETING"), "hi");

  EXPECT_THROW(ParseSlurmTaskSpec("{"), std::runtime_error);
  EXPECT_THROW(ParseSlurmTaskSpec(R"({"job_id": "x"})"), std::runtime_error);
}

}  // namespace
}  // namespace drover::runner
