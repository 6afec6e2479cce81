// SqliteStore's own behaviour; the Store contract is store_conformance_test.cc.
#include "store/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "core/error.h"
#include "store/job_codec.h"
#include "store/test_records.h"
#include "testing/error_from.h"
#include "testing/temp_dir.h"

namespace drover::store {
namespace {

class SqliteStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteStore> Open() { return SqliteStore::Open(dir_.path() / "drover.db"); }

  testing::TempDir dir_;
};

using test::Dump;
using test::MakeJob;

TEST_F(SqliteStoreTest, BulkLoadCommitsDurablyAndReturnsToTheWal) {
  {
    auto store = Open();
    store->BeginBulkLoad();
    store->Apply({Put(MakeJob(1, "a")), Put(MakeJob(2, "b"))});
    EXPECT_FALSE(std::filesystem::exists(dir_.path() / "drover.db-wal"));
    store->EndBulkLoad();
    store->Apply({Put(MakeJob(3, "c"))});  // group commit again, through the WAL
    EXPECT_TRUE(std::filesystem::exists(dir_.path() / "drover.db-wal"));
  }
  auto store = Open();
  EXPECT_EQ(Dump(*store), "1:a 2:b 3:c ");
  EXPECT_EQ(*Get<core::TrainingJob>(*store, 2), MakeJob(2, "b"));
}

TEST_F(SqliteStoreTest, ReadsDoNotWaitForACommitInProgress) {
  auto store = Open();
  store->Apply({Put(MakeJob(1, "a"))});
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open((dir_.path() / "drover.db").c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  Revision written = 0;
  std::thread writer([&] { written = store->Apply({Put(MakeJob(2, "b"))}); });
  // The writer is now in Sync, waiting for the lock (for up to its 5 s
  // busy timeout). Were reads to queue behind it, these would wait too,
  // and the writer would time out before the lock is let go below.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(Get<core::TrainingJob>(*store, 1)->display_name, "a");
  EXPECT_EQ(Get<core::TrainingJob>(*store, 2)->display_name, "b");  // from the queue
  EXPECT_EQ(GetMany<core::TrainingJob>(*store, {1, 2}).size(), 2u);
  EXPECT_TRUE(Find<core::TrainingJob>(*store, "dlc-1").has_value());
  ASSERT_EQ(sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);
  writer.join();
  EXPECT_EQ(written, 2u);
  EXPECT_EQ(Get<core::TrainingJob>(*store, 2)->display_name, "b");  // and from the database
}

TEST_F(SqliteStoreTest, ALayoutOneDataDirIsMigratedOnFirstOpen) {
  std::ifstream dump(std::filesystem::path(DROVER_SOURCE_DIR) / "src/store/testdata/v1_store.sql");
  ASSERT_TRUE(dump) << "the layout-1 dump";
  std::string sql((std::istreambuf_iterator<char>(dump)), std::istreambuf_iterator<char>());
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_.path() / "drover.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  for (int open = 0; open < 2; ++open) {  // the second open finds layout 2
    auto store = Open();
    EXPECT_EQ(store->CurrentRevision(), 10u + static_cast<Revision>(open));
    EXPECT_EQ(MaxNumber<core::TrainingJob>(*store), 2u + static_cast<uint64_t>(open));
    std::optional<core::TrainingJob> first = Find<core::TrainingJob>(*store, "dlc03w3q2jmkir4f");
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->id, 1u);
    EXPECT_EQ(first->display_name, "old-job-1");
    EXPECT_EQ(first->status, core::TrainingStatus::kSucceeded);
    EXPECT_EQ(first->tags.at("team"), "a");
    ASSERT_EQ(first->pods.size(), 1u);
    EXPECT_EQ(first->pods[0].exit_code, 0);
    EXPECT_EQ(Get<core::TrainingJob>(*store, 2)->public_id, "dlc1mih7vkfeqg3s");
    std::vector<Change> changes = store->ChangesSince(0);
    ASSERT_EQ(changes.size(), 10u + static_cast<size_t>(open));
    for (const Change& c : changes) {
      EXPECT_EQ(c.kind, kTrainingJob.id);
      EXPECT_EQ(c.op, Mutation::Op::kPut);
    }
    EXPECT_EQ(changes[4].number, 2u);  // revision 5 put job 2
    if (open == 0) {
      core::TrainingJob third = MakeJob(3, "new");
      EXPECT_EQ(store->Apply({Put(third)}), 11u);
    }
  }
}

}  // namespace
}  // namespace drover::store
