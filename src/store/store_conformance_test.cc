// The Store's contract, run against every backend: SQLite (a file in a
// temp dir) and PostgreSQL (a fresh database on the tests' server,
// testing/postgres.h). A backend's own behaviour is tested beside it
// (sqlite_store_test.cc, postgres_store_test.cc).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <thread>

#include "core/error.h"
#include "store/job_codec.h"
#include "store/postgres_store.h"
#include "store/sqlite_store.h"
#include "store/test_records.h"
#include "testing/error_from.h"
#include "testing/postgres.h"
#include "testing/temp_dir.h"

namespace drover::store {
namespace {

enum class Backend { kSqlite, kPostgres };

class StoreConformance : public ::testing::TestWithParam<Backend> {
 protected:
  // The test's store, as it was left by the last one closed.
  std::unique_ptr<GroupCommitStore> Open(std::span<const RecordKind> kinds = kRecordKinds) {
    if (GetParam() == Backend::kSqlite) return SqliteStore::Open(dir_.path() / "drover.db", kinds);
    if (!database_) database_ = std::make_unique<testing::PostgresDatabase>();
    return PostgresStore::Open(database_->url(), kinds);
  }
  // Another store, new and empty.
  std::unique_ptr<GroupCommitStore> OpenOther() {
    if (GetParam() == Backend::kSqlite) return SqliteStore::Open(dir_.path() / "other.db");
    other_database_ = std::make_unique<testing::PostgresDatabase>();
    return PostgresStore::Open(other_database_->url());
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::PostgresDatabase> database_;
  std::unique_ptr<testing::PostgresDatabase> other_database_;
};

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformance,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
                         });

using test::Dump;
using test::MakeJob;

TEST_P(StoreConformance, AppliesBatchesWithIncreasingRevisions) {
  auto store = Open();
  EXPECT_EQ(store->CurrentRevision(), 0u);
  EXPECT_EQ(store->Apply({Put(MakeJob(1, "a")), Put(MakeJob(2, "b"))}), 1u);
  EXPECT_EQ(store->Apply({Put(MakeJob(1, "a2"))}), 2u);
  EXPECT_EQ(store->Apply({Delete<core::TrainingJob>(2)}), 3u);
  EXPECT_EQ(Dump(*store), "1:a2 ");
  EXPECT_EQ(MaxNumber<core::TrainingJob>(*store), 2u);
  EXPECT_EQ(Get<core::TrainingJob>(*store, 1)->display_name, "a2");
  EXPECT_FALSE(Get<core::TrainingJob>(*store, 2).has_value());
  EXPECT_EQ(Find<core::TrainingJob>(*store, "dlc-1")->id, 1u);
  EXPECT_FALSE(Find<core::TrainingJob>(*store, "dlc-2").has_value());

  std::vector<Change> changes = store->ChangesSince(1);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].revision, 2u);
  EXPECT_EQ(changes[1].op, Mutation::Op::kDelete);
  EXPECT_EQ(changes[1].kind, kTrainingJob.id);
  EXPECT_EQ(changes[1].number, 2u);
}

TEST_P(StoreConformance, TheInstallationKeyIsRandomAndKeptForever) {
  uint64_t key = Open()->InstallationKey();
  EXPECT_EQ(Open()->InstallationKey(), key);
  auto other = OpenOther();
  EXPECT_NE(other->InstallationKey(), key);
}

TEST_P(StoreConformance, StateSurvivesReopen) {
  {
    auto store = Open();
    store->Apply({Put(MakeJob(1, "a")), Put(MakeJob(5, "e"))});
    store->Apply({Delete<core::TrainingJob>(5)});
  }
  auto store = Open();
  EXPECT_EQ(Dump(*store), "1:a ");
  EXPECT_EQ(store->CurrentRevision(), 2u);
  EXPECT_EQ(MaxNumber<core::TrainingJob>(*store), 5u);  // a deleted number is never reused
  EXPECT_EQ(*Get<core::TrainingJob>(*store, 1), MakeJob(1, "a"));
}

TEST_P(StoreConformance, FailedBatchAppliesNothing) {
  auto store = Open();
  store->Apply({Put(MakeJob(1, "a"))});
  core::TrainingJob clash = MakeJob(2, "b");
  clash.public_id = "dlc-1";  // taken by job 1
  try {
    store->Apply({Put(MakeJob(3, "c")), Put(clash)});
    FAIL() << "a duplicate public id must be refused";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.code(), core::ErrorCode::kAlreadyExists);
  }
  EXPECT_EQ(Dump(*store), "1:a ");
  EXPECT_EQ(store->CurrentRevision(), 1u);
  EXPECT_EQ(MaxNumber<core::TrainingJob>(*store), 1u);
  EXPECT_EQ(store->Apply({Put(MakeJob(3, "c"))}), 2u);
}

// Commit only queues: reads by number and public id see a queued batch at
// once, a queued delete hides the stored record, and a public id a queued
// batch holds is refused at Commit.
TEST_P(StoreConformance, ReadsSeeQueuedBatches) {
  auto store = Open();
  store->Apply({Put(MakeJob(1, "a")), Put(MakeJob(2, "b"))});
  Revision put = store->Commit({Put(MakeJob(3, "c")), Put(MakeJob(1, "a2"))});
  Revision del = store->Commit({Delete<core::TrainingJob>(2)});
  EXPECT_EQ(Get<core::TrainingJob>(*store, 3)->display_name, "c");
  EXPECT_EQ(Find<core::TrainingJob>(*store, "dlc-1")->display_name, "a2");
  EXPECT_FALSE(Get<core::TrainingJob>(*store, 2).has_value());
  EXPECT_FALSE(Find<core::TrainingJob>(*store, "dlc-2").has_value());
  std::vector<core::TrainingJob> page = GetMany<core::TrainingJob>(*store, {3, 2, 1});
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].display_name, "c");
  EXPECT_EQ(page[1].display_name, "a2");

  core::TrainingJob clash = MakeJob(4, "d");
  clash.public_id = "dlc-3";  // held by the queued job 3
  EXPECT_EQ(drover::testing::ErrorFrom([&] { store->Commit({Put(clash)}); }).code(),
            core::ErrorCode::kAlreadyExists);

  store->Sync(del);
  store->Sync(put);  // already written and synced with the later one
  EXPECT_EQ(Dump(*store), "1:a2 3:c ");
  EXPECT_EQ(store->CurrentRevision(), del);
}

// Batches queued together are written together. A new record's public id
// is checked at Commit; a stored record renamed to a taken id is found only
// when written: that batch fails alone, reported by its own Sync (its
// revision left unused), and the batches around it are kept.
TEST_P(StoreConformance, AFailedBatchInAGroupUndoesOnlyItself) {
  auto store = Open();
  store->Apply({Put(MakeJob(1, "a")), Put(MakeJob(3, "c"))});
  core::TrainingJob fresh = MakeJob(6, "f");
  fresh.public_id = "dlc-1";
  EXPECT_EQ(drover::testing::ErrorFrom([&] { store->Commit({Put(fresh)}); }).code(),
            core::ErrorCode::kAlreadyExists);
  core::TrainingJob renamed = MakeJob(3, "c2");
  renamed.public_id = "dlc-1";
  Revision before = store->Commit({Put(MakeJob(2, "b"))});
  Revision failing = store->Commit({Put(MakeJob(4, "d")), Put(renamed)});
  Revision after = store->Commit({Put(MakeJob(5, "e"))});
  store->Sync(after);  // writes the whole group
  store->Sync(before);
  EXPECT_EQ(drover::testing::ErrorFrom([&] { store->Sync(failing); }).code(),
            core::ErrorCode::kAlreadyExists);
  EXPECT_EQ(Dump(*store), "1:a 2:b 3:c 5:e ");
  EXPECT_EQ(store->CurrentRevision(), after);
  EXPECT_EQ(Find<core::TrainingJob>(*store, "dlc-3")->display_name, "c");
  std::vector<Change> changes = store->ChangesSince(1);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].revision, before);
  EXPECT_EQ(changes[1].revision, after);
}

// A batch committed and never synced is still written when the store
// closes (it was never acknowledged; nothing requires it, but nothing is
// thrown away either).
TEST_P(StoreConformance, ClosingWritesWhatIsQueued) {
  {
    auto store = Open();
    store->Commit({Put(MakeJob(1, "a"))});
  }
  EXPECT_EQ(Dump(*Open()), "1:a ");
}

TEST_P(StoreConformance, ConcurrentWritersShareSyncsAndLoseNothing) {
  auto store = Open();
  constexpr int kThreads = 8, kWrites = 40;
  std::vector<std::thread> writers;
  std::mutex mu;
  std::vector<Revision> revisions;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kWrites; ++i) {
        core::JobNumber id = static_cast<core::JobNumber>(t) * kWrites + i + 1;
        Revision r = store->Commit({Put(MakeJob(id, "w"))});
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
  ForEach<core::TrainingJob>(*reopened, [&](core::TrainingJob&&) { ++count; });
  EXPECT_EQ(count, kThreads * kWrites);
}

// A record is readable from the moment Commit returns — from the queue,
// then from the database — with no gap while a group is written and the
// queue lets go of it, however the writers interleave.
TEST_P(StoreConformance, ACommittedRecordIsNeverMissingToReads) {
  auto store = Open();
  constexpr int kThreads = 6, kWrites = 60;
  std::atomic<int> missing = 0;
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kWrites; ++i) {
        core::JobNumber id = static_cast<core::JobNumber>(t) * kWrites + i + 1;
        Revision r = store->Commit({Put(MakeJob(id, "w"))});
        for (int read = 0; read < 3; ++read) {
          if (!Get<core::TrainingJob>(*store, id)) ++missing;
          if (!Find<core::TrainingJob>(*store, "dlc-" + std::to_string(id))) ++missing;
          if (read == 1) store->Sync(r);
        }
      }
    });
  }
  for (std::thread& w : writers) w.join();
  EXPECT_EQ(missing.load(), 0);
  int count = 0;
  ForEach<core::TrainingJob>(*store, [&](core::TrainingJob&&) { ++count; });
  EXPECT_EQ(count, kThreads * kWrites);
}

// New records' public ids are looked up among the stored outside the
// store's lock, reserved meanwhile: of commits racing for one id, exactly
// one wins, also against an id already stored.
TEST_P(StoreConformance, RacingCommitsOfOnePublicIdAdmitOne) {
  auto store = Open();
  store->Apply({Put(MakeJob(1, "stored"))});
  constexpr int kThreads = 8;
  for (const char* id : {"dlc-race", "dlc-1"}) {
    std::atomic<int> won = 0, refused = 0;
    std::vector<std::thread> racers;
    static core::JobNumber next = 100;
    for (int t = 0; t < kThreads; ++t) {
      core::TrainingJob job = MakeJob(next++, "racer");
      job.public_id = id;
      racers.emplace_back([&, job] {
        try {
          store->Sync(store->Commit({Put(job)}));
          ++won;
        } catch (const core::Error& e) {
          EXPECT_EQ(e.code(), core::ErrorCode::kAlreadyExists) << e.what();
          ++refused;
        }
      });
    }
    for (std::thread& r : racers) r.join();
    EXPECT_EQ(won.load(), std::string(id) == "dlc-race" ? 1 : 0) << id;
    EXPECT_EQ(won + refused, kThreads);
  }
  EXPECT_EQ(Find<core::TrainingJob>(*store, "dlc-1")->display_name, "stored");
}

// Two kinds of record, as a test registers them: a batch spans both, and
// numbers and public ids are each kind's own.
constexpr RecordKind kNotes{901, "note", "test_notes"};
constexpr RecordKind kTestKinds[] = {kTrainingJob, kNotes};

Mutation Note(uint64_t number, std::string public_id, std::string doc) {
  return Mutation::Put(kNotes.id, Record{number, std::move(public_id), std::move(doc)});
}

TEST_P(StoreConformance, ABatchSpansKindsAtomically) {
  auto store = Open(kTestKinds);
  // The same number and public id in two kinds are two records.
  EXPECT_EQ(store->Apply({Put(MakeJob(1, "a")), Note(1, "dlc-1", "first note")}), 1u);
  EXPECT_EQ(store->Get(kNotes.id, 1)->doc, "first note");
  EXPECT_EQ(Get<core::TrainingJob>(*store, 1)->display_name, "a");
  EXPECT_EQ(store->MaxNumber(kNotes.id), 1u);

  // A clash in one kind undoes the batch in every kind.
  core::Error clash = drover::testing::ErrorFrom([&] {
    store->Apply({Put(MakeJob(2, "b")), Note(2, "dlc-1", "clashes with note 1")});
  });
  EXPECT_EQ(clash.code(), core::ErrorCode::kAlreadyExists);
  EXPECT_FALSE(Get<core::TrainingJob>(*store, 2).has_value());
  EXPECT_FALSE(store->Get(kNotes.id, 2).has_value());
  EXPECT_EQ(store->MaxNumber(kTrainingJob.id), 1u);
  EXPECT_EQ(store->CurrentRevision(), 1u);

  // One change log, one revision sequence, for both kinds.
  store->Apply(
      {store->Find(kNotes.id, "dlc-1") ? Mutation::Delete(kNotes.id, 1) : Note(9, "x", "")});
  std::vector<Change> changes = store->ChangesSince(0);
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].kind, kTrainingJob.id);
  EXPECT_EQ(changes[1].kind, kNotes.id);
  EXPECT_EQ(changes[2].revision, 2u);
  EXPECT_EQ(changes[2].op, Mutation::Op::kDelete);
  EXPECT_EQ(changes[2].kind, kNotes.id);

  // A kind the store does not keep is refused, and nothing is applied.
  core::Error unknown = drover::testing::ErrorFrom([&] {
    store->Apply({Put(MakeJob(3, "c")), Mutation::Put(77, Record{1, "y", ""})});
  });
  EXPECT_EQ(unknown.code(), core::ErrorCode::kInternal);
  EXPECT_FALSE(Get<core::TrainingJob>(*store, 3).has_value());
}

// Reads take their own connections: a write waiting for the database's
// write lock (held here by another connection) holds up no read, and reads
// see what was committed, written or queued.
// A data dir written by the release before kinds of record (layout 1: one
// `jobs` table, a change log without kinds), dumped by that release's
// binary after two jobs ran, opens and serves unchanged; its numbering and
// revisions go on.
}  // namespace
}  // namespace drover::store
