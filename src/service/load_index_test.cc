#include "service/load_index.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "core/error.h"
#include "service/job_schema.h"
#include "store/job_codec.h"
#include "store/sqlite_store.h"
#include "testing/temp_dir.h"

namespace drover::service {
namespace {

class LoadIndexTest : public ::testing::Test {
 protected:
  // n jobs, stored in batches; creation times not in id order.
  void Store(int n) {
    auto store = store::SqliteStore::Open(path());
    std::vector<store::Mutation> batch;
    for (int i = 1; i <= n; ++i) {
      core::TrainingJob job;
      job.id = static_cast<core::JobNumber>(i);
      job.public_id = "dlc" + std::to_string(i);
      job.tenant_id = "t";
      job.display_name = (i % 3 ? "train-" : "eval-") + std::to_string(i);
      job.status = i % 2 ? core::TrainingStatus::kRunning : core::TrainingStatus::kSucceeded;
      job.created = 1000 + (i * 7919) % n;
      batch.push_back(store::Put(job));
      if (batch.size() == 1000) store->Apply(std::exchange(batch, {}));
    }
    if (!batch.empty()) store->Apply(batch);
  }
  std::filesystem::path path() const { return dir_.path() / "drover.db"; }

  testing::TempDir dir_;
};

index::Query Query(std::optional<std::string> name, index::SortBy sort, int64_t offset) {
  index::Query q;
  q.exact[JobStrings::kTenant] = {"t"};
  if (name) q.contains[JobStrings::kName] = *name;
  q.sort = sort;
  q.offset = offset;
  q.limit = 50;
  return q;
}

// Every job, in the order and with the answers of a plain one-by-one load.
TEST_F(LoadIndexTest, LoadsEveryJobAsAPlainLoadWould) {
  Store(5000);
  auto store = store::SqliteStore::Open(path());
  std::unique_ptr<index::RecordIndex> loaded = index::NewColumnIndex(service::JobSchema());
  LoadIndex(*store, *loaded, JobSchema());
  std::unique_ptr<index::RecordIndex> plain = index::NewScanIndex(service::JobSchema());
  store::ForEach<core::TrainingJob>(
      *store, [&](core::TrainingJob&& job) { plain->Upsert(JobSchema().Extract(job)); });
  EXPECT_EQ(loaded->Size(), 5000u);
  using index::SortBy;
  for (const index::Query& q :
       {Query(std::nullopt, SortBy(), 0), Query("eval", SortBy::String(JobStrings::kName), 60),
        Query("train-4", SortBy::Number(JobNumbers::kStatus), 0),
        Query(std::nullopt, SortBy(), 4990)}) {
    index::Page want = plain->Search(q);
    index::Page got = loaded->Search(q);
    EXPECT_EQ(got.total, want.total);
    EXPECT_EQ(got.ids, want.ids);
    EXPECT_FALSE(got.ids.empty());
  }
}

// A corrupt document stops the start with the store's error; the indexer
// thread is stopped, not left hanging.
TEST_F(LoadIndexTest, ACorruptDocumentFailsTheLoad) {
  Store(3000);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE jobs SET doc = '{broken' WHERE id = 2500", nullptr, nullptr,
                         nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto store = store::SqliteStore::Open(path());
  std::unique_ptr<index::RecordIndex> index = index::NewColumnIndex(service::JobSchema());
  try {
    LoadIndex(*store, *index, JobSchema());
    FAIL() << "loaded a corrupt store";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.code(), core::ErrorCode::kInternal);
  }
}

}  // namespace
}  // namespace drover::service
