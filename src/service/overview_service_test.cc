#include "service/overview_service.h"

#include <gtest/gtest.h>

#include <memory>

#include "service/job_schema.h"
#include "service/job_service.h"
#include "store/sqlite_store.h"
#include "testing/temp_dir.h"

namespace drover::service {
namespace {

class OverviewServiceTest : public ::testing::Test {
 protected:
  void SetUp() { Reopen(); }
  void Reopen() {
    overview_.reset();
    jobs_.reset();
    index_.reset();
    store_.reset();
    store_ = store::SqliteStore::Open(dir_.path() / "drover.db");
    index_ = index::NewScanIndex(JobSchema());
    jobs_ = std::make_unique<JobService>(*store_, *index_, clock_);
    overview_ = std::make_unique<OverviewService>(
        *store_, *index_,
        [] {
          return NodeUsage{{8000, 2000}, {1 << 30, 1 << 28}, {2, 1}};
        },
        [] {
          return std::vector<std::string>{"local", "tenant-b", "local"};
        },
        clock_, OverviewService::Options{});
  }
  core::TrainingJob Draft(std::string name) {
    core::TrainingJob job;
    job.display_name = std::move(name);
    job.job_type = "PyTorchJob";
    job.user_command = "true";
    job.roles = {core::RoleSpec{"Worker", "img", 1, "", "1", "0", "1Gi", ""}};
    return job;
  }

  testing::TempDir dir_;
  core::ManualClock clock_{1'700'000'000'000};
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<index::RecordIndex> index_;
  std::unique_ptr<JobService> jobs_;
  std::unique_ptr<OverviewService> overview_;
  Principal local_ = Principal::Local();
  Principal bob_{"tenant-b", "bob", "bob", "1", true, false, {}, false};
};

// Each tenant's own numbers, counted since the sample before; the node's
// usage as given; kept through a restart, and dropped after the retention.
TEST_F(OverviewServiceTest, SamplesEachTenantKeepsThemAndForgetsOldOnes) {
  jobs_->Create(local_, Draft("a"));
  jobs_->Create(local_, Draft("b"));
  jobs_->Create(bob_, Draft("c"));
  clock_.Advance(core::kMsPerMinute);
  core::OverviewSample first = overview_->Sample();
  EXPECT_EQ(first.tenants.size(), 2u);  // each tenant once
  EXPECT_EQ(first.tenants["local"].jobs_by_status.at("Creating"), 2);
  EXPECT_EQ(first.tenants["local"].submitted, 2);
  EXPECT_EQ(first.tenants["tenant-b"].jobs_by_status.at("Creating"), 1);
  EXPECT_EQ(first.tenants["tenant-b"].submitted, 1);
  EXPECT_EQ(first.cpu_milli.allocated, 2000);
  EXPECT_EQ(first.gpus.capacity, 2);

  clock_.Advance(core::kMsPerMinute);
  jobs_->Create(local_, Draft("d"));
  clock_.Advance(1);
  core::OverviewSample second = overview_->Sample();
  EXPECT_EQ(second.tenants["local"].submitted, 1);  // since the first sample only
  EXPECT_EQ(second.tenants["local"].jobs_by_status.at("Creating"), 3);

  Reopen();  // the series survive a restart
  std::vector<core::OverviewSample> kept = overview_->Since(0);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0].time, first.time);
  EXPECT_EQ(kept[1].tenants["local"].jobs_by_status.at("Creating"), 3);
  EXPECT_EQ(overview_->Since(second.time).size(), 1u);

  clock_.Advance(9 * core::kMsPerDay);  // past the 8-day retention
  overview_->Sample();
  EXPECT_EQ(overview_->Since(0).size(), 1u);
  Reopen();
  EXPECT_EQ(overview_->Since(0).size(), 1u);  // deleted from the store too
}

}  // namespace
}  // namespace drover::service
