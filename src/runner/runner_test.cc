#include "runner/runner.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "index/job_index.h"
#include "store/sqlite_store.h"
#include "testing/temp_dir.h"

namespace drover::runner {
namespace {

using core::TrainingStatus;

// Real store, index, service and processes; an injected clock for every
// deadline (max running time, stop grace, reservation), so nothing here
// waits on the wall clock to pass a limit.
class RunnerTest : public ::testing::Test {
 protected:
  RunnerTest() {
    RunnerOptions options;
    options.jobs_dir = dir_.path() / "jobs";
    options.capacity = Resources{8000, 8LL << 30, 0};
    options.stop_grace_ms = 10'000;
    runner_ = std::make_unique<Runner>(service_, options, clock_);
    runner_->Start();
  }

  core::Job Create(const std::string& command, int64_t max_minutes = 0, int64_t reserved = 0) {
    core::Job draft;
    draft.display_name = "t";
    draft.job_type = "PyTorchJob";
    draft.user_command = command;
    draft.roles = {core::RoleSpec{"Worker", "img", 1, "", "", "", "", ""}};
    draft.max_running_minutes = max_minutes;
    draft.reserved_minutes = reserved;
    return service_.Create(who_, draft);
  }

  // Waits for the service's writes (not for time) until `done(job)`;
  // fails after 10 s of real time.
  core::Job WaitUntil(const core::Job& job, const std::function<bool(const core::Job&)>& done,
                      const std::string& what) {
    uint64_t seen = service_.WriteCount();
    for (int i = 0; i < 1000; ++i) {
      core::Job now = service_.Get(who_, job.public_id);
      if (done(now)) return now;
      seen = service_.WaitForWrite(seen, 10);
    }
    ADD_FAILURE() << "job never got " << what << "; it is "
                  << core::TrainingStatusName(service_.Get(who_, job.public_id).status);
    return service_.Get(who_, job.public_id);
  }
  core::Job WaitFor(const core::Job& job, TrainingStatus want) {
    return WaitUntil(
        job, [&](const core::Job& j) { return j.status == want; },
        std::string(core::TrainingStatusName(want)));
  }

  testing::TempDir dir_;
  core::ManualClock clock_{1'700'000'000'000};
  std::unique_ptr<store::SqliteStore> store_ = store::SqliteStore::Open(dir_.path() / "drover.db");
  std::unique_ptr<index::JobIndex> index_ = index::NewScanIndex();
  service::JobService service_{*store_, *index_, clock_};
  std::unique_ptr<Runner> runner_;
  service::Principal who_ = service::Principal::Local();
};

TEST_F(RunnerTest, MaxRunningTimeEndsTheJobFailed) {
  core::Job job = Create("sleep 1000", /*max_minutes=*/1);
  WaitFor(job, TrainingStatus::kRunning);
  clock_.Advance(59 * core::kMsPerSecond);
  EXPECT_EQ(service_.Get(who_, job.public_id).status, TrainingStatus::kRunning);
  clock_.Advance(2 * core::kMsPerSecond);
  core::Job failed = WaitFor(job, TrainingStatus::kFailed);
  EXPECT_EQ(failed.reason_code, "JobTimeout");
  EXPECT_EQ(failed.reason_message, "The job ran longer than JobMaxRunningTimeMinutes (1 minutes).");
  EXPECT_EQ(failed.pods[0].signal, 15);
}

TEST_F(RunnerTest, StopEscalatesToSigkillAfterTheGracePeriod) {
  core::Job job = Create("trap '' TERM; echo up; sleep 1000");
  WaitFor(job, TrainingStatus::kRunning);
  // The shell must have set its trap (it says "up" after) before the stop.
  for (int i = 0; i < 10000; ++i) {
    core::Job now = service_.Get(who_, job.public_id);
    if (service_.PodLogs(who_, job.public_id, now.pods[0].name, "", 10).lines ==
        std::vector<std::string>{"up"}) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  service_.Stop(who_, job.public_id);
  EXPECT_EQ(service_.Get(who_, job.public_id).status, TrainingStatus::kStopping);
  WaitUntil(
      job, [](const core::Job& j) { return j.pods[0].status == "Terminating"; },
      "its pod Terminating");
  clock_.Advance(9 * core::kMsPerSecond);
  EXPECT_EQ(service_.Get(who_, job.public_id).status, TrainingStatus::kStopping);
  clock_.Advance(2 * core::kMsPerSecond);
  core::Job stopped = WaitFor(job, TrainingStatus::kStopped);
  EXPECT_EQ(stopped.pods[0].signal, 9);
  EXPECT_EQ(stopped.reason_code, "JobStoppedByUser");
}

TEST_F(RunnerTest, ReservationHoldsTheEndingStatusForItsMinutes) {
  core::Job job = Create("exit 0", 0, /*reserved=*/5);
  core::Job reserving = WaitFor(job, TrainingStatus::kSucceededReserving);
  EXPECT_EQ(reserving.reason_code, "JobSucceeded");
  clock_.Advance(5 * core::kMsPerMinute);
  core::Job done = WaitFor(job, TrainingStatus::kSucceeded);
  std::vector<TrainingStatus> path;
  for (const core::StatusEvent& e : done.history) path.push_back(e.status);
  EXPECT_EQ(path, (std::vector<TrainingStatus>{
                      TrainingStatus::kCreating, TrainingStatus::kQueuing,
                      TrainingStatus::kEnvPreparing, TrainingStatus::kRunning,
                      TrainingStatus::kSucceededReserving, TrainingStatus::kSucceeded}));

  core::Job failing = Create("exit 2", 0, /*reserved=*/5);
  WaitFor(failing, TrainingStatus::kFailedReserving);
  clock_.Advance(5 * core::kMsPerMinute);
  EXPECT_EQ(WaitFor(failing, TrainingStatus::kFailed).reason_code, "JobFailed");
}

}  // namespace
}  // namespace drover::runner
