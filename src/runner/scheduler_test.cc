#include "runner/scheduler.h"

#include <gtest/gtest.h>

namespace drover::runner {
namespace {

constexpr int64_t kGi = 1LL << 30;

QueuedJob Queued(core::JobNumber id, int64_t priority, core::TimeMs submitted, int64_t gpus,
                 std::string quota = {}) {
  return QueuedJob{id, priority, submitted, Resources{1000, kGi, gpus}, std::move(quota)};
}

TEST(Scheduler, StartsByPriorityThenSubmitTime) {
  Scheduler s(Resources{64000, 64 * kGi, 2}, {});
  s.Enqueue(Queued(1, 1, 100, 1));
  s.Enqueue(Queued(2, 9, 300, 1));
  s.Enqueue(Queued(3, 9, 200, 1));
  EXPECT_EQ(s.TakeRunnable(), (std::vector<core::JobNumber>{3, 2}));
  EXPECT_EQ(s.queued(), 1u);
  s.Release(3);
  EXPECT_EQ(s.TakeRunnable(), std::vector<core::JobNumber>{1});
}

TEST(Scheduler, AllOrNothingAndNoOvertakingOnTheNode) {
  Scheduler s(Resources{64000, 64 * kGi, 4}, {});
  s.Enqueue(Queued(1, 5, 1, 3));
  EXPECT_EQ(s.TakeRunnable(), std::vector<core::JobNumber>{1});
  s.Enqueue(Queued(2, 5, 2, 2));  // does not fit: 1 GPU free
  s.Enqueue(Queued(3, 1, 3, 1));  // would fit, but may not overtake job 2
  EXPECT_TRUE(s.TakeRunnable().empty());
  EXPECT_EQ(s.WaitOf(3)->position, 2u);
  EXPECT_EQ(s.WaitOf(3)->reason,
            "Waiting behind an earlier job that waits for the same resources.");
  s.Release(1);
  EXPECT_EQ(s.TakeRunnable(), (std::vector<core::JobNumber>{2, 3}));
  EXPECT_EQ(s.free().gpus, 1);
}

QueuedJob Cpu(core::JobNumber id, core::TimeMs submitted, int64_t cores, int64_t gpus = 0) {
  return QueuedJob{id, 5, submitted, Resources{cores * 1000, kGi, gpus}, {}};
}

TEST(Scheduler, BackfillPassesAWaitingJobOnlyWithWhatItDoesNotNeed) {
  Scheduler s(Resources{16000, 64 * kGi, 8}, {});
  s.Enqueue(Cpu(1, 1, 2, 8));
  EXPECT_EQ(s.TakeRunnable(), std::vector<core::JobNumber>{1});  // all 8 GPUs, 2 cores
  s.Enqueue(Cpu(2, 2, 4, 4));  // waits for GPUs; would take 4 of the 14 free cores
  s.Enqueue(Cpu(3, 3, 8));     // CPU only: 8 of the 10 cores job 2 leaves
  s.Enqueue(Cpu(4, 4, 4));     // CPU only, but only 2 cores are left beside 2 and 3
  s.Enqueue(Cpu(5, 5, 1, 1));  // needs a GPU, which job 2 waits for
  EXPECT_EQ(s.TakeRunnable(), std::vector<core::JobNumber>{3});
  EXPECT_EQ(s.free().cpu_milli, 6000);
  EXPECT_EQ(s.WaitOf(2)->position, 1u);
  EXPECT_EQ(s.WaitOf(2)->reason,
            "Waiting for the node: the job needs cpu=4 memory=1Gi gpu=4 and cpu=14 memory=63Gi "
            "gpu=0 is free for it.");
  EXPECT_EQ(s.WaitOf(4)->position, 2u);
  // What is free "for it": the node's free resources less what jobs ahead keep.
  EXPECT_EQ(s.WaitOf(5)->reason,
            "Waiting for the node: the job needs cpu=1 memory=1Gi gpu=1 and cpu=2 memory=60Gi "
            "gpu=0 is free for it.");
  EXPECT_FALSE(s.WaitOf(3).has_value());
  s.Release(1);  // the GPUs are back: job 2 starts at once, undelayed; 4 after it
  EXPECT_EQ(s.TakeRunnable(), (std::vector<core::JobNumber>{2, 4}));
  EXPECT_EQ(s.queued(), 1u);  // job 5: no core left
  s.Release(3);
  EXPECT_EQ(s.TakeRunnable(), std::vector<core::JobNumber>{5});
}

// Jobs added behind the last look are looked at alone, from where it
// stopped; a job placed ahead of others starts the look over, so every
// place and reason is what a look at the whole queue would give.
TEST(Scheduler, ALookGoesOnFromTheTailUntilAJobComesAhead) {
  Scheduler s(Resources{4000, 8 * kGi, 0}, {});
  s.Enqueue(Cpu(1, 1, 4));
  EXPECT_EQ(s.TakeRunnable(), std::vector<core::JobNumber>{1});
  s.Enqueue(Cpu(2, 2, 4));
  s.Enqueue(Cpu(3, 3, 4));
  EXPECT_TRUE(s.TakeRunnable().empty());
  EXPECT_EQ(s.WaitOf(2)->position, 1u);
  EXPECT_EQ(s.WaitOf(3)->position, 2u);
  s.Enqueue(Cpu(4, 4, 2));
  EXPECT_FALSE(s.WaitOf(4).has_value());  // not looked at yet
  EXPECT_TRUE(s.TakeRunnable().empty());
  EXPECT_EQ(s.WaitOf(4)->position, 3u);
  // Beside what jobs 2 and 3 keep of the memory, as a whole look gives.
  EXPECT_EQ(s.WaitOf(4)->reason,
            "Waiting for the node: the job needs cpu=2 memory=1Gi gpu=0 and cpu=0 memory=5Gi "
            "gpu=0 is free for it.");
  QueuedJob urgent = Cpu(5, 5, 4);
  urgent.priority = 9;
  s.Enqueue(urgent);
  EXPECT_TRUE(s.TakeRunnable().empty());
  EXPECT_EQ(s.WaitOf(5)->position, 1u);
  EXPECT_EQ(s.WaitOf(5)->reason,
            "Waiting for the node: the job needs cpu=4 memory=1Gi gpu=0 and cpu=0 memory=7Gi "
            "gpu=0 is free for it.");
  EXPECT_EQ(s.WaitOf(2)->position, 2u);
  EXPECT_EQ(s.WaitOf(4)->position, 4u);
  s.Release(1);
  EXPECT_EQ(s.TakeRunnable(), std::vector<core::JobNumber>{5});
  s.Release(5);
  EXPECT_EQ(s.TakeRunnable(), std::vector<core::JobNumber>{2});
  EXPECT_EQ(s.WaitOf(4)->position, 2u);
}

TEST(Scheduler, LooksAtTheQueueAgainOnlyAfterAChange) {
  Scheduler s(Resources{4000, 8 * kGi, 0}, {});
  s.Enqueue(Cpu(1, 1, 4));
  s.Enqueue(Cpu(2, 2, 4));
  EXPECT_EQ(s.TakeRunnable(), std::vector<core::JobNumber>{1});
  uint64_t after = s.changes();
  EXPECT_TRUE(s.TakeRunnable().empty());
  EXPECT_EQ(s.changes(), after);
  EXPECT_EQ(s.WaitOf(2)->position, 1u);  // kept from the last look
  s.Release(1);
  EXPECT_GT(s.changes(), after);
  EXPECT_EQ(s.TakeRunnable(), std::vector<core::JobNumber>{2});
}

TEST(Scheduler, AFullQuotaHoldsBackOnlyItsOwnJobs) {
  Scheduler s(Resources{64000, 64 * kGi, 8}, {{"q", Resources{64000, 64 * kGi, 1}}});
  s.Enqueue(Queued(1, 9, 1, 1, "q"));
  s.Enqueue(Queued(2, 9, 2, 1, "q"));
  s.Enqueue(Queued(3, 1, 3, 1, "q"));
  s.Enqueue(Queued(4, 1, 4, 1));
  EXPECT_EQ(s.TakeRunnable(), (std::vector<core::JobNumber>{1, 4}));
  s.Release(1);
  EXPECT_EQ(s.TakeRunnable(), std::vector<core::JobNumber>{2});
}

TEST(Scheduler, RefusesJobsThatCanNeverFit) {
  Scheduler s(Resources{2000, 4 * kGi, 1}, {{"q", Resources{1000, kGi, 0}}});
  std::optional<std::string> node = s.Enqueue(Queued(1, 1, 1, 2));
  ASSERT_TRUE(node.has_value());
  EXPECT_EQ(
      *node,
      "The job needs cpu=1 memory=1Gi gpu=2 but this node has only cpu=2 memory=4Gi gpu=1; it "
      "can never be scheduled.");
  ASSERT_TRUE(s.Enqueue(Queued(2, 1, 1, 1, "q")).has_value());
  EXPECT_EQ(s.queued(), 0u);
}

TEST(Scheduler, ReprioritizeMovesAQueuedJob) {
  Scheduler s(Resources{64000, 64 * kGi, 1}, {});
  s.Enqueue(Queued(1, 5, 1, 1));
  EXPECT_EQ(s.TakeRunnable(), std::vector<core::JobNumber>{1});
  s.Enqueue(Queued(2, 5, 2, 1));
  s.Enqueue(Queued(3, 1, 3, 1));
  s.Reprioritize(3, 9);
  s.Release(1);
  EXPECT_EQ(s.TakeRunnable(), std::vector<core::JobNumber>{3});
  EXPECT_TRUE(s.Dequeue(2));
  EXPECT_FALSE(s.Dequeue(2));
}

}  // namespace
}  // namespace drover::runner
