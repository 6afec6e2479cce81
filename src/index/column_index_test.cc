// The differential test: a seeded random data set and thousands of seeded
// random queries over every parameter family, each answered by the column
// engine and by the scan engine (the reference), which must agree on ids,
// order and totals — also after updates, deletes and out-of-order inserts.

#include <gtest/gtest.h>

#include <random>
#include <span>
#include <thread>

#include "core/error.h"
#include "index/block_arena.h"
#include "index/job_index.h"
#include "testing/error_from.h"
#include "text/text.h"

namespace drover::index {
namespace {

using core::Job;
using core::TrainingStatus;

constexpr core::TimeMs kNow = 1'800'000'000'000;

const std::vector<std::string> kNameWords = {"mnist", "resnet", "bert", "llama", "train", "eval",
                                             "训练",  "模型",   "微调", "数据",  "tf",    "v2"};
const std::vector<std::string> kReasons = {"",
                                           "CUDA out of memory",
                                           "显存不足 OOM",
                                           "Job is stopped by user.",
                                           "exit code 1 NCCL timeout",
                                           "node lost"};
const std::vector<std::string> kCommands = {"python train.py --epochs 3", "torchrun 训练.py",
                                            "bash run.sh", "python eval.py 模型 评估", "sleep 10"};
const std::vector<std::string> kImages = {"pytorch:2.1-cuda12", "tensorflow:2.14",
                                          "registry/llm:v1"};
const std::vector<std::string> kTypes = {"PyTorchJob", "TFJob", "XGBoostJob"};
const std::vector<std::string> kWorkspaces = {"1", "2", "3"};
const std::vector<std::string> kUsers = {"alice", "bob", "carol", "dave"};

class Differential : public ::testing::Test {
 protected:
  template <class T>
  const T& Pick(const std::vector<T>& items) {
    return items[rng_() % items.size()];
  }
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(rng_() % (hi - lo + 1));
  }

  Job RandomJob(core::JobNumber id) {
    Job job;
    job.id = id;
    job.public_id = "dlc" + std::to_string(rng_() % 1000000000);
    public_ids_.push_back(job.public_id);
    job.tenant_id = rng_() % 10 == 0 ? "other" : "t1";
    job.workspace_id = Pick(kWorkspaces);
    job.user_id = Pick(kUsers);
    job.username = job.user_id + "_name";
    std::string name =
        Pick(kNameWords) + Pick(std::vector<std::string>{"-", "_", ".", " "}) + Pick(kNameWords);
    if (rng_() % 3 == 0) name += "-" + std::to_string(rng_() % 100);
    job.display_name = rng_() % 2 ? name : text::Fold(name);
    job.job_type = Pick(kTypes);
    job.user_command = Pick(kCommands);
    job.roles = {core::RoleSpec{"Worker", Pick(kImages), Between(1, 4), "",
                                std::to_string(Between(0, 8)), std::to_string(Between(0, 4)), "4Gi",
                                ""}};
    job.priority = Between(1, 9);
    job.visibility = rng_() % 3 == 0 ? core::Visibility::kPublic : core::Visibility::kPrivate;
    job.resource_id = rng_() % 2 ? "quota-a" : "";
    job.resource_quota_name = job.resource_id;
    job.payment_type = job.resource_id.empty() ? "PostPaid" : "PrePaid";
    job.enable_assign_node = rng_() % 5 == 0;
    if (rng_() % 2) job.tags["team"] = Pick(std::vector<std::string>{"a", "b", "c"});
    if (rng_() % 3) job.tags["env"] = Pick(std::vector<std::string>{"prod", "dev"});
    job.status = static_cast<TrainingStatus>(rng_() % core::kTrainingStatusCount);
    job.reason_message = Pick(kReasons);
    // Many equal creation times, to exercise the tie-break by JobId.
    job.created = kNow - Between(0, 20) * core::kMsPerDay / 2 - Between(0, 3) * 1000;
    job.modified = job.created + Between(0, 100000);
    if (core::IsTerminal(job.status)) job.finished = job.created + Between(1, 50) * 60000;
    if (job.status != TrainingStatus::kCreating) job.running = job.created + Between(0, 5000);
    job.lineage = rng_() % 4 == 0 ? Between(1, 20) : 0;
    job.latest = rng_() % 3 != 0;
    job.version_count = Between(1, 3);
    job.description =
        Pick(std::vector<std::string>{"", "alpha", "beta", "a long description, same start"});
    job.imported = rng_() % 4 == 0;
    return job;
  }

  JobQuery RandomQuery() {
    JobQuery q;
    q.now = kNow;
    q.exact[ExactField::kTenant] = {rng_() % 8 == 0 ? "other" : "t1"};
    auto maybe = [&](int percent) { return static_cast<int>(rng_() % 100) < percent; };
    if (maybe(40)) q.exact[ExactField::kWorkspace] = {Pick(kWorkspaces)};
    if (maybe(15)) q.exact[ExactField::kWorkspace] = {Pick(kWorkspaces), Pick(kWorkspaces)};
    if (maybe(20)) q.exact[ExactField::kJobType] = {Pick(kTypes)};
    if (maybe(15)) q.exact[ExactField::kUserId] = {Pick(kUsers)};
    if (maybe(10)) q.exact[ExactField::kResourceId] = {"quota-a"};
    if (maybe(10)) q.exact[ExactField::kPaymentType] = {"PostPaid"};
    if (maybe(25)) {
      q.statuses.emplace();
      for (int i = Between(0, 3); i > 0; --i)
        q.statuses->push_back(static_cast<TrainingStatus>(rng_() % 13));
    }
    if (maybe(25)) {
      NameMatch mode = static_cast<NameMatch>(rng_() % 3);
      std::string needle = text::Fold(Pick(kNameWords));
      if (mode == NameMatch::kWildcard && maybe(40))
        needle = needle.substr(0, 1) + "*" + needle.substr(1, 2);
      if (mode == NameMatch::kWildcard && maybe(20)) needle = "?" + needle;
      if (mode == NameMatch::kTerm && maybe(50))
        needle = text::Fold(Pick(kNameWords)) + "-" + text::Fold(Pick(kNameWords));
      q.name = {mode, needle};
    }
    if (maybe(10)) q.contains[ContainsField::kName] = text::Fold(Pick(kNameWords)).substr(0, 2);
    if (maybe(15)) q.words[WordsField::kName] = text::Words(Pick(kNameWords));
    if (maybe(15)) q.words[WordsField::kReason] = text::Words(Pick(kReasons));
    if (maybe(15))
      q.words[WordsField::kUserCommand] =
          text::Words(Pick(std::vector<std::string>{"python", "训练", "模型 python", "run"}));
    if (maybe(10))
      q.words[WordsField::kImage] =
          text::Words(Pick(std::vector<std::string>{"pytorch", "cuda12", "llm v1"}));
    if (maybe(10))
      q.contains[ContainsField::kUsername] =
          Pick(std::vector<std::string>{"a", "bo", "_name", "zz"});
    if (maybe(10))
      q.visibility = rng_() % 2 ? core::Visibility::kPublic : core::Visibility::kPrivate;
    if (maybe(10)) q.enable_assign_node = rng_() % 2 == 0;
    if (maybe(20)) {
      q.tags["team"] = Pick(std::vector<std::string>{"a", "b", "c"});
      if (maybe(30)) q.tags["env"] = "prod";
    }
    if (maybe(60)) {
      JobQuery::TimeRange range;
      range.field = static_cast<TimeField>(rng_() % 5);
      range.from = kNow - Between(0, 12) * core::kMsPerDay;
      range.to = maybe(50) ? kNow : range.from + Between(0, 5) * core::kMsPerDay;
      q.time = range;
    }
    if (maybe(20)) {
      JobQuery::NumericRange range;
      range.field = static_cast<NumericField>(rng_() % 5);
      if (maybe(70)) range.min = Between(0, 8);
      if (maybe(70)) range.max = Between(4, 30);
      q.numeric = range;
    }
    if (maybe(5)) {  // by id: some live, some deleted, some never existed
      for (int i = Between(1, 3); i > 0; --i) q.public_ids.push_back(text::Fold(Pick(public_ids_)));
      if (maybe(30)) q.public_ids.push_back("dlcnosuchjob");
    }
    if (maybe(10)) q.latest_only = true;
    if (maybe(10)) q.exclude_imported = true;
    if (maybe(5)) q.lineage = Between(1, 20);
    if (maybe(15)) {
      core::Viewer viewer{"t1", Pick(kUsers), false, {}};
      viewer.workspaces[Pick(kWorkspaces)] = core::WorkspaceRole::kMember;
      if (maybe(40)) viewer.workspaces[Pick(kWorkspaces)] = core::WorkspaceRole::kAdmin;
      q.viewer = viewer;
    }
    q.sort = maybe(50) ? SortField::kCreated : static_cast<SortField>(rng_() % 12);
    q.descending = maybe(60);
    q.limit = Pick(std::vector<int64_t>{1, 5, 10, 50, 1000});
    q.offset = maybe(50) ? 0 : Between(0, 300);
    return q;
  }

  void ExpectSameAnswers(int queries) {
    for (int i = 0; i < queries; ++i) {
      JobQuery q = RandomQuery();
      Page want = scan_->Search(q);
      Page got = column_->Search(q);
      ASSERT_EQ(got.total, want.total) << "query " << i;
      ASSERT_EQ(got.ids, want.ids) << "query " << i << " sort " << static_cast<int>(q.sort)
                                   << (q.descending ? " desc" : " asc") << " offset " << q.offset;
    }
  }

  void Both(const Job& job) {
    scan_->Upsert(job);
    column_->Upsert(job);
  }

  // n random writes to both engines: status moves, new jobs (some older
  // than everything, breaking slot order), deletes, re-creates.
  void RandomChanges(std::vector<Job>& jobs, int n) {
    for (int i = 0; i < n; ++i) {
      int kind = static_cast<int>(rng_() % 10);
      if (kind < 6) {
        Job& job = jobs[rng_() % jobs.size()];
        job.status = static_cast<TrainingStatus>(rng_() % core::kTrainingStatusCount);
        job.priority = Between(1, 9);
        if (core::IsTerminal(job.status)) job.finished = job.created + Between(1, 9) * 1000;
        Both(job);
      } else if (kind < 9) {
        Job job = RandomJob(static_cast<core::JobNumber>(jobs.size() + 1));
        if (kind == 8) job.created = kNow - 30 * core::kMsPerDay;
        jobs.push_back(job);
        Both(job);
      } else {
        core::JobNumber id = jobs[rng_() % jobs.size()].id;
        scan_->Erase(id);
        column_->Erase(id);
      }
    }
  }

  // The scan engine loaded with `jobs`: the state of a snapshot, kept aside.
  std::unique_ptr<JobIndex> Frozen(const std::vector<Job>& jobs) {
    std::unique_ptr<JobIndex> frozen = NewScanIndex();
    for (const Job& job : jobs) {
      if (scan_->Search(ById(job)).total == 1) frozen->Upsert(job);
    }
    return frozen;
  }
  static JobQuery ById(const Job& job) {
    JobQuery q;
    q.exact[ExactField::kTenant] = {job.tenant_id};
    q.public_ids = {text::Fold(job.public_id)};
    q.lineage = job.Lineage();
    return q;
  }

  // Pins the current state and returns its snapshot.
  Snapshot Pin() {
    JobQuery q;
    q.limit = 0;
    q.pin = true;
    return column_->Search(q).snapshot;
  }

  void ExpectSameAnswersAt(const Snapshot& at, const JobIndex& frozen, int queries) {
    for (int i = 0; i < queries; ++i) {
      JobQuery q = RandomQuery();
      Page want = frozen.Search(q);
      q.at = at;
      Page got = column_->Search(q);
      ASSERT_EQ(got.total, want.total) << "query " << i;
      ASSERT_EQ(got.ids, want.ids) << "query " << i << " sort " << static_cast<int>(q.sort)
                                   << (q.descending ? " desc" : " asc") << " offset " << q.offset;
      ASSERT_EQ(got.snapshot, at);
    }
  }

  std::mt19937_64 rng_{20261122};
  std::vector<std::string> public_ids_;  // of every job made, deleted or not
  std::unique_ptr<JobIndex> scan_ = NewScanIndex();
  std::unique_ptr<JobIndex> column_ = NewColumnIndex();
};

TEST_F(Differential, ColumnEngineAnswersExactlyAsTheScanEngine) {
  std::vector<Job> jobs;
  for (core::JobNumber id = 1; id <= 4000; ++id) jobs.push_back(RandomJob(id));
  column_->BeginLoad();                   // as at start: indexed all at once by Optimize
  for (const Job& job : jobs) Both(job);  // out of creation order
  column_->Optimize();
  ExpectSameAnswers(2500);

  // Live changes: status moves, new jobs at "now", deletes.
  for (int i = 0; i < 600; ++i) {
    Job& job = jobs[rng_() % jobs.size()];
    job.status = static_cast<TrainingStatus>(rng_() % core::kTrainingStatusCount);
    job.reason_message = Pick(kReasons);
    if (core::IsTerminal(job.status)) job.finished = job.created + 1000;
    Both(job);
  }
  for (core::JobNumber id = 4001; id <= 4400; ++id) {
    Job job = RandomJob(id);
    job.created = kNow + static_cast<core::TimeMs>(id / 3);  // equal times in a row
    jobs.push_back(job);
    Both(job);
  }
  for (int i = 0; i < 200; ++i) {
    core::JobNumber id = jobs[rng_() % jobs.size()].id;
    scan_->Erase(id);
    column_->Erase(id);
  }
  EXPECT_EQ(column_->Size(), scan_->Size());
  ExpectSameAnswers(2500);
  column_->Optimize();  // renumbers, leaving the deleted slots out
  EXPECT_EQ(column_->Size(), scan_->Size());
  ExpectSameAnswers(500);
}

// As at start-up: batches from two threads at once (UpsertMany), some jobs
// twice (the later version wins), then Optimize.
TEST_F(Differential, ABulkLoadFromTwoThreadsAnswersAsTheScanEngine) {
  std::vector<Job> jobs;
  for (core::JobNumber id = 1; id <= 3000; ++id) jobs.push_back(RandomJob(id));
  std::vector<Job> again(jobs.begin(), jobs.begin() + 300);
  for (Job& job : again) job.status = TrainingStatus::kFailed;
  column_->BeginLoad();
  std::span<const Job> all(jobs);
  std::thread other([&] {  // with the batches prepared here, as the reader does
    for (size_t at = 0; at < 1500; at += 100) {
      std::unique_ptr<JobIndex::Prepared> prepared = column_->Prepare(all.subspan(at, 100));
      column_->UpsertMany(all.subspan(at, 100), prepared.get());
    }
  });
  for (size_t at = 1500; at < 3000; at += 100) column_->UpsertMany(all.subspan(at, 100));
  other.join();
  column_->UpsertMany(again);
  column_->Optimize();
  for (const Job& job : jobs) scan_->Upsert(job);
  for (const Job& job : again) scan_->Upsert(job);
  EXPECT_EQ(column_->Size(), 3000u);
  ExpectSameAnswers(1500);
}

// As at start-up: the sort orders are built on another thread while jobs
// are written; every answer then comes from kept orders kept current.
TEST_F(Differential, SortOrdersPreparedWhileWritingAnswerAsTheScanEngine) {
  std::vector<Job> jobs;
  for (core::JobNumber id = 1; id <= 3000; ++id) jobs.push_back(RandomJob(id));
  column_->BeginLoad();
  for (const Job& job : jobs) Both(job);
  column_->Optimize();
  size_t built = 0;
  std::thread prepare([&] { built = column_->PrepareSortOrders(); });
  for (int i = 0; i < 400; ++i) {  // meanwhile, status changes and new jobs
    Job& job = jobs[rng_() % jobs.size()];
    job.status = static_cast<TrainingStatus>(rng_() % core::kTrainingStatusCount);
    if (core::IsTerminal(job.status)) job.finished = job.created + 1000;
    column_->Upsert(job);
  }
  prepare.join();
  for (const Job& job : jobs) scan_->Upsert(job);
  EXPECT_EQ(built, 11u);  // every sort field but Duration
  EXPECT_EQ(column_->PrepareSortOrders(), 0u);
  ExpectSameAnswers(1500);
}

TEST_F(Differential, AnInsertOutOfCreationOrderKeepsAnswersExact) {
  for (core::JobNumber id = 1; id <= 500; ++id) Both(RandomJob(id));
  column_->Optimize();
  Job old = RandomJob(501);
  old.created = kNow - 40 * core::kMsPerDay;  // older than everything: breaks slot order
  Both(old);
  ExpectSameAnswers(500);
  column_->Optimize();
  ExpectSameAnswers(500);
}

// Rows' text lives in a BlockArena that copies the live blocks away once
// rewrites leave enough dead words: names, descriptions and ids read after
// that (substring, sorts, ids) must still be each job's own.
TEST_F(Differential, RowsRewrittenUntilTheirTextIsCompactedKeepTheirText) {
  std::vector<Job> jobs;
  for (core::JobNumber id = 1; id <= 600; ++id) jobs.push_back(RandomJob(id));
  for (const Job& job : jobs) Both(job);
  column_->Optimize();
  // Each rewrite leaves a block of over 1,250 words (a 5,000-byte
  // description) dead, too long to be reused: 600 x 8 of them are several
  // times the dead words at which the arena compacts (WorthCompacting).
  static_assert(1250 > BlockArena::kReusedWords);
  static_assert(600 * 8 * 1250 > 2 * BlockArena::kChunkWords);
  for (int round = 0; round < 8; ++round) {
    for (Job& job : jobs) {
      job.description = Pick(std::vector<std::string>{"alpha", "beta", "gamma"}) +
                        std::string(5000, static_cast<char>('a' + round));
      job.display_name = Pick(kNameWords) + "-" + std::to_string(round);
      Both(job);
    }
    ExpectSameAnswers(150);
  }
}

TEST_F(Differential, AQueryAtASnapshotAnswersAsTheIndexStoodThen) {
  column_ = NewColumnIndex({.max_changes = 700});
  std::vector<Job> jobs;
  for (core::JobNumber id = 1; id <= 3000; ++id) jobs.push_back(RandomJob(id));
  for (const Job& job : jobs) Both(job);
  column_->Optimize();

  Snapshot first = Pin();
  std::unique_ptr<JobIndex> at_first = Frozen(jobs);
  RandomChanges(jobs, 400);
  Snapshot second = Pin();
  std::unique_ptr<JobIndex> at_second = Frozen(jobs);
  RandomChanges(jobs, 250);

  ExpectSameAnswersAt(first, *at_first, 1200);
  ExpectSameAnswersAt(second, *at_second, 1200);
  ExpectSameAnswers(500);  // the present is unaffected by the kept history

  // Past max_changes the oldest history goes (its ghost slots are reused):
  // the first snapshot expires, the second still answers exactly.
  RandomChanges(jobs, 200);
  JobQuery q = RandomQuery();
  q.at = first;
  try {
    column_->Search(q);
    FAIL() << "a snapshot without its history answered";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.code(), core::ErrorCode::kInvalidArgument);
    EXPECT_EQ(e.reason(), kSnapshotExpired);
  }
  ExpectSameAnswersAt(second, *at_second, 800);
  ExpectSameAnswers(500);
}

TEST(Snapshots, ExpireUnlessPinnedWithinTheirLifetime) {
  Job job;
  job.id = 1;
  job.public_id = "dlc1";
  job.tenant_id = "t1";
  job.created = kNow;
  JobQuery q;
  q.limit = 1;
  q.pin = true;

  std::unique_ptr<JobIndex> index =
      NewColumnIndex({.token_lifetime = std::chrono::milliseconds(0)});
  index->Upsert(job);
  q.at = index->Search(q).snapshot;
  EXPECT_EQ(index->Search(q).ids, std::vector<core::JobNumber>{1});  // no change since: answerable
  job.status = TrainingStatus::kRunning;
  index->Upsert(job);
  core::Error lapsed = testing::ErrorFrom([&] { index->Search(q); });  // its pin had lapsed
  EXPECT_EQ(lapsed.code(), core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(lapsed.reason(), kSnapshotExpired);

  q.at->epoch ^= 1;  // a token from another run of the server
  std::unique_ptr<JobIndex> fresh = NewColumnIndex();
  fresh->Upsert(job);
  core::Error other_run = testing::ErrorFrom([&] { fresh->Search(q); });
  EXPECT_EQ(other_run.code(), core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(other_run.reason(), kSnapshotExpired);

  // Pinned (the answer has more than its page) and within its lifetime: a
  // deleted job is still in the snapshot.
  Job other = job;
  other.id = 2;
  other.public_id = "dlc2";
  other.created = kNow - 1;
  fresh->Upsert(other);
  q.at.reset();
  Snapshot pinned = fresh->Search(q).snapshot;
  fresh->Erase(1);
  q.at = pinned;
  EXPECT_EQ(fresh->Search(q).ids, std::vector<core::JobNumber>{1});
  EXPECT_EQ(fresh->Search(q).total, 2);
  q.at.reset();
  EXPECT_EQ(fresh->Search(q).ids, std::vector<core::JobNumber>{2});
}

}  // namespace
}  // namespace drover::index
