#include "runner/dataset_job_runner.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <sys/stat.h>

#include <fstream>
#include <set>

#include "core/error.h"
#include "service/dataset_job_schema.h"
#include "service/dataset_schema.h"
#include "store/sqlite_store.h"
#include "testing/error_from.h"
#include "testing/temp_dir.h"

namespace drover::runner {
namespace {

namespace fs = std::filesystem;
using core::DatasetJob;
using core::DatasetJobStatus;
using S = DatasetJobStatus;

TEST(DatasetJobStatus, OneTableOfLegalMoves) {
  EXPECT_TRUE(core::CanMove(S::kPending, S::kStarting));
  EXPECT_TRUE(core::CanMove(S::kStarting, S::kRunning));
  EXPECT_TRUE(core::CanMove(S::kRunning, S::kPartialFailed));
  EXPECT_TRUE(core::CanMove(S::kPending, S::kManuallyStop));
  EXPECT_TRUE(core::CanMove(S::kRunning, S::kPending));  // a restart runs it again
  EXPECT_FALSE(core::CanMove(S::kPending, S::kSucceeded));
  EXPECT_FALSE(core::CanMove(S::kSucceeded, S::kManuallyStop));
  EXPECT_FALSE(core::CanMove(S::kManuallyStop, S::kRunning));
  EXPECT_FALSE(core::CanMove(S::kRunning, S::kDeleted));
  for (int s = 0; s < core::kDatasetJobStatusCount; ++s) {
    auto status = static_cast<DatasetJobStatus>(s);
    EXPECT_EQ(core::ParseDatasetJobStatus(core::DatasetJobStatusName(status)), status);
  }
  EXPECT_EQ(core::ParseDatasetJobStatus("Done"), std::nullopt);
}

TEST(DatasetJobRules, ActionsModesAndSpecs) {
  DatasetJob ok;
  ok.action = "FileMetaBuild";
  ok.mode = "Full";
  ok.spec = "{}";
  EXPECT_NO_THROW(core::CheckDatasetJob(ok));
  DatasetJob increment = ok;
  increment.mode = "Increment";
  EXPECT_EQ(testing::ErrorFrom([&] { core::CheckDatasetJob(increment); }).parameter(), "job_mode");
  increment.action = "SemanticIndex";
  EXPECT_NO_THROW(core::CheckDatasetJob(increment));
  DatasetJob spec = ok;
  spec.spec = "[1]";
  EXPECT_EQ(testing::ErrorFrom([&] { core::CheckDatasetJob(spec); }).parameter(), "job_spec");
  EXPECT_EQ(core::ContentTypeOf("a.JPEG"), "image/jpeg");
  EXPECT_EQ(core::ContentTypeOf("noext"), "application/octet-stream");
  EXPECT_EQ(core::FileTypeOf("image/png"), "image");
  EXPECT_EQ(core::FileTypeOf("application/pdf"), "application");
  DatasetJob logged;
  for (size_t i = 0; i < core::kMaxJobLogLines + 5; ++i)
    core::AddJobLog(logged, 1'700'000'000'123, "INFO", "x");
  EXPECT_EQ(logged.logs.size(), core::kMaxJobLogLines);
  EXPECT_EQ(logged.logs[0], "2023-11-14 22:13:20.123 INFO: x");
}

TEST(DatasetJobRules, AFileMetaLineReadsBackAsItWasWritten) {
  core::DatasetFile f;
  f.uri = "nas://fs/cars/0001.png";
  f.file_name = "0001.png";
  f.file_dir = "cars/";
  f.file_type = "image";
  f.content_type = "image/png";
  f.size = 42;
  f.fingerprint = "abc";
  f.file_created = 1'700'000'000'123;
  f.file_updated = 1'700'000'000'456;
  f.meta_attributes = R"({"w":1})";
  f.ai_tags = {"car"};
  f.user_tags = {"红色", "x\"y"};
  f.comment = "line\nbreak";
  std::string why;
  std::optional<core::DatasetFile> back = core::ParseFileMetaLine(core::FileMetaLine(f), why);
  ASSERT_TRUE(back) << why;
  EXPECT_EQ(*back, f);
  for (const char* bad :
       {"", "not json", "[]", R"({"FileName":"no uri"})",
        R"({"Uri":"u","FileUpdateTime":"yesterday"})", R"({"Uri":"u"} x)", R"({"Uri":3})"}) {
    EXPECT_FALSE(core::ParseFileMetaLine(bad, why)) << bad;
    EXPECT_FALSE(why.empty());
  }
}

TEST(DatasetJobRules, ImageSizesFromTheFirstBytes) {
  using core::ImageSize;
  std::string png("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\x02\x80\0\0\x01\xe0\x08\x02", 26);
  EXPECT_EQ(core::ImageSizeOf(png), (ImageSize{640, 480}));
  EXPECT_EQ(core::ImageSizeOf(std::string("GIF89a\x0a\0\x14\0", 10)), (ImageSize{10, 20}));
  std::string bmp(26, '\0');
  bmp[0] = 'B';
  bmp[1] = 'M';
  bmp[18] = 3;
  bmp[22] = static_cast<char>(0xFE);  // -2: stored bottom-up
  for (int i = 23; i < 26; ++i) bmp[i] = static_cast<char>(0xFF);
  EXPECT_EQ(core::ImageSizeOf(bmp), (ImageSize{3, 2}));
  // A JPEG: SOI, an APP0 segment, then SOF0 with height 300 and width 400.
  std::string jpeg(
      "\xFF\xD8\xFF\xE0\0\x04"
      "ab\xFF\xC0\0\x11\x08\x01\x2c\x01\x90\x03"
      "xxxxxxxx",
      26);
  EXPECT_EQ(core::ImageSizeOf(jpeg), (ImageSize{400, 300}));
  std::string webp = std::string("RIFF\0\0\0\0WEBPVP8X", 16) + std::string(14, '\0');
  webp[24] = 99;  // width 100
  webp[27] = 49;  // height 50
  EXPECT_EQ(core::ImageSizeOf(webp), (ImageSize{100, 50}));
  EXPECT_EQ(core::ImageSizeOf("png-bytes"), std::nullopt);
  EXPECT_EQ(core::ImageSizeOf(png.substr(0, 20)), std::nullopt);  // cut short
  EXPECT_EQ(core::ImageSizeOf(std::string("\xFF\xD8\xFF\xE0\0\x04", 6)), std::nullopt);
}

// The service and the runner over a real store, on a real tree; the runner
// runs on the test's thread (RunPending), so nothing waits on time.
class DatasetJobRunnerTest : public ::testing::Test {
 protected:
  DatasetJobRunnerTest() {
    tree_ = dir_.path() / "tree";
    fs::create_directories(tree_ / "sub");
    std::ofstream(tree_ / "a.txt") << "alpha";
    std::ofstream(tree_ / "sub" / "b.png") << "png";
    fs::create_symlink("/nonexistent", tree_ / "dangling");
    Open();
  }

  void Open() {
    runner_.reset();
    jobs_.reset();
    datasets_.reset();
    for (auto& index : indexes_) index.reset();
    store_.reset();
    store_ = store::SqliteStore::Open(dir_.path() / "drover.db");
    indexes_[0] = index::NewColumnIndex(service::DatasetSchema());
    indexes_[1] = index::NewColumnIndex(service::DatasetVersionSchema());
    indexes_[2] = index::NewColumnIndex(service::DatasetJobSchema());
    indexes_[3] = index::NewColumnIndex(service::DatasetJobConfigSchema());
    indexes_[4] = index::NewColumnIndex(service::DatasetFileSchema());
    datasets_ = std::make_unique<service::DatasetService>(*store_, *indexes_[0], *indexes_[1],
                                                          storage_, clock_);
    jobs_ = std::make_unique<service::DatasetJobService>(*store_, *datasets_, *indexes_[2],
                                                         *indexes_[3], *indexes_[4], clock_);
    runner_ = std::make_unique<DatasetJobRunner>(*jobs_, storage_);
  }

  std::string CreateDataset() {
    core::Dataset d;
    d.name = "tree";
    d.data_type = "COMMON";
    d.edition = "BASIC";
    d.provider_type = "Ecs";
    d.mount_access = "RW";
    core::DatasetVersion v;
    v.property = "DIRECTORY";
    v.data_source_type = "NAS";
    v.uri = "file://" + tree_.string();
    v.source_type = "USER";
    v.mount_access = "RW";
    return datasets_->Create(who_, d, v).public_id;
  }

  DatasetJob Build(const std::string& dataset) {
    DatasetJob draft;
    draft.workspace_id = "1";
    draft.action = "FileMetaBuild";
    draft.spec = "{}";
    return jobs_->Create(who_, dataset, draft);
  }

  std::string Files(const std::string& dataset) {
    index::Query q;
    q.limit = 100;
    q.sort = index::SortBy::Folded(service::DatasetFileStrings::kFileName);
    q.descending = false;
    std::string out;
    for (const core::DatasetFile& f : jobs_->ListFiles(who_, dataset, "v1", q).items) {
      out += f.file_dir + f.file_name + ":" + std::to_string(f.size) + " ";
    }
    return out;
  }

  testing::TempDir dir_;
  fs::path tree_;
  core::ManualClock clock_{1'700'000'000'000};
  service::StorageMap storage_;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<index::RecordIndex> indexes_[5];
  std::unique_ptr<service::DatasetService> datasets_;
  std::unique_ptr<service::DatasetJobService> jobs_;
  std::unique_ptr<DatasetJobRunner> runner_;
  service::Principal who_ = service::Principal::Local();
};

TEST_F(DatasetJobRunnerTest, ABuildCataloguesTheTreeAndARebuildFollowsItsChanges) {
  std::string dataset = CreateDataset();
  DatasetJob job = Build(dataset);
  EXPECT_EQ(job.status, S::kPending);
  runner_->RunPending();
  DatasetJob done = jobs_->Get(who_, dataset, job.public_id);
  EXPECT_EQ(done.status, S::kPartialFailed);  // the dangling link
  EXPECT_EQ(done.total_files, 3);
  EXPECT_EQ(done.completed_files, 2);
  EXPECT_EQ(done.failed_files, 1);
  EXPECT_EQ(Files(dataset), "a.txt:5 sub/b.png:3 ");

  fs::remove(tree_ / "dangling");
  fs::remove(tree_ / "a.txt");
  std::ofstream(tree_ / "sub" / "b.png") << "png, longer";
  std::ofstream(tree_ / "c.md") << "#";
  DatasetJob again = Build(dataset);
  runner_->RunPending();
  again = jobs_->Get(who_, dataset, again.public_id);
  EXPECT_EQ(again.status, S::kSucceeded);
  EXPECT_EQ(again.total_files, 2);
  EXPECT_EQ(Files(dataset), "sub/b.png:11 c.md:1 ");  // by file name
}

TEST_F(DatasetJobRunnerTest, AStoppedOrDeletedJobIsNotRunAndAnInterruptedOneRunsAgain) {
  std::string dataset = CreateDataset();
  DatasetJob stopped = Build(dataset);
  jobs_->Stop(who_, dataset, stopped.public_id);
  EXPECT_EQ(testing::ErrorFrom([&] { jobs_->Stop(who_, dataset, stopped.public_id); }).code(),
            core::ErrorCode::kFailedPrecondition);
  DatasetJob deleted = Build(dataset);
  jobs_->Delete(who_, dataset, deleted.public_id);
  runner_->RunPending();
  EXPECT_EQ(jobs_->Get(who_, dataset, stopped.public_id).status, S::kManuallyStop);
  EXPECT_EQ(Files(dataset), "");

  // As if the server died while it ran: Starting in the store.
  DatasetJob interrupted = Build(dataset);
  ASSERT_TRUE(jobs_->ClaimNext());
  Open();
  EXPECT_EQ(jobs_->Get(who_, dataset, interrupted.public_id).status, S::kStarting);
  runner_->Reconcile();  // back in the queue
  EXPECT_EQ(jobs_->Get(who_, dataset, interrupted.public_id).status, S::kPending);
  runner_->RunPending();
  DatasetJob rerun = jobs_->Get(who_, dataset, interrupted.public_id);
  EXPECT_EQ(rerun.status, S::kPartialFailed);
  EXPECT_TRUE(std::any_of(rerun.logs.begin(), rerun.logs.end(), [](const std::string& line) {
    return line.find("WARN: The server restarted; the job runs again.") != std::string::npos;
  }));
}

TEST_F(DatasetJobRunnerTest, AVersionIsGoneThroughInChunksAndTheVisitCanStopIt) {
  std::string dataset = CreateDataset();
  DatasetJob job = Build(dataset);
  std::vector<core::DatasetFile> files;
  for (int i = 0; i < 10'050; ++i) {  // more than one chunk of 10,000
    core::DatasetFile f;
    f.uri = "file:///elsewhere/f" + std::to_string(i);
    service::DatasetJobService::PlaceInVersion(f, job);
    f.file_name = "f" + std::to_string(i);
    files.push_back(std::move(f));
  }
  jobs_->PutFiles(std::move(files));
  std::set<core::RecordNumber> seen;
  EXPECT_TRUE(jobs_->ForEachFile(job.dataset, "v1", [&](core::DatasetFile& f) {
    EXPECT_TRUE(f.uri.starts_with("file:///elsewhere/f"));
    return seen.insert(f.id).second;
  }));
  EXPECT_EQ(seen.size(), 10'050u);
  int visited = 0;
  EXPECT_FALSE(
      jobs_->ForEachFile(job.dataset, "v1", [&](core::DatasetFile&) { return ++visited < 5; }));
  EXPECT_EQ(visited, 5);
}

TEST(DatasetFileIds, SixtyFourHexDigitsThatAFileSharesWithItsDirectory) {
  using service::DatasetJobService;
  std::string a = DatasetJobService::FileId("d-1", "v1", "nas://fs/cars/0001.png");
  std::string b = DatasetJobService::FileId("d-1", "v1", "nas://fs/cars/0002.png");
  std::string elsewhere = DatasetJobService::FileId("d-1", "v1", "nas://fs/vans/0001.png");
  std::string other_version = DatasetJobService::FileId("d-1", "v2", "nas://fs/cars/0001.png");
  EXPECT_EQ(a.size(), 64u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(a, DatasetJobService::FileId("d-1", "v1", "nas://fs/cars/0001.png"));
  EXPECT_EQ(a.substr(0, 24), b.substr(0, 24));  // stored side by side
  EXPECT_NE(a.substr(24), b.substr(24));
  EXPECT_NE(a.substr(0, 24), elsewhere.substr(0, 24));
  EXPECT_NE(a.substr(0, 24), other_version.substr(0, 24));
}

TEST_F(DatasetJobRunnerTest, AnEntryStoredUnderAnOldIdKeepsItThroughImportCreateAndRebuild) {
  std::string dataset = CreateDataset();
  DatasetJob job = Build(dataset);
  core::DatasetFile old;
  old.uri = "file://" + (tree_ / "a.txt").string();
  service::DatasetJobService::PlaceInVersion(old, job);
  // Before 2026-11-28: the whole SHA-256 (hex) of dataset id, version and URI.
  old.public_id = "";
  std::string key = job.dataset_id + "/v1/" + old.uri;
  unsigned char digest[32];
  unsigned length = 0;
  EVP_Digest(key.data(), key.size(), digest, &length, EVP_sha256(), nullptr);
  for (unsigned char byte : digest) {
    old.public_id += "0123456789abcdef"[byte >> 4];
    old.public_id += "0123456789abcdef"[byte & 0xF];
  }
  old.file_name = "a.txt";
  old.size = 1;
  old.comment = "kept";
  jobs_->PutFiles({old});
  ASSERT_TRUE(jobs_->EntryOf(job.dataset_id, "v1", old.uri));
  core::RecordNumber number = jobs_->EntryOf(job.dataset_id, "v1", old.uri)->id;

  core::DatasetFile again;
  again.uri = old.uri;
  again.file_name = "a.txt";
  again.file_type = "text";
  again.content_type = "text/plain";
  again.fingerprint = "0";
  again.file_updated = 1;
  auto created = jobs_->CreateFiles(who_, dataset, "v1", {again});
  ASSERT_EQ(created.failed.size(), 1u);
  EXPECT_EQ(created.failed[0].result, "Already exists.");

  again.size = 2;
  auto imported = jobs_->ImportFiles(job, {again});
  ASSERT_EQ(imported.succeeded.size(), 1u);
  EXPECT_EQ(imported.succeeded[0].id, old.public_id);
  runner_->RunPending();  // the build reads a.txt (5 bytes now) into the same entry
  std::optional<core::DatasetFile> entry = jobs_->EntryOf(job.dataset_id, "v1", old.uri);
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->id, number);
  EXPECT_EQ(entry->public_id, old.public_id);
  EXPECT_EQ(entry->size, 5);
  EXPECT_EQ(Files(dataset), "a.txt:5 sub/b.png:3 ");
}

}  // namespace
}  // namespace drover::runner
