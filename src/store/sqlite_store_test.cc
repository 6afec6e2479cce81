#include "store/sqlite_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <thread>

#include "core/error.h"
#include "testing/temp_dir.h"

namespace drover::store {
namespace {

class SqliteStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteStore> Open() { return SqliteStore::Open(dir_.path() / "drover.db"); }

  testing::TempDir dir_;
};

core::Job MakeJob(core::JobNumber id, std::string name) {
  core::Job job;
  job.id = id;
  job.public_id = "dlc-" + std::to_string(id);
  job.display_name = std::move(name);
  job.roles = {core::RoleSpec{"Worker", "img", 2, "", "1", "1", "1Gi", "OnFailure"}};
  job.tags = {{"team", "a"}};
  job.history = {core::StatusEvent{core::TrainingStatus::kCreating, 5, 0, "", ""}};
  job.created = 5;
  return job;
}

// Canonical printed state: "id:name" for every stored job in id order.
std::string Dump(Store& store) {
  std::string out;
  store.ForEachJob(
      [&](core::Job&& job) { out += std::to_string(job.id) + ":" + job.display_name + " "; });
  return out;
}

TEST_F(SqliteStoreTest, AppliesBatchesWithIncreasingRevisions) {
  auto store = Open();
  EXPECT_EQ(store->CurrentRevision(), 0u);
  EXPECT_EQ(store->Apply({Mutation::Put(MakeJob(1, "a")), Mutation::Put(MakeJob(2, "b"))}), 1u);
  EXPECT_EQ(store->Apply({Mutation::Put(MakeJob(1, "a2"))}), 2u);
  EXPECT_EQ(store->Apply({Mutation::Delete(2)}), 3u);
  EXPECT_EQ(Dump(*store), "1:a2 ");
  EXPECT_EQ(store->MaxJobNumber(), 2u);
  EXPECT_EQ(store->GetJob(1)->display_name, "a2");
  EXPECT_FALSE(store->GetJob(2).has_value());
  EXPECT_EQ(store->FindJob("dlc-1")->id, 1u);
  EXPECT_FALSE(store->FindJob("dlc-2").has_value());

  std::vector<Change> changes = store->ChangesSince(1);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].revision, 2u);
  EXPECT_EQ(changes[1].kind, Mutation::Kind::kDeleteJob);
  EXPECT_EQ(changes[1].job_id, 2u);
}

TEST_F(SqliteStoreTest, TheInstallationKeyIsRandomAndKeptForever) {
  uint64_t key = Open()->InstallationKey();
  EXPECT_EQ(Open()->InstallationKey(), key);
  auto other = SqliteStore::Open(dir_.path() / "other.db");
  EXPECT_NE(other->InstallationKey(), key);
}

TEST_F(SqliteStoreTest, StateSurvivesReopen) {
  {
    auto store = Open();
    store->Apply({Mutation::Put(MakeJob(1, "a")), Mutation::Put(MakeJob(5, "e"))});
    store->Apply({Mutation::Delete(5)});
  }
  auto store = Open();
  EXPECT_EQ(Dump(*store), "1:a ");
  EXPECT_EQ(store->CurrentRevision(), 2u);
  EXPECT_EQ(store->MaxJobNumber(), 5u);  // a deleted number is never reused
  EXPECT_EQ(*store->GetJob(1), MakeJob(1, "a"));
}

TEST_F(SqliteStoreTest, BulkLoadCommitsDurablyAndReturnsToTheWal) {
  {
    auto store = Open();
    store->BeginBulkLoad();
    store->Apply({Mutation::Put(MakeJob(1, "a")), Mutation::Put(MakeJob(2, "b"))});
    EXPECT_FALSE(std::filesystem::exists(dir_.path() / "drover.db-wal"));
    store->EndBulkLoad();
    store->Apply({Mutation::Put(MakeJob(3, "c"))});  // group commit again, through the WAL
    EXPECT_TRUE(std::filesystem::exists(dir_.path() / "drover.db-wal"));
  }
  auto store = Open();
  EXPECT_EQ(Dump(*store), "1:a 2:b 3:c ");
  EXPECT_EQ(*store->GetJob(2), MakeJob(2, "b"));
}

TEST_F(SqliteStoreTest, FailedBatchAppliesNothing) {
  auto store = Open();
  store->Apply({Mutation::Put(MakeJob(1, "a"))});
  core::Job clash = MakeJob(2, "b");
  clash.public_id = "dlc-1";  // taken by job 1
  try {
    store->Apply({Mutation::Put(MakeJob(3, "c")), Mutation::Put(clash)});
    FAIL() << "a duplicate public id must be refused";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.code(), core::ErrorCode::kAlreadyExists);
  }
  EXPECT_EQ(Dump(*store), "1:a ");
  EXPECT_EQ(store->CurrentRevision(), 1u);
  EXPECT_EQ(store->MaxJobNumber(), 1u);
  EXPECT_EQ(store->Apply({Mutation::Put(MakeJob(3, "c"))}), 2u);
}

TEST_F(SqliteStoreTest, ConcurrentWritersShareSyncsAndLoseNothing) {
  auto store = Open();
  constexpr int kThreads = 8, kWrites = 40;
  std::vector<std::thread> writers;
  std::mutex mu;
  std::vector<Revision> revisions;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kWrites; ++i) {
        core::JobNumber id = static_cast<core::JobNumber>(t) * kWrites + i + 1;
        Revision r = store->Commit({Mutation::Put(MakeJob(id, "w"))});
        store->Sync(r);
        std::lock_guard lock(mu);
        revisions.push_back(r);
      }
    });
  }
  for (std::thread& w : writers) w.join();
  std::sort(revisions.begin(), revisions.end());
  ASSERT_EQ(revisions.size(), static_cast<size_t>(kThreads * kWrites));
  EXPECT_EQ(std::adjacent_find(revisions.begin(), revisions.end()), revisions.end());
  EXPECT_EQ(revisions.back(), static_cast<Revision>(kThreads * kWrites));
  store.reset();
  auto reopened = Open();
  int count = 0;
  reopened->ForEachJob([&](core::Job&&) { ++count; });
  EXPECT_EQ(count, kThreads * kWrites);
}

}  // namespace
}  // namespace drover::store
