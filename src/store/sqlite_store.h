// SqliteStore: the embedded default Store, one SQLite file in WAL mode. A
// commit writes its WAL frames without fsync (synchronous=NORMAL, which
// also syncs around checkpoints); Sync fsyncs the WAL file once for every
// commit waiting, so an acknowledged batch survives kill -9 and power loss
// and concurrent writers share one fsync (group commit).
//
// Layout: each registered kind (store/kinds.h) has a table `(id, public_id
// UNIQUE, doc)` of its current records; `changes(revision, op, kind,
// number)` is the one change log; `meta` holds the last revision, the
// largest number of each kind and the layout version. A data dir of an
// earlier layout is migrated when first opened (Open).
//
// Connections: commits go through one writer connection, in turn. Reads
// take a connection of their own from a pool: in WAL mode they neither wait
// for each other nor for a commit in progress, and see every commit that
// returned before they began.
#pragma once

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "store/kinds.h"
#include "store/store.h"

struct sqlite3;

namespace drover::store {

class Statement;

class SqliteStore : public Store {
 public:
  // Opens (creating when absent, migrating when of an earlier layout) the
  // database file at `path`, for records of `kinds` (every registered kind
  // unless a test says otherwise). Throws core::Error(kInternal) when it
  // cannot be opened.
  static std::unique_ptr<SqliteStore> Open(const std::filesystem::path& path,
                                           std::span<const RecordKind> kinds = kRecordKinds);
  ~SqliteStore() override;

  Revision Commit(const std::vector<Mutation>& batch) override;
  void Sync(Revision revision) override;
  Revision CurrentRevision() override;
  uint64_t MaxNumber(KindId kind) override;
  uint64_t InstallationKey() override;
  void ForEach(KindId kind, const std::function<void(const RecordView&)>& visit) override;
  std::optional<Record> Get(KindId kind, uint64_t number) override;
  std::vector<Record> GetMany(KindId kind, const std::vector<uint64_t>& numbers) override;
  std::optional<Record> Find(KindId kind, std::string_view public_id) override;
  std::vector<Change> ChangesSince(Revision since) override;

  // Bulk loading (drover import, with no server on the file): a rollback
  // journal instead of the WAL, so appended pages are written once, not
  // once to the WAL and again at checkpoint; every Commit is synced (FULL)
  // before it returns. EndBulkLoad returns to the WAL.
  void BeginBulkLoad();
  void EndBulkLoad();

 private:
  class Reader;
  struct KindStatements;
  SqliteStore(sqlite3* db, std::filesystem::path path, std::span<const RecordKind> kinds);
  const RecordKind& KindOf(KindId id) const;
  // The writer's statements of a registered kind; throws for another.
  KindStatements& WriterStatements(KindId kind);
  int64_t MetaValue(const char* key);
  // A pooled read connection, returned to the pool when the lease ends.
  struct ReaderDeleter {
    SqliteStore* store;
    void operator()(Reader* reader) const;
  };
  using Lease = std::unique_ptr<Reader, ReaderDeleter>;
  Lease Read();
  void CloseIdleReaders();

  const std::filesystem::path path_;
  const std::vector<RecordKind> kinds_;
  std::mutex mu_;
  sqlite3* db_;  // the writer connection; guarded by mu_
  // Commit's statements, prepared once (parsing them took a good part of
  // a small commit, which runs under the service's write lock).
  std::unique_ptr<Statement> bump_revision_;
  std::unique_ptr<Statement> log_change_;
  std::unique_ptr<Statement> raise_max_number_;
  std::map<KindId, std::unique_ptr<KindStatements>> writer_kinds_;
  std::filesystem::path wal_path_;
  std::atomic<bool> bulk_ = false;  // set: each commit is synced by SQLite itself

  std::mutex readers_mu_;
  std::vector<std::unique_ptr<Reader>> idle_readers_;  // guarded by readers_mu_

  // Group fsync state.
  std::mutex sync_mu_;
  std::condition_variable synced_cv_;
  Revision committed_ = 0;  // guarded by sync_mu_: the newest committed revision
  Revision synced_ = 0;     // guarded by sync_mu_: every revision ≤ this is on disk
  bool syncing_ = false;    // guarded by sync_mu_: a leader is in fsync
  int wal_fd_ = -1;         // guarded by sync_mu_
};

}  // namespace drover::store
