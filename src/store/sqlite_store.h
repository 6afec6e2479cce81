// SqliteStore: the embedded default Store, one SQLite file in WAL mode.
//
// Group commit (store/group_commit.h): a group of batches is one SQLite
// transaction, each batch in a savepoint of its own when one may clash; the
// flush is one fsync of the WAL (synchronous=NORMAL: SQLite itself syncs
// only around checkpoints). So an acknowledged batch survives kill -9 and
// power loss, and concurrent writers share both the transaction and the
// fsync.
//
// Layout: each registered kind (store/kinds.h) has a table `(id, public_id
// UNIQUE, doc)` of its current records; `changes(revision, op, kind,
// number)` is the one change log; `meta` holds the last revision, the
// largest number of each kind and the layout version. A data dir of an
// earlier layout is migrated when first opened (Open).
//
// Connections: groups are written through one writer connection. Reads
// take a connection of their own from a pool: in WAL mode they neither wait
// for each other nor for a commit in progress, and see every commit that
// returned before they began.
#pragma once

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "store/group_commit.h"
#include "store/kinds.h"

struct sqlite3;

namespace drover::store {

class Statement;

class SqliteStore : public GroupCommitStore {
 public:
  // Opens (creating when absent, migrating when of an earlier layout) the
  // database file at `path`, for records of `kinds` (every registered kind
  // unless a test says otherwise). Throws core::Error(kInternal) when it
  // cannot be opened.
  static std::unique_ptr<SqliteStore> Open(const std::filesystem::path& path,
                                           std::span<const RecordKind> kinds = kRecordKinds);
  ~SqliteStore() override;

  Revision CurrentRevision() override;
  uint64_t MaxNumber(KindId kind) override;
  uint64_t InstallationKey() override;
  void ForEach(KindId kind, const std::function<void(const RecordView&)>& visit) override;
  std::vector<Change> ChangesSince(Revision since) override;

  // Bulk loading (drover import, with no server on the file): a rollback
  // journal instead of the WAL, so appended pages are written once, not
  // once to the WAL and again at checkpoint; every Commit is synced (FULL)
  // before it returns. EndBulkLoad returns to the WAL.
  void BeginBulkLoad() override;
  void EndBulkLoad() override;

 protected:
  void WriteGroup(const std::deque<Queued>& group, Failures* failures) override;
  void WriteAdopted(uint64_t installation_key,
                    const std::map<KindId, uint64_t>& max_numbers) override;
  void Flush() override;
  std::optional<Record> StoredGet(KindId kind, uint64_t number) override;
  std::optional<Record> StoredFind(KindId kind, std::string_view public_id) override;
  std::vector<std::optional<Record>> StoredGetMany(KindId kind,
                                                   const std::vector<uint64_t>& numbers) override;

 private:
  class Reader;
  struct KindStatements;
  SqliteStore(sqlite3* db, std::filesystem::path path, std::span<const RecordKind> kinds);
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
  std::mutex mu_;
  sqlite3* db_;  // the writer connection; guarded by mu_
  // WriteGroup's statements, prepared once.
  std::unique_ptr<Statement> begin_;
  std::unique_ptr<Statement> commit_;
  std::unique_ptr<Statement> set_revision_;
  std::unique_ptr<Statement> log_change_;
  std::unique_ptr<Statement> raise_max_number_;
  std::map<KindId, std::unique_ptr<KindStatements>> writer_kinds_;
  std::filesystem::path wal_path_;
  int wal_fd_ = -1;                 // opened by the first Flush, which alone uses it
  std::atomic<bool> bulk_ = false;  // set: each commit is synced by SQLite itself

  std::mutex readers_mu_;
  std::vector<std::unique_ptr<Reader>> idle_readers_;  // guarded by readers_mu_
};

}  // namespace drover::store
