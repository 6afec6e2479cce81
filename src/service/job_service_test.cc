#include "service/job_service.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "service/job_schema.h"
#include "store/sqlite_store.h"
#include "testing/error_from.h"
#include "testing/temp_dir.h"

namespace drover::service {
namespace {

using core::TrainingStatus;

class JobServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    service_.reset();
    index_.reset();
    store_.reset();
    store_ = store::SqliteStore::Open(dir_.path() / "drover.db");
    index_ = index::NewScanIndex(service::JobSchema());
    service_ = std::make_unique<JobService>(*store_, *index_, clock_);
  }

  core::TrainingJob Draft(std::string name) {
    core::TrainingJob job;
    job.display_name = std::move(name);
    job.job_type = "PyTorchJob";
    job.user_command = "true";
    job.roles = {core::RoleSpec{"Worker", "img", 1, "", "1", "0", "1Gi", ""}};
    return job;
  }

  // Canonical state of what `who` can list: "name:Status" newest first.
  std::string Listing(const Principal& who) {
    index::Query q;
    q.limit = 100;
    std::string out;
    for (const core::TrainingJob& job : service_->List(who, q).jobs) {
      out += job.display_name + ":" + std::string(core::TrainingStatusName(job.status)) + " ";
    }
    return out;
  }

  testing::TempDir dir_;
  core::ManualClock clock_{1'700'000'000'000};
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<index::RecordIndex> index_;
  std::unique_ptr<JobService> service_;
  Principal alice_ = Principal::Local();
  Principal other_tenant_{"tenant-b", "bob", "bob", "1", true, false, {}, false};
};

TEST_F(JobServiceTest, CreateAssignsIdentityStatusAndTimes) {
  core::TrainingJob job = service_->Create(alice_, Draft("a"));
  EXPECT_EQ(job.id, 1u);
  EXPECT_EQ(job.public_id.substr(0, 3), "dlc");
  EXPECT_EQ(job.status, TrainingStatus::kCreating);
  EXPECT_EQ(job.created, 1'700'000'000'000);
  EXPECT_EQ(job.tenant_id, "local");
  EXPECT_EQ(job.workspace_id, "1");
  EXPECT_EQ(service_->Get(alice_, job.public_id), job);
}

TEST_F(JobServiceTest, BadInputWritesNothing) {
  service_->Create(alice_, Draft("keep"));
  uint64_t revision = store_->CurrentRevision();
  core::TrainingJob bad = Draft("bad");
  bad.priority = 10;
  core::Error priority = testing::ErrorFrom([&] { service_->Create(alice_, bad); });
  EXPECT_EQ(priority.code(), core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(priority.parameter(), "priority");
  bad = Draft("bad");
  bad.roles.clear();
  core::Error roles = testing::ErrorFrom([&] { service_->Create(alice_, bad); });
  EXPECT_EQ(roles.code(), core::ErrorCode::kMissingArgument);
  EXPECT_EQ(roles.parameter(), "roles");
  clock_.Advance(1000);
  core::TrainingJob job = service_->Create(alice_, Draft("second"));
  EXPECT_EQ(job.id, 2u);
  EXPECT_EQ(store_->CurrentRevision(), revision + 1);
  EXPECT_EQ(Listing(alice_), "second:Creating keep:Creating ");
}

TEST_F(JobServiceTest, TenantsNeverSeeEachOther) {
  core::TrainingJob job = service_->Create(alice_, Draft("mine"));
  service_->Create(other_tenant_, Draft("theirs"));
  EXPECT_EQ(Listing(alice_), "mine:Creating ");
  EXPECT_EQ(Listing(other_tenant_), "theirs:Creating ");
  for (auto call :
       {+[](JobService&s, const Principal&p, const std::string&id) { s.Get(p, id); },
        +[](JobService&s, const Principal&p, const std::string&id) { s.Stop(p, id); },
        +[](JobService&s, const Principal&p, const std::string&id) { s.Delete(p, id); }}) {
    try {
      call(*service_, other_tenant_, job.public_id);
      ADD_FAILURE() << "another tenant reached the job";
    } catch (const core::Error& e) {
      EXPECT_EQ(e.code(), core::ErrorCode::kNotFound);
    }
  }
  EXPECT_EQ(Listing(alice_), "mine:Creating ");
}

TEST_F(JobServiceTest, StopThenDelete) {
  core::TrainingJob job = service_->Create(alice_, Draft("s"));
  EXPECT_EQ(testing::ErrorFrom([&] { service_->Delete(alice_, job.public_id); }).code(),
            core::ErrorCode::kFailedPrecondition);  // still active
  clock_.Advance(5000);
  core::TrainingJob stopped = service_->Stop(alice_, job.public_id);
  EXPECT_EQ(stopped.status, TrainingStatus::kStopped);
  EXPECT_EQ(stopped.reason_code, "JobStoppedByUser");
  EXPECT_EQ(stopped.stopped, 1'700'000'005'000);
  try {
    service_->Stop(alice_, job.public_id);
    ADD_FAILURE();
  } catch (const core::Error& e) {
    EXPECT_EQ(e.code(), core::ErrorCode::kFailedPrecondition);
  }
  service_->Delete(alice_, job.public_id);
  EXPECT_EQ(Listing(alice_), "");
  EXPECT_EQ(testing::ErrorFrom([&] { service_->Get(alice_, job.public_id); }).code(),
            core::ErrorCode::kNotFound);
}

TEST_F(JobServiceTest, UpdateOnlyWidensVisibility) {
  core::TrainingJob job = service_->Create(alice_, Draft("u"));
  JobUpdate widen;
  widen.visibility = core::Visibility::kPublic;
  widen.priority = 8;
  EXPECT_EQ(service_->Update(alice_, job.public_id, widen).visibility, core::Visibility::kPublic);
  JobUpdate narrow;
  narrow.visibility = core::Visibility::kPrivate;
  narrow.description = "should not land";
  core::Error narrowed =
      testing::ErrorFrom([&] { service_->Update(alice_, job.public_id, narrow); });
  EXPECT_EQ(narrowed.code(), core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(narrowed.parameter(), "visibility");
  core::TrainingJob now = service_->Get(alice_, job.public_id);
  EXPECT_EQ(now.priority, 8);
  EXPECT_EQ(now.description, "");
}

TEST_F(JobServiceTest, RunnerTransitionsFollowTheLifecycle) {
  core::TrainingJob job = service_->Create(alice_, Draft("r"));
  EXPECT_EQ(
      testing::ErrorFrom([&] { service_->Transition(job.id, TrainingStatus::kRunning); }).code(),
      core::ErrorCode::kFailedPrecondition);
  service_->Transition(job.id, TrainingStatus::kQueuing);
  service_->Transition(job.id, TrainingStatus::kEnvPreparing);
  service_->Transition(job.id, TrainingStatus::kRunning);
  EXPECT_EQ(Listing(alice_), "r:Running ");
}

TEST_F(JobServiceTest, ReopenRebuildsTheIndexAndContinuesNumbers) {
  service_->Create(alice_, Draft("one"));
  core::TrainingJob two = service_->Create(alice_, Draft("two"));
  service_->Stop(alice_, two.public_id);
  service_->Delete(alice_, two.public_id);
  Reopen();
  EXPECT_EQ(Listing(alice_), "one:Creating ");
  EXPECT_EQ(service_->Create(alice_, Draft("three")).id, 3u);
}

}  // namespace
}  // namespace drover::service
