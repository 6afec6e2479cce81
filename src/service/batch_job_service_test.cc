#include "service/batch_job_service.h"

#include <gtest/gtest.h>

#include "index/record_index.h"
#include "runner/batch_job_runner.h"
#include "service/batch_job_schema.h"
#include "store/sqlite_store.h"
#include "testing/temp_dir.h"

namespace drover::service {
namespace {

// The report row of a task: "key:ok" or "key:<reason>".
std::string Row(const ObjectService::BatchTask& task, const std::optional<core::Error>& outcome) {
  return task.key + ":" + (outcome ? outcome->reason() : std::string("ok")) + "\n";
}

class BatchJobServiceTest : public ::testing::Test {
 protected:
  BatchJobServiceTest() { Open(); }

  // Opens (or reopens, as a restart does) everything on the same data.
  void Open() {
    jobs_.reset();
    objects_.reset();
    store_ = store::SqliteStore::Open(dir_.path() / "drover.db");
    ObjectServiceOptions options;
    options.dir = (dir_.path() / "objects").string();
    objects_ = std::make_unique<ObjectService>(*store_, clock_, options);
    objects_->Load();
    index_ = index::NewColumnIndex(BatchJobSchema());
    jobs_ = std::make_unique<BatchJobService>(*store_, *index_, *objects_, clock_,
                                              (dir_.path() / "batch").string(), Row);
    jobs_->Load();
  }

  void Put(const std::string& bucket, const std::string& key, std::string body = "x") {
    ObjectWrite w;
    w.body = std::move(body);
    objects_->Put(me_, bucket, key, std::move(w));
  }

  core::BatchJob Tagging(const std::string& manifest) {
    core::BatchJob spec;
    spec.operation = core::BatchOperation::kPutObjectTagging;
    spec.tags = {{"k", "v"}};
    spec.manifest_bucket = "src";
    spec.manifest_object = manifest;
    spec.manifest_format = core::kCsvManifest;
    spec.report_enabled = true;
    spec.report_bucket = "src";
    spec.report_scope = "AllTasks";
    return jobs_->Create(me_, spec);
  }

  std::string Report(const core::BatchJob& job) {
    core::BatchJob now = jobs_->Get(me_, job.public_id);
    std::string results = now.report_key;
    results.replace(results.rfind("manifest.json"), 13, "results/results.csv");
    return ObjectService::InlineBytes(objects_->Read(me_, "src", results));
  }

  testing::TempDir dir_;
  core::ManualClock clock_{1'700'000'000'000};
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<ObjectService> objects_;
  std::unique_ptr<index::RecordIndex> index_;
  std::unique_ptr<BatchJobService> jobs_;
  Principal me_ = Principal::Local();
};

TEST_F(BatchJobServiceTest, AManifestRunsInOrderWithQuotedAndEncodedKeys) {
  objects_->CreateBucket(me_, "src", core::StorageClass::kStandard, core::Acl::kPrivate);
  Put("src", "a b");
  Put("src", "c,d");
  Put("src", "e\"f");
  Put("src", "m.csv", "src,a%20b\n\"src\",\"c%2Cd\"\r\nsrc,e%22f\nsrc,missing\n");
  core::BatchJob job = Tagging("m.csv");
  runner::BatchJobRunner runner(*jobs_, 1, 2);
  runner.RunPending();
  core::BatchJob done = jobs_->Get(me_, job.public_id);
  EXPECT_EQ(done.status, core::BatchStatus::kComplete);
  EXPECT_EQ(done.total, 4);
  EXPECT_EQ(done.succeeded, 3);
  EXPECT_EQ(done.failed, 1);
  EXPECT_EQ(Report(job), "a b:ok\nc,d:ok\ne\"f:ok\nmissing:NoSuchKey\n");
  EXPECT_EQ(objects_->Head(me_, "src", "c,d").tags, (std::vector<core::ObjectTag>{{"k", "v"}}));
}

TEST_F(BatchJobServiceTest, ARestartResumesAtTheFirstTaskNotCommitted) {
  objects_->CreateBucket(me_, "src", core::StorageClass::kStandard, core::Acl::kPrivate);
  std::string manifest;
  for (int i = 0; i < 25; ++i) {
    Put("src", "k" + std::to_string(100 + i));
    manifest += "src,k" + std::to_string(100 + i) + "\n";
  }
  Put("src", "m.csv", manifest);
  core::BatchJob job = Tagging("m.csv");
  jobs_->Prepare(job.id);
  ASSERT_TRUE(jobs_->Move(job.id, core::BatchStatus::kActive));
  ASSERT_TRUE(jobs_->RunChunk(job.id, 10));
  ASSERT_TRUE(jobs_->RunChunk(job.id, 10));
  Open();  // a crash here: two chunks committed, one not run
  core::BatchJob mid = jobs_->Get(me_, job.public_id);
  EXPECT_EQ(mid.status, core::BatchStatus::kActive);
  EXPECT_EQ(mid.done, 20);
  EXPECT_EQ(mid.succeeded, 20);
  runner::BatchJobRunner runner(*jobs_, 1, 10);
  runner.RunPending();
  core::BatchJob done = jobs_->Get(me_, job.public_id);
  EXPECT_EQ(done.status, core::BatchStatus::kComplete);
  EXPECT_EQ(done.succeeded, 25);
  std::string expected;
  for (int i = 0; i < 25; ++i) expected += "k" + std::to_string(100 + i) + ":ok\n";
  EXPECT_EQ(Report(job), expected);  // each task once, in order
}

TEST_F(BatchJobServiceTest, StatusChangesFollowTheTable) {
  objects_->CreateBucket(me_, "src", core::StorageClass::kStandard, core::Acl::kPrivate);
  core::BatchJob spec;
  spec.operation = core::BatchOperation::kDeleteObjectTagging;
  spec.by_prefix = true;
  spec.prefix_bucket = "src";
  spec.confirmation_required = true;
  core::BatchJob job = jobs_->Create(me_, spec);
  EXPECT_EQ(job.total, -1);
  auto refused = [&](core::BatchStatus s) {
    try {
      jobs_->UpdateStatus(me_, job.public_id, s, "");
    } catch (const core::Error& e) {
      return e.reason();
    }
    return std::string("allowed");
  };
  EXPECT_EQ(refused(core::BatchStatus::kReady), "JobStatusConflict");  // still New
  jobs_->Prepare(job.id);
  EXPECT_EQ(jobs_->Get(me_, job.public_id).status, core::BatchStatus::kSuspended);
  EXPECT_EQ(jobs_->UpdateStatus(me_, job.public_id, core::BatchStatus::kReady, "go").status,
            core::BatchStatus::kReady);
  EXPECT_EQ(jobs_->UpdateStatus(me_, job.public_id, core::BatchStatus::kCancelled, "no").status,
            core::BatchStatus::kCancelling);
  EXPECT_EQ(refused(core::BatchStatus::kCancelled), "JobStatusConflict");
  Principal other = me_;
  other.tenant_id = "other";
  EXPECT_THROW(
      {
        try {
          jobs_->Get(other, job.public_id);
        } catch (const core::Error& e) {
          EXPECT_EQ(e.reason(), "NoSuchJob");
          throw;
        }
      },
      core::Error);
}

}  // namespace
}  // namespace drover::service
