// SqliteStore: the embedded default Store, one SQLite file in WAL mode.
//
// Group commit: Commit only queues a batch (and shows it to reads by number
// or public id from the queue). Sync leads or waits: one writer at a time
// takes every queued batch and writes them in one SQLite transaction, each
// in a savepoint of its own so a batch that fails undoes only itself; one
// syncer at a time fsyncs the WAL for everything written so far
// (synchronous=NORMAL: SQLite itself syncs only around checkpoints). The
// two overlap — the next group is written while the last one is synced —
// so an acknowledged batch survives kill -9 and power loss, and concurrent
// writers share both the transaction and the fsync.
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
#include <deque>
#include <exception>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/latency_histogram.h"
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

  // How the group commit has gone since open, for GET /metrics: each
  // group's transaction (write and commit, no fsync) and each fsync of the
  // WAL, and how many batches the groups held.
  struct Stats {
    core::LatencyHistogram::Snapshot write;
    core::LatencyHistogram::Snapshot fsync;
    uint64_t batches = 0;
    uint64_t groups = 0;
  };
  Stats GroupCommitStats() const;

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

  // A committed batch waiting to be written.
  struct Queued {
    Revision revision;
    std::vector<Mutation> batch;
  };
  // The newest queued mutation of a record; points into a Queued batch,
  // which stays put until the entry is dropped (std::deque keeps its
  // elements' addresses, also across a swap).
  struct Staged {
    Revision revision;
    const Mutation* mutation;
  };
  // Writes `group` in one transaction and returns the newest revision
  // written; a batch that fails alone is rolled back to its savepoint and
  // added to `failures`. Throws (and writes nothing) when the group fails.
  Revision Write(std::deque<Queued>& group,
                 std::vector<std::pair<Revision, std::exception_ptr>>& failures);
  // Write's body, under mu_: every batch of the group, each in a savepoint
  // of its own when `failures` is given (else a clash fails the group).
  Revision WriteGroup(std::deque<Queued>& group,
                      std::vector<std::pair<Revision, std::exception_ptr>>* failures);
  // Drops the group's entries from the queue's record maps.
  void Unstage(const std::deque<Queued>& group);
  // Writes (and syncs) every batch queued when called; a batch's failure is
  // left for its own Sync.
  void Drain();
  // Sync's loop, without rethrowing the batch's own failure.
  void WaitSynced(Revision revision);
  // Whether a put's public id is held by another record, queued or (for a
  // new record) stored. Needs queue_mu_.
  bool Taken(const Mutation& put, bool is_new);
  // The queued mutation of the record with this number, if any. Needs
  // queue_mu_.
  const Staged* StagedRecord(KindId kind, uint64_t number) const;
  // The record as the queue has it: none when no queued batch touches it,
  // an empty optional inside when one deletes it.
  std::optional<std::optional<Record>> QueuedRecord(KindId kind, uint64_t number) const;

  const std::filesystem::path path_;
  const std::vector<RecordKind> kinds_;
  std::mutex mu_;
  sqlite3* db_;  // the writer connection; guarded by mu_
  // Write's statements, prepared once.
  std::unique_ptr<Statement> begin_;
  std::unique_ptr<Statement> commit_;
  std::unique_ptr<Statement> set_revision_;
  std::unique_ptr<Statement> log_change_;
  std::unique_ptr<Statement> raise_max_number_;
  std::map<KindId, std::unique_ptr<KindStatements>> writer_kinds_;
  std::filesystem::path wal_path_;
  std::atomic<bool> bulk_ = false;  // set: each commit is synced by SQLite itself

  std::mutex readers_mu_;
  std::vector<std::unique_ptr<Reader>> idle_readers_;  // guarded by readers_mu_

  // The queue: batches committed and not yet written, and their records
  // by (kind, number) and (kind, public id) for reads.
  mutable std::mutex queue_mu_;
  std::deque<Queued> queue_;                                     // guarded by queue_mu_
  Revision assigned_ = 0;                                        // guarded by queue_mu_
  std::map<std::pair<KindId, uint64_t>, Staged> staged_;         // guarded by queue_mu_
  std::map<std::pair<KindId, std::string>, Staged> staged_ids_;  // guarded by queue_mu_
  std::atomic<size_t> staged_count_ = 0;  // staged_.size(): reads skip the lock at 0
  // The largest number stored or queued of each kind: a put above it is a
  // new record. Guarded by queue_mu_.
  std::map<KindId, uint64_t> max_numbers_;

  // Who writes and who syncs, and how far each has got.
  struct Waiter {
    std::condition_variable cv;
    bool woken = false;  // guarded by sync_mu_
  };
  // Wakes the waiter of the lowest revision in (after, upto], if any.
  void WakeFirst(Revision after, Revision upto);
  std::mutex sync_mu_;
  std::multimap<Revision, Waiter*> waiters_;  // guarded by sync_mu_: in Sync, by revision
  Revision written_ = 0;  // guarded by sync_mu_: every revision ≤ this is written
  Revision synced_ = 0;   // guarded by sync_mu_: every revision ≤ this is on disk
  bool writing_ = false;  // guarded by sync_mu_: a writer holds a group
  bool syncing_ = false;  // guarded by sync_mu_: a syncer is in fsync
  std::map<Revision, std::exception_ptr> failed_;  // guarded by sync_mu_: until Sync reports it
  int wal_fd_ = -1;                                // guarded by sync_mu_

  core::LatencyHistogram write_latency_;
  core::LatencyHistogram fsync_latency_;
  std::atomic<uint64_t> batches_written_ = 0;
  std::atomic<uint64_t> groups_written_ = 0;
};

}  // namespace drover::store
