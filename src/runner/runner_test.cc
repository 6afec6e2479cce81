#include "runner/runner.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>

#include "core/utf8.h"
#include "index/record_index.h"
#include "service/job_schema.h"
#include "store/sqlite_store.h"
#include "testing/fake_executor.h"
#include "testing/temp_dir.h"

namespace drover::core {
// Statuses by name in failure messages.
void PrintTo(TrainingStatus status, std::ostream* os) { *os << TrainingStatusName(status); }
}  // namespace drover::core

namespace drover::runner {
namespace {

using core::TrainingStatus;
using S = TrainingStatus;

// The runner's lifecycle, driven by hand: a real store, index and service,
// a FakeExecutor whose pods end when the test says, a manual clock, and
// Step() called by the test instead of the runner's thread. Nothing here
// sleeps or starts a process.
class RunnerTest : public ::testing::Test {
 protected:
  RunnerTest() { NewRunner(); }

  // A new runner on the same store and executor; the old one goes as in a
  // crash (its pods run on).
  void NewRunner(int64_t gpus = 0) {
    runner_.reset();
    RunnerOptions options;
    options.jobs_dir = dir_.path() / "jobs";
    options.capacity = Resources{8000, 8LL << 30, gpus};
    options.stop_grace_ms = 10'000;
    runner_ = std::make_unique<Runner>(service_, executor_, options, clock_);
    runner_->Reconcile();
  }

  core::TrainingJob Create(std::vector<core::RoleSpec> roles,
                           const std::string& job_type = "PyTorchJob",
                           const std::function<void(core::TrainingJob&)>& tweak = {}) {
    core::TrainingJob draft;
    draft.display_name = "t";
    draft.job_type = job_type;
    draft.user_command = "python train.py";
    draft.roles = std::move(roles);
    if (tweak) tweak(draft);
    return service_.Create(who_, draft);
  }
  core::TrainingJob CreateWorker(const std::string& policy = "",
                                 const std::function<void(core::TrainingJob&)>& tweak = {}) {
    return Create({core::RoleSpec{"Worker", "img", 1, "", "", "", "", policy}}, "PyTorchJob",
                  tweak);
  }

  core::TrainingJob Get(const core::TrainingJob& job) { return service_.Get(who_, job.public_id); }
  S StatusOf(const core::TrainingJob& job) { return Get(job).status; }
  // The pod handles of the job's current run, in rank order.
  std::vector<int64_t> Pods(const core::TrainingJob& job) {
    std::vector<int64_t> out;
    for (const core::PodState& pod : Get(job).pods) out.push_back(pod.pid);
    return out;
  }
  std::vector<S> Path(const core::TrainingJob& job) {
    std::vector<S> out;
    for (const core::StatusEvent& e : Get(job).history) out.push_back(e.status);
    return out;
  }

  testing::TempDir dir_;
  core::ManualClock clock_{1'700'000'000'000};
  std::unique_ptr<store::SqliteStore> store_ = store::SqliteStore::Open(dir_.path() / "drover.db");
  std::unique_ptr<index::RecordIndex> index_ = index::NewScanIndex(service::JobSchema());
  service::JobService service_{*store_, *index_, clock_};
  testing::FakeExecutor executor_;
  std::unique_ptr<Runner> runner_;
  service::Principal who_ = service::Principal::Local();
};

TEST_F(RunnerTest, TheDecidingPodsSuccessEndsTheJobAndTheRestAreTerminated) {
  core::TrainingJob job = Create({core::RoleSpec{"Master", "img", 1, "", "", "", "", ""},
                                  core::RoleSpec{"Worker", "img", 2, "", "", "", "", ""}});
  runner_->Step();
  ASSERT_EQ(StatusOf(job), S::kRunning);
  std::vector<int64_t> pods = Pods(job);
  ASSERT_EQ(pods.size(), 3u);
  const auto& master_env = executor_.pod(pods[0]).launch.env;
  EXPECT_EQ(master_env.at("RANK"), "0");
  EXPECT_EQ(master_env.at("WORLD_SIZE"), "3");
  EXPECT_EQ(master_env.at("MASTER_PORT"), "20000");
  EXPECT_EQ(executor_.pod(pods[2]).launch.env.at("RANK"), "2");
  EXPECT_EQ(executor_.pod(pods[2]).launch.command, "python train.py");

  executor_.Exit(pods[1], 0);  // a worker ends well: the job runs on
  runner_->Step();
  EXPECT_EQ(StatusOf(job), S::kRunning);
  EXPECT_EQ(Get(job).pods[1].status, "Succeeded");

  executor_.Exit(pods[0], 0);  // the master ends well: the rest are asked to end
  runner_->Step();
  EXPECT_EQ(StatusOf(job), S::kRunning);
  EXPECT_EQ(Get(job).pods[2].status, "Terminating");
  runner_->Step();  // collects worker-1's exit: the job succeeds
  core::TrainingJob done = Get(job);
  EXPECT_EQ(done.status, S::kSucceeded);
  EXPECT_EQ(done.reason_code, "JobSucceeded");
  EXPECT_EQ(executor_.pod(pods[2]).signals, std::vector<int>{SIGTERM});
  EXPECT_EQ(done.pods[2].signal, SIGTERM);
  EXPECT_EQ(Path(job), (std::vector<S>{S::kCreating, S::kQueuing, S::kEnvPreparing, S::kRunning,
                                       S::kSucceeded}));
}

TEST_F(RunnerTest, OnFailureRestartsUntilTheLimitThenFails) {
  core::TrainingJob job =
      CreateWorker("OnFailure", [](core::TrainingJob& j) { j.max_restarts = 2; });
  runner_->Step();
  for (int run = 0; run < 2; ++run) {
    int64_t pod = Pods(job).at(0);
    executor_.Exit(pod, 1);
    runner_->Step();
    core::TrainingJob now = Get(job);
    EXPECT_EQ(now.status, S::kRunning) << "run " << run;
    EXPECT_EQ(now.restart_count, run + 1);
    EXPECT_NE(now.pods.at(0).pid, pod);
    EXPECT_EQ(now.history_pods.size(), static_cast<size_t>(run + 1));
    EXPECT_EQ(now.history_pods.back().exit_code, 1);
  }
  executor_.Exit(Pods(job).at(0), 1);
  runner_->Step();
  core::TrainingJob failed = Get(job);
  EXPECT_EQ(failed.status, S::kFailed);
  EXPECT_EQ(failed.reason_code, "JobFailed");
  EXPECT_EQ(failed.reason_message, "Pod " + failed.pods[0].name + " exited with code 1.");
  EXPECT_EQ(Path(job),
            (std::vector<S>{S::kCreating, S::kQueuing, S::kEnvPreparing, S::kRunning,
                            S::kRestarting, S::kRunning, S::kRestarting, S::kRunning, S::kFailed}));
}

TEST_F(RunnerTest, ExitCodePolicyRestartsSignalsButNotErrors) {
  core::TrainingJob job = CreateWorker("ExitCode");
  runner_->Step();
  executor_.Kill(Pods(job).at(0), SIGKILL);  // OOM-killed: retryable
  runner_->Step();
  EXPECT_EQ(StatusOf(job), S::kRunning);
  EXPECT_EQ(Get(job).restart_count, 1);
  executor_.Exit(Pods(job).at(0), 2);  // a bug: not retryable
  runner_->Step();
  EXPECT_EQ(StatusOf(job), S::kFailed);
  EXPECT_EQ(Get(job).restart_count, 1);
}

TEST_F(RunnerTest, AFailedPodsReasonCarriesItsLastLogLines) {
  core::TrainingJob job = CreateWorker();
  runner_->Step();
  int64_t pod = Pods(job).at(0);
  std::ofstream(executor_.pod(pod).launch.log_file) << "loading\nCUDA out of memory\n";
  executor_.Exit(pod, 3);
  runner_->Step();
  EXPECT_EQ(Get(job).reason_message, "Pod " + Get(job).pods[0].name +
                                         " exited with code 3. Last log lines:\nloading\nCUDA "
                                         "out of memory");
}

TEST_F(RunnerTest, MaxRunningTimeTerminatesTheJobFailed) {
  core::TrainingJob job = CreateWorker("", [](core::TrainingJob& j) { j.max_running_minutes = 1; });
  runner_->Step();
  clock_.Advance(59 * core::kMsPerSecond);
  runner_->Step();
  EXPECT_EQ(StatusOf(job), S::kRunning);
  clock_.Advance(2 * core::kMsPerSecond);
  runner_->Step();  // SIGTERM
  EXPECT_EQ(Get(job).pods[0].status, "Terminating");
  runner_->Step();  // the pod's exit
  core::TrainingJob failed = Get(job);
  EXPECT_EQ(failed.status, S::kFailed);
  EXPECT_EQ(failed.reason_code, "JobTimeout");
  EXPECT_EQ(failed.reason_message, "The job ran longer than JobMaxRunningTimeMinutes (1 minutes).");
  EXPECT_EQ(failed.pods[0].signal, SIGTERM);
}

TEST_F(RunnerTest, StopEscalatesToSigkillAfterTheGracePeriod) {
  executor_.ignore_term = true;
  core::TrainingJob job = CreateWorker();
  runner_->Step();
  int64_t pod = Pods(job).at(0);
  service_.Stop(who_, job.public_id);
  runner_->Step();
  EXPECT_EQ(StatusOf(job), S::kStopping);
  EXPECT_EQ(Get(job).pods[0].status, "Terminating");
  EXPECT_EQ(executor_.pod(pod).signals, std::vector<int>{SIGTERM});
  clock_.Advance(9 * core::kMsPerSecond);
  runner_->Step();
  EXPECT_EQ(StatusOf(job), S::kStopping);
  clock_.Advance(2 * core::kMsPerSecond);
  runner_->Step();  // sends SIGKILL
  runner_->Step();  // collects the exit
  core::TrainingJob stopped = Get(job);
  EXPECT_EQ(stopped.status, S::kStopped);
  EXPECT_EQ(stopped.reason_code, "JobStoppedByUser");
  EXPECT_EQ(stopped.pods[0].signal, SIGKILL);
  EXPECT_EQ(executor_.pod(pod).signals, (std::vector<int>{SIGTERM, SIGKILL}));
}

TEST_F(RunnerTest, AStopWinsOverARestartInProgress) {
  executor_.ignore_term = true;
  core::TrainingJob job = Create({core::RoleSpec{"Worker", "img", 2, "", "", "", "", "OnFailure"}});
  runner_->Step();
  std::vector<int64_t> pods = Pods(job);
  executor_.Exit(pods[0], 1);  // restart decided; worker-1 is asked to end
  runner_->Step();
  EXPECT_EQ(StatusOf(job), S::kRestarting);
  service_.Stop(who_, job.public_id);
  executor_.Exit(pods[1], 0);
  runner_->Step();
  core::TrainingJob stopped = Get(job);
  EXPECT_EQ(stopped.status, S::kStopped);
  EXPECT_EQ(stopped.restart_count, 0);
  EXPECT_EQ(executor_.started.size(), 2u);  // nothing restarted
}

TEST_F(RunnerTest, ReservationHoldsTheEndingStatusForItsMinutes) {
  core::TrainingJob job = CreateWorker("", [](core::TrainingJob& j) { j.reserved_minutes = 5; });
  runner_->Step();
  executor_.Exit(Pods(job).at(0), 0);
  runner_->Step();
  EXPECT_EQ(StatusOf(job), S::kSucceededReserving);
  EXPECT_EQ(Get(job).reason_code, "JobSucceeded");
  clock_.Advance(5 * core::kMsPerMinute - 1);
  runner_->Step();
  EXPECT_EQ(StatusOf(job), S::kSucceededReserving);
  clock_.Advance(1);
  runner_->Step();
  EXPECT_EQ(StatusOf(job), S::kSucceeded);
  EXPECT_EQ(Get(job).reason_code, "JobSucceeded");

  core::TrainingJob failing =
      CreateWorker("", [](core::TrainingJob& j) { j.reserved_minutes = 5; });
  runner_->Step();
  executor_.Exit(Pods(failing).at(0), 2);
  runner_->Step();
  EXPECT_EQ(StatusOf(failing), S::kFailedReserving);
  service_.Stop(who_, failing.public_id);  // a stop ends the reservation at once
  runner_->Step();
  EXPECT_EQ(StatusOf(failing), S::kStopped);
}

TEST_F(RunnerTest, GpusAreSharedOutAndJobsWaitForThem) {
  NewRunner(/*gpus=*/2);
  auto gpu_worker = [&] {
    return Create({core::RoleSpec{"Worker", "img", 1, "", "1", "1", "1Gi", ""}});
  };
  core::TrainingJob a = gpu_worker(), b = gpu_worker(), c = gpu_worker();
  runner_->Step();
  EXPECT_EQ(StatusOf(a), S::kRunning);
  EXPECT_EQ(StatusOf(b), S::kRunning);
  EXPECT_EQ(StatusOf(c), S::kQueuing);
  EXPECT_EQ(executor_.pod(Pods(a)[0]).launch.env.at("CUDA_VISIBLE_DEVICES"), "0");
  EXPECT_EQ(executor_.pod(Pods(b)[0]).launch.env.at("CUDA_VISIBLE_DEVICES"), "1");
  executor_.Exit(Pods(a)[0], 0);
  runner_->Step();
  EXPECT_EQ(StatusOf(c), S::kRunning);
  EXPECT_EQ(Get(c).pods[0].gpus, "0");
}

TEST_F(RunnerTest, APodThatCannotStartFailsTheJob) {
  executor_.fail_starts = 1;
  core::TrainingJob job = CreateWorker();
  runner_->Step();
  core::TrainingJob failed = Get(job);
  EXPECT_EQ(failed.status, S::kFailed);
  EXPECT_EQ(failed.reason_message,
            "Pod " + failed.pods[0].name + " could not start: no such image");
}

TEST_F(RunnerTest, ARestartedServerAdoptsPodsThatStillRunOrRecordedTheirEnd) {
  core::TrainingJob running = CreateWorker();
  core::TrainingJob ends_meanwhile = CreateWorker("OnFailure");
  runner_->Step();
  int64_t still = Pods(running).at(0), ended = Pods(ends_meanwhile).at(0);
  // The server dies; one pod ends well while it is down; a new server starts.
  executor_.Exit(ended, 0);
  NewRunner();
  EXPECT_EQ(executor_.adopted.size(), 2u);
  EXPECT_EQ(StatusOf(running), S::kRunning);
  EXPECT_TRUE(executor_.Running(still));
  runner_->Step();  // collects the recorded end
  core::TrainingJob done = Get(ends_meanwhile);
  EXPECT_EQ(done.status, S::kSucceeded);
  EXPECT_EQ(done.restart_count, 0);  // not run a second time
  executor_.Exit(still, 0);
  runner_->Step();
  EXPECT_EQ(StatusOf(running), S::kSucceeded);
  EXPECT_EQ(executor_.started.size(), 2u);
}

TEST_F(RunnerTest, AStopWaitingForARestartedServerIsCarriedOut) {
  executor_.ignore_term = true;
  core::TrainingJob job = CreateWorker();
  runner_->Step();
  int64_t pod = Pods(job).at(0);
  service_.Stop(who_, job.public_id);  // stored Stopping; the runner dies before it acts
  NewRunner();
  EXPECT_EQ(executor_.pod(pod).signals, std::vector<int>{SIGTERM});
  clock_.Advance(11 * core::kMsPerSecond);
  runner_->Step();  // SIGKILL after the grace period
  runner_->Step();
  EXPECT_EQ(StatusOf(job), S::kStopped);
}

TEST_F(RunnerTest, StopPodsKillsEveryPodAndWaitsForIt) {
  executor_.ignore_term = true;
  core::TrainingJob a = CreateWorker(), b = CreateWorker();
  runner_->Step();
  runner_->StopPods();
  for (const core::TrainingJob& job : {a, b}) {
    int64_t pod = Pods(job).at(0);
    EXPECT_EQ(executor_.pod(pod).signals, std::vector<int>{SIGKILL});
    EXPECT_FALSE(executor_.Running(pod));
    EXPECT_EQ(StatusOf(job), S::kRunning);  // the next server learns how it ended
  }
}

TEST_F(RunnerTest, PodsGoneWithoutATraceAreRequeuedOrFailed) {
  core::TrainingJob retried = CreateWorker("OnFailure");
  core::TrainingJob plain = CreateWorker();
  runner_->Step();
  executor_.Lose(Pods(retried).at(0));  // e.g. the machine rebooted
  executor_.Lose(Pods(plain).at(0));
  NewRunner();
  core::TrainingJob requeued = Get(retried);
  EXPECT_EQ(requeued.status, S::kQueuing);
  EXPECT_EQ(requeued.restart_count, 1);
  EXPECT_EQ(requeued.history_pods.at(0).signal, SIGKILL);
  core::TrainingJob failed = Get(plain);
  EXPECT_EQ(failed.status, S::kFailed);
  EXPECT_EQ(failed.reason_code, "ServerRestarted");
  runner_->Step();
  EXPECT_EQ(StatusOf(retried), S::kRunning);
}

TEST_F(RunnerTest, ASiblingEndedBecauseItsJobSucceededIsNotFailed) {
  core::TrainingJob job = Create({core::RoleSpec{"Master", "img", 1, "", "", "", "", ""},
                                  core::RoleSpec{"Worker", "img", 1, "", "", "", "", ""}});
  runner_->Step();
  executor_.Exit(Pods(job)[0], 0);
  runner_->Step();
  runner_->Step();
  core::TrainingJob done = Get(job);
  EXPECT_EQ(done.status, S::kSucceeded);
  EXPECT_EQ(done.pods[1].signal, SIGTERM);
  EXPECT_EQ(done.pods[1].status, "Succeeded");
}

TEST_F(RunnerTest, AFailedPodsLogPutsAtMostAFewKilobytesIntoTheReason) {
  core::TrainingJob job = CreateWorker();
  runner_->Step();
  int64_t pod = Pods(job).at(0);
  {
    std::ofstream log(executor_.pod(pod).launch.log_file);
    for (int i = 0; i < 30; ++i) log << "line " << i << "\n";
    log << std::string(3 << 20, 'x') << "\xff\n";  // 3 MB on one line, and a bad byte
  }
  executor_.Exit(pod, 1);
  runner_->Step();
  std::string reason = Get(job).reason_message;
  EXPECT_LE(reason.size(), kMaxReasonBytes);
  EXPECT_NE(reason.find("line 29\n"), std::string::npos);
  EXPECT_NE(reason.find("xxx\u2026"), std::string::npos);
  EXPECT_TRUE(core::IsValidUtf8(reason));
}

// ==== An executor that queues jobs itself (as Slurm does) ================

TEST_F(RunnerTest, AQueueingExecutorGetsTheJobAtOnceAndItStaysQueuingUntilPlaced) {
  executor_.queues = true;
  executor_.waiting_reason = "Slurm: Priority";
  // Larger than this node: the cluster decides, not the node's scheduler.
  core::TrainingJob job = Create({core::RoleSpec{"Master", "img", 1, "", "64", "", "", ""},
                                  core::RoleSpec{"Worker", "img", 2, "", "64", "", "", ""}});
  runner_->Step();
  core::TrainingJob waiting = Get(job);
  ASSERT_EQ(waiting.status, S::kQueuing);
  ASSERT_EQ(waiting.pods.size(), 3u);
  EXPECT_EQ(waiting.pods[0].status, "Pending");
  EXPECT_EQ(service_.Show(who_, job.public_id).reason_message, "Slurm: Priority");
  runner_->Step();
  EXPECT_EQ(StatusOf(job), S::kQueuing);
  for (int64_t pod : Pods(job)) executor_.Place(pod);
  runner_->Step();
  core::TrainingJob running = Get(job);
  EXPECT_EQ(running.status, S::kRunning);
  EXPECT_EQ(running.pods[0].status, "Running");
  EXPECT_EQ(Path(job), (std::vector<S>{S::kCreating, S::kQueuing, S::kEnvPreparing, S::kRunning}));
  for (int64_t pod : Pods(job)) executor_.Exit(pod, 0);
  runner_->Step();
  EXPECT_EQ(StatusOf(job), S::kSucceeded);
  EXPECT_EQ(executor_.started.size(), 3u);
}

TEST_F(RunnerTest, APodThatEndsBeforeItWasSeenPlacedRanAndEndsItsJob) {
  executor_.queues = true;
  core::TrainingJob job = CreateWorker();
  runner_->Step();
  executor_.Exit(Pods(job).at(0), 0);  // ran and ended between two looks
  runner_->Step();
  EXPECT_EQ(StatusOf(job), S::kSucceeded);
  EXPECT_EQ(Path(job), (std::vector<S>{S::kCreating, S::kQueuing, S::kEnvPreparing, S::kRunning,
                                       S::kSucceeded}));
}

TEST_F(RunnerTest, AnUnreachableClusterKeepsJobsQueuingAndTakesThemLater) {
  executor_.queues = true;
  executor_.unreachable_starts = 1;
  core::TrainingJob job = CreateWorker(), stopped = CreateWorker();
  runner_->Step();
  EXPECT_EQ(StatusOf(job), S::kQueuing);
  EXPECT_EQ(service_.Show(who_, job.public_id).reason_message,
            "Not handed to the cluster yet (retried every 2 s): the controller does not answer");
  EXPECT_TRUE(Get(job).pods.empty());
  service_.Stop(who_, stopped.public_id);
  runner_->Step();
  EXPECT_EQ(StatusOf(stopped), S::kStopped);
  EXPECT_TRUE(executor_.started.empty());  // not before its time
  clock_.Advance(2 * core::kMsPerSecond);
  runner_->Step();
  EXPECT_EQ(executor_.started.size(), 1u);  // the stopped one is not handed over
  EXPECT_EQ(Get(job).pods.at(0).status, "Pending");
}

TEST_F(RunnerTest, AQueuedJobWithoutStoredPodsHasWhatTheExecutorMayRunOfItEndedFirst) {
  executor_.queues = true;
  executor_.unreachable_starts = 1;  // handed over later: queued with no pods
  core::TrainingJob job = CreateWorker();
  runner_->Step();
  ASSERT_TRUE(Get(job).pods.empty());
  NewRunner();  // as after a crash between handing it over and storing its pods
  EXPECT_EQ(executor_.abandoned, std::vector<std::string>{job.public_id});
  runner_->Step();
  EXPECT_EQ(executor_.started.size(), 1u);
}

TEST_F(RunnerTest, AStopWhileQueuedInTheExecutorEndsItsPodsThere) {
  executor_.queues = true;
  core::TrainingJob job = CreateWorker();
  runner_->Step();
  int64_t pod = Pods(job).at(0);
  service_.Stop(who_, job.public_id);
  runner_->Step();
  EXPECT_EQ(executor_.pod(pod).signals, std::vector<int>{SIGTERM});
  runner_->Step();
  EXPECT_EQ(StatusOf(job), S::kStopped);
}

TEST_F(RunnerTest, AnEndFromOutsideGivesTheExecutorsReason) {
  executor_.queues = true;
  core::TrainingJob job =
      CreateWorker("OnFailure", [](core::TrainingJob& j) { j.max_running_minutes = 1; });
  runner_->Step();
  int64_t pod = Pods(job).at(0);
  executor_.Place(pod);
  runner_->Step();
  ASSERT_EQ(StatusOf(job), S::kRunning);
  // The executor enforces the time limit: the runner's clock does not.
  clock_.Advance(5 * core::kMsPerMinute);
  runner_->Step();
  EXPECT_TRUE(executor_.pod(pod).signals.empty());
  executor_.EndFromOutside(pod, "JobTimeout", "Slurm job 7 reached its time limit (TIMEOUT).");
  runner_->Step();
  core::TrainingJob failed = Get(job);
  EXPECT_EQ(failed.status, S::kFailed);  // a timeout is not restarted
  EXPECT_EQ(failed.reason_code, "JobTimeout");
  EXPECT_EQ(failed.reason_message, "Slurm job 7 reached its time limit (TIMEOUT).");
}

TEST_F(RunnerTest, APriorityChangeReachesTheQueueingExecutor) {
  executor_.queues = true;
  core::TrainingJob job = CreateWorker();
  runner_->Step();
  service::JobUpdate update;
  update.priority = 8;
  service_.Update(who_, job.public_id, update);
  runner_->Step();
  EXPECT_EQ(executor_.priorities, (std::vector<std::pair<int64_t, int64_t>>{{Pods(job).at(0), 8}}));
}

TEST_F(RunnerTest, ARestartedServerFindsJobsWaitingInTheExecutorWithoutHandingThemOverAgain) {
  executor_.queues = true;
  core::TrainingJob waiting = CreateWorker(), ran = CreateWorker();
  runner_->Step();
  int64_t ran_pod = Pods(ran).at(0);
  NewRunner();  // the server dies; meanwhile one job runs and ends
  executor_.Place(ran_pod);
  executor_.Exit(ran_pod, 0);
  runner_->Step();
  runner_->Step();
  EXPECT_EQ(StatusOf(waiting), S::kQueuing);
  EXPECT_EQ(StatusOf(ran), S::kSucceeded);
  EXPECT_EQ(executor_.started.size(), 2u);
  EXPECT_EQ(executor_.adopted.size(), 2u);
}

}  // namespace
}  // namespace drover::runner
