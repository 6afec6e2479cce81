#include "core/training_job.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <set>

#include "core/error.h"
#include "core/ids.h"

namespace drover::core {
namespace {

TrainingJob TwoRoleJob() {
  TrainingJob job;
  job.public_id = "dlc-test";
  job.roles = {RoleSpec{"Worker", "img", 2, "", "4", "2", "8Gi", ""},
               RoleSpec{"Master", "img2", 1, "", "1", "", "512Mi", ""}};
  return job;
}

TEST(TrainingJob, DerivedResourceFigures) {
  TrainingJob job = TwoRoleJob();
  EXPECT_EQ(job.RequestCpu(), 9);
  EXPECT_EQ(job.RequestGpu(), 4);
  EXPECT_EQ(job.RequestMemory(), "16896Mi");
  EXPECT_EQ(job.NodeCount(), 3);
  EXPECT_EQ(job.Images(), "img img2");
  job.roles[1].memory = "2Gi";
  EXPECT_EQ(job.RequestMemory(), "18Gi");
}

TEST(TrainingJob, TransitionsRecordHistoryAndTimes) {
  TrainingJob job = TwoRoleJob();
  job.history = {StatusEvent{TrainingStatus::kCreating, 1000, 0, "", ""}};
  TransitionJob(job, TrainingStatus::kQueuing, 2000);
  TransitionJob(job, TrainingStatus::kEnvPreparing, 3000);
  TransitionJob(job, TrainingStatus::kRunning, 4000);
  EXPECT_EQ(job.DurationSeconds(10000), 6);
  TransitionJob(job, TrainingStatus::kFailed, 9000, "JobFailed", "exit code 1");

  EXPECT_EQ(job.status, TrainingStatus::kFailed);
  EXPECT_EQ(job.submitted, 2000);
  EXPECT_EQ(job.running, 4000);
  EXPECT_EQ(job.failed, 9000);
  EXPECT_EQ(job.finished, 9000);
  EXPECT_EQ(job.modified, 9000);
  EXPECT_EQ(job.reason_code, "JobFailed");
  EXPECT_EQ(job.DurationSeconds(99999), 5);
  ASSERT_EQ(job.history.size(), 5u);
  EXPECT_EQ(job.history[0].end, 2000);
  EXPECT_EQ(job.history[3].end, 9000);
  EXPECT_EQ(job.history[4],
            (StatusEvent{TrainingStatus::kFailed, 9000, 9000, "JobFailed", "exit code 1"}));
}

TEST(TrainingJob, IllegalTransitionIsRefusedAndChangesNothing) {
  TrainingJob job = TwoRoleJob();
  TrainingJob before = job;
  try {
    TransitionJob(job, TrainingStatus::kRunning, 5000);
    FAIL() << "Creating -> Running must be refused";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kFailedPrecondition);
    EXPECT_STREQ(e.what(), "The job dlc-test is Creating and cannot become Running.");
  }
  EXPECT_EQ(job, before);
}

TEST(Ids, PublicIdsAreUniqueAndShapedLikeDlc) {
  for (uint64_t key : {uint64_t{0}, uint64_t{0x9c1f3e77d2a45b01}}) {
    std::set<std::string> seen;
    for (JobNumber n = 1; n <= 10000; ++n) {
      std::string id = JobPublicId(n, key);
      ASSERT_EQ(id.size(), 16u);
      ASSERT_EQ(id.substr(0, 3), "dlc");
      ASSERT_TRUE(seen.insert(id).second) << id;
    }
  }
  EXPECT_EQ(JobPublicId(42, 7), JobPublicId(42, 7));
  EXPECT_EQ(JobPublicId(1, 0), "dlc0l4yot8jmlplo");  // what every data dir had before keys
}

TEST(Ids, TwoInstallationsShareNoIdsAmongTheirFirstJobs) {
  std::set<std::string> first;
  for (JobNumber n = 1; n <= 100000; ++n) first.insert(JobPublicId(n, 0x1234567890abcdef));
  for (JobNumber n = 1; n <= 100000; ++n) {
    ASSERT_FALSE(first.count(JobPublicId(n, 0xfedcba0987654321))) << n;
  }
}

TEST(Ids, RequestIdsAreUppercaseUuids) {
  std::string a = NewRequestId(), b = NewRequestId();
  EXPECT_NE(a, b);
  ASSERT_EQ(a.size(), 36u);
  for (size_t i = 0; i < a.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      EXPECT_EQ(a[i], '-');
    } else {
      EXPECT_TRUE((a[i] >= '0' && a[i] <= '9') || (a[i] >= 'A' && a[i] <= 'F')) << a;
    }
  }
  EXPECT_EQ(a[14], '4');
}

// Each edge of every limit: the last value allowed passes, the first one
// past it is refused naming the field (neutrally: dialects spell it).
TEST(JobLimits, EveryEdgeAndTheFieldItNames) {
  struct Case {
    std::function<void(TrainingJob&)> change;
    const char* refused_field;  // nullptr: allowed
  };
  const Case cases[] = {
      {[](TrainingJob& j) { j.roles[0].pod_count = 999; }, nullptr},  // and the master's 1
      {[](TrainingJob& j) { j.roles[0].pod_count = 1000; }, "roles"},
      {[](TrainingJob& j) { j.roles[0].pod_count = 0; }, "roles[0].pod_count"},
      {[](TrainingJob& j) { j.roles[0].pod_count = INT64_MAX; }, "roles[0].pod_count"},
      {[](TrainingJob& j) { j.roles[1].pod_count = -1; }, "roles[1].pod_count"},
      {[](TrainingJob& j) { j.roles[0].cpu = "10000"; }, nullptr},
      {[](TrainingJob& j) { j.roles[0].cpu = "10000.001"; }, "roles[0].cpu"},
      {[](TrainingJob& j) { j.roles[0].cpu = "99999999999999999999"; }, "roles[0].cpu"},
      {[](TrainingJob& j) { j.roles[0].gpu = "1024"; }, nullptr},
      {[](TrainingJob& j) { j.roles[0].gpu = "1025"; }, "roles[0].gpu"},
      {[](TrainingJob& j) { j.roles[0].gpu = "0.5"; }, "roles[0].gpu"},
      {[](TrainingJob& j) { j.roles[0].memory = "1024Ti"; }, nullptr},
      {[](TrainingJob& j) { j.roles[0].memory = "1025Ti"; }, "roles[0].memory"},
      {[](TrainingJob& j) { j.roles[0].memory = "1e400Gi"; }, "roles[0].memory"},
      {[](TrainingJob& j) { j.roles[0].restart_policy = "Sometimes"; }, "roles[0].restart_policy"},
      {[](TrainingJob& j) { j.roles[0].restart_policy = "onfailure"; }, "roles[0].restart_policy"},
      {[](TrainingJob& j) { j.roles[0].restart_policy = "ExitCode"; }, nullptr},
      {[](TrainingJob& j) { j.max_running_minutes = kMaxRunningMinutes; }, nullptr},
      {[](TrainingJob& j) { j.max_running_minutes = kMaxRunningMinutes + 1; },
       "max_running_minutes"},
      {[](TrainingJob& j) { j.max_running_minutes = -1; }, "max_running_minutes"},
      {[](TrainingJob& j) { j.reserved_minutes = kMaxReservedMinutes + 1; }, "reserved_minutes"},
      {[](TrainingJob& j) { j.max_restarts = kMaxRestarts + 1; }, "max_restarts"},
      {[](TrainingJob& j) { j.user_command = std::string(kMaxCommandBytes, 'x'); }, nullptr},
      {[](TrainingJob& j) { j.user_command = std::string(kMaxCommandBytes + 1, 'x'); },
       "user_command"},
      {[](TrainingJob& j) { j.user_command = std::string("echo a\0b", 8); }, "user_command"},
      {[](TrainingJob& j) { j.envs["A=B"] = "x"; }, "envs"},
      {[](TrainingJob& j) { j.envs[""] = "x"; }, "envs"},
      {[](TrainingJob& j) { j.envs["A"] = std::string("x\0y", 3); }, "envs"},
      {[](TrainingJob& j) { j.envs["PATH_EXTRA"] = std::string(kMaxEnvBytes, 'x'); }, nullptr},
  };
  for (size_t i = 0; i < std::size(cases); ++i) {
    TrainingJob job = TwoRoleJob();
    job.user_command = "python train.py";
    cases[i].change(job);
    if (!cases[i].refused_field) {
      EXPECT_NO_THROW(CheckJobLimits(job)) << "case " << i;
      continue;
    }
    try {
      CheckJobLimits(job);
      ADD_FAILURE() << "case " << i << " was allowed";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << "case " << i;
      EXPECT_EQ(e.parameter(), cases[i].refused_field) << "case " << i << ": " << e.what();
    }
  }
}

}  // namespace
}  // namespace drover::core
