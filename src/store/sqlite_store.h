// SqliteStore: the embedded default Store, one SQLite file in WAL mode. A
// commit writes its WAL frames without fsync (synchronous=NORMAL, which
// also syncs around checkpoints); Sync fsyncs the WAL file once for every
// commit waiting, so an acknowledged batch survives kill -9 and power loss
// and concurrent writers share one fsync (group commit).
//
// Schema: `jobs(id, public_id UNIQUE, doc)` holds the current state (doc is
// store/job_codec's form); `changes(revision, kind, job_id)` is the change
// log; `meta` holds the last revision. One connection, guarded by a mutex.
#pragma once

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>

#include "store/store.h"

struct sqlite3;

namespace drover::store {

class Statement;

class SqliteStore : public Store {
 public:
  // Opens (creating when absent) the database file at `path`.
  // Throws core::Error(kInternal) when it cannot be opened.
  static std::unique_ptr<SqliteStore> Open(const std::filesystem::path& path);
  ~SqliteStore() override;

  Revision Commit(const std::vector<Mutation>& batch) override;
  void Sync(Revision revision) override;
  Revision CurrentRevision() override;
  core::JobNumber MaxJobNumber() override;
  uint64_t InstallationKey() override;
  void ForEachJob(const std::function<void(core::Job&&)>& visit) override;
  std::optional<core::Job> GetJob(core::JobNumber id) override;
  std::vector<core::Job> GetJobs(const std::vector<core::JobNumber>& ids) override;
  std::optional<core::Job> FindJob(std::string_view public_id) override;
  std::vector<Change> ChangesSince(Revision since) override;

  // Bulk loading (drover import, with no server on the file): a rollback
  // journal instead of the WAL, so appended pages are written once, not
  // once to the WAL and again at checkpoint; every Commit is synced (FULL)
  // before it returns. EndBulkLoad returns to the WAL.
  void BeginBulkLoad();
  void EndBulkLoad();

 private:
  explicit SqliteStore(sqlite3* db);
  // One job by internal number; caller holds mu_.
  std::optional<core::Job> ReadJob(core::JobNumber id);

  std::mutex mu_;
  sqlite3* db_;  // guarded by mu_
  // Reads prepared once (page reads call them per listed job); guarded by mu_.
  std::unique_ptr<Statement> get_by_id_;
  std::unique_ptr<Statement> get_by_public_id_;
  // Commit's statements, prepared once (parsing them took a good part of
  // a small commit, which runs under the service's write lock).
  std::unique_ptr<Statement> bump_revision_;
  std::unique_ptr<Statement> put_job_;
  std::unique_ptr<Statement> delete_job_;
  std::unique_ptr<Statement> log_change_;
  std::unique_ptr<Statement> raise_max_number_;
  std::filesystem::path wal_path_;
  std::atomic<bool> bulk_ = false;  // set: each commit is synced by SQLite itself

  // Group fsync state.
  std::mutex sync_mu_;
  std::condition_variable synced_cv_;
  Revision committed_ = 0;  // guarded by sync_mu_: the newest committed revision
  Revision synced_ = 0;     // guarded by sync_mu_: every revision ≤ this is on disk
  bool syncing_ = false;    // guarded by sync_mu_: a leader is in fsync
  int wal_fd_ = -1;         // guarded by sync_mu_
};

}  // namespace drover::store
