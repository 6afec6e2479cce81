// GroupCommitStore: the part of a Store every backend shares — the queue of
// committed batches, reads that see it, and the group commit that writes it.
//
// Commit only queues a batch (and shows it to reads by number or public id
// from the queue). Sync leads or waits: one writer at a time takes every
// queued batch and hands them to the backend to write in one transaction
// (WriteGroup); then, for a backend whose commit is not durable by itself,
// one syncer at a time makes everything written durable (Flush). The two
// overlap — the next group is written while the last one is flushed — so
// concurrent writers share both the transaction and the flush.
//
// A backend (SqliteStore, PostgresStore) keeps the records: it writes a
// group, flushes, and reads what is stored. Its destructor must call Drain
// first (the base's cannot: the backend is gone by then).
//
// When the backend is unreachable (WriteGroup throws kUnavailable), the
// group goes back to the head of the queue unwritten; the Syncs waiting on
// it throw kUnavailable, and Commit refuses new batches (kUnavailable,
// nothing queued) until the backend Recovers. The queued batches are then
// written in order, so the records their requests already showed are kept.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/latency_histogram.h"
#include "store/kinds.h"
#include "store/store.h"

namespace drover::store {

class GroupCommitStore : public Store {
 public:
  Revision Commit(const std::vector<Mutation>& batch) final;
  void Sync(Revision revision) final;
  std::optional<Record> Get(KindId kind, uint64_t number) final;
  std::vector<Record> GetMany(KindId kind, const std::vector<uint64_t>& numbers) final;
  std::optional<Record> Find(KindId kind, std::string_view public_id) final;

  // How the group commit has gone since open, for GET /metrics: each
  // group's transaction (write and commit) and each flush, and how many
  // batches the groups held.
  struct Stats {
    core::LatencyHistogram::Snapshot write;
    core::LatencyHistogram::Snapshot flush;
    uint64_t batches = 0;
    uint64_t groups = 0;
  };
  Stats GroupCommitStats() const;

  // Bulk loading (drover import, one loader alone on the store): a
  // backend may write differently meanwhile (SQLite leaves its WAL).
  // Every Commit is still durable once synced.
  virtual void BeginBulkLoad() {}
  virtual void EndBulkLoad() {}

  // drover migrate: takes on another store's installation key and each
  // kind's largest number (so that a number deleted there is not reused
  // here). For a store nothing else writes to.
  void Adopt(uint64_t installation_key, const std::map<KindId, uint64_t>& max_numbers);

 protected:
  // `commit_is_durable`: the backend's WriteGroup returns only once the
  // group is on stable storage (no Flush step).
  GroupCommitStore(std::span<const RecordKind> kinds, bool commit_is_durable);

  // Called by the backend's Open: the newest revision stored and the
  // largest number of each kind.
  void Resume(Revision revision, const std::map<KindId, uint64_t>& max_numbers);
  const RecordKind& KindOf(KindId id) const;
  std::span<const RecordKind> Kinds() const { return kinds_; }
  // Writes (and flushes) every batch queued when called; a batch's failure
  // is left for its own Sync.
  void Drain();

  struct Queued {
    Revision revision;
    std::vector<Mutation> batch;
  };
  using Failures = std::vector<std::pair<Revision, std::exception_ptr>>;

  // Writes every batch of `group` in one transaction, in order, each all
  // or nothing, and the newest revision with them. With `failures` given,
  // each batch in a savepoint of its own: one whose public id clashes
  // (kAlreadyExists) is undone alone and listed there. Without, a clash
  // throws kAlreadyExists and nothing is written. Throws kUnavailable when
  // the backend cannot be reached (nothing, or all, written: a batch whose
  // revision the backend already has is skipped on the next try), anything
  // else on another failure (nothing written).
  virtual void WriteGroup(const std::deque<Queued>& group, Failures* failures) = 0;
  // Makes everything written so far durable; throws kInternal when it
  // cannot. Not called when the commit is durable by itself.
  virtual void Flush() = 0;
  // Adopt's write: the installation key replaced, the numbers raised.
  virtual void WriteAdopted(uint64_t installation_key,
                            const std::map<KindId, uint64_t>& max_numbers) = 0;
  // After kUnavailable: true once the backend can be reached again.
  virtual bool Recover() { return true; }
  // What is stored (the queue aside). Read at one point in time.
  virtual std::optional<Record> StoredGet(KindId kind, uint64_t number) = 0;
  virtual std::optional<Record> StoredFind(KindId kind, std::string_view public_id) = 0;
  // The numbers of the stored records holding these public ids (nullopt:
  // none), by position; Commit's check of new records. By default one
  // StoredFind each.
  using PublicId = std::pair<KindId, std::string_view>;
  virtual std::vector<std::optional<uint64_t>> StoredNumbers(const std::vector<PublicId>& ids);
  // The stored records of these numbers, by position (nullopt: none stored).
  virtual std::vector<std::optional<Record>> StoredGetMany(
      KindId kind, const std::vector<uint64_t>& numbers) = 0;

 private:
  // The newest queued mutation of a record; points into a Queued batch,
  // which stays put until the entry is dropped (std::deque keeps its
  // elements' addresses, also across a swap).
  struct Staged {
    Revision revision;
    const Mutation* mutation;
  };
  // WriteGroup, and again with a savepoint per batch after a clash.
  void Write(std::deque<Queued>& group, Failures& failures);
  // Drops the group's entries from the queue's record maps.
  void Unstage(const std::deque<Queued>& group);
  // Sync's loop, without rethrowing the batch's own failure.
  void WaitSynced(Revision revision);
  // Whether a put's public id is held by another queued record, or
  // reserved by a Commit in progress. Needs queue_mu_.
  bool TakenInQueue(const Mutation& put) const;
  // Whether the stored record `holder`, which had the put's public id when
  // read, still holds it, the queue considered. Needs queue_mu_.
  bool HeldByStored(const Mutation& put, uint64_t holder) const;
  // The queued mutation of the record with this number, if any. Needs
  // queue_mu_.
  const Staged* StagedRecord(KindId kind, uint64_t number) const;
  // The record as the queue has it: none when no queued batch touches it,
  // an empty optional inside when one deletes it.
  std::optional<std::optional<Record>> QueuedRecord(KindId kind, uint64_t number) const;
  // Throws kUnavailable while the backend is down and not yet recovered.
  void CheckAvailable();

  const std::vector<RecordKind> kinds_;
  const bool commit_is_durable_;

  // The queue: batches committed and not yet written, and their records
  // by (kind, number) and (kind, public id) for reads.
  mutable std::mutex queue_mu_;
  std::deque<Queued> queue_;                                     // guarded by queue_mu_
  Revision assigned_ = 0;                                        // guarded by queue_mu_
  std::map<std::pair<KindId, uint64_t>, Staged> staged_;         // guarded by queue_mu_
  std::map<std::pair<KindId, std::string>, Staged> staged_ids_;  // guarded by queue_mu_
  // New records' public ids a Commit is looking up among the stored.
  std::set<std::pair<KindId, std::string>> reserved_ids_;  // guarded by queue_mu_
  std::atomic<size_t> staged_count_ = 0;  // staged_.size(): reads skip the lock at 0
  // The largest number stored or queued of each kind: a put above it is a
  // new record. Guarded by queue_mu_.
  std::map<KindId, uint64_t> max_numbers_;

  // Who writes and who flushes, and how far each has got.
  struct Waiter {
    std::condition_variable cv;
    bool woken = false;  // guarded by sync_mu_
  };
  // Wakes the waiter of the lowest revision in (after, upto], if any.
  void WakeFirst(Revision after, Revision upto);
  // Wakes every waiter of a revision ≤ upto.
  void WakeUpTo(Revision upto);
  std::mutex sync_mu_;
  std::multimap<Revision, Waiter*> waiters_;  // guarded by sync_mu_: in Sync, by revision
  Revision written_ = 0;   // guarded by sync_mu_: every revision ≤ this is written
  Revision synced_ = 0;    // guarded by sync_mu_: every revision ≤ this is durable
  bool writing_ = false;   // guarded by sync_mu_: a writer holds a group
  bool flushing_ = false;  // guarded by sync_mu_: a syncer is in Flush
  std::map<Revision, std::exception_ptr> failed_;  // guarded by sync_mu_: until Sync reports it
  // The backend is down: set by a writer that met kUnavailable, cleared by
  // a Recover.
  std::atomic<bool> unavailable_ = false;
  std::mutex recover_mu_;
  std::chrono::steady_clock::time_point last_recover_;  // guarded by recover_mu_

  core::LatencyHistogram write_latency_;
  core::LatencyHistogram flush_latency_;
  std::atomic<uint64_t> batches_written_ = 0;
  std::atomic<uint64_t> groups_written_ = 0;
};

}  // namespace drover::store
