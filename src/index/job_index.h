// JobIndex: the read path for lists. It holds the current state of every job
// in memory and answers a JobQuery with a Page, so filtering, sorting and
// counting never touch the database.
//
// The service keeps it current: a write is applied to the store first, then
// to the index, before it is acknowledged. At start the index is filled from
// the store. Threading: Search may run concurrently with other Searches;
// Upsert/Erase take an exclusive lock.
//
// Snapshots: every Upsert/Erase is one revision. While a continuation is
// pinned (JobQuery::pin), the engine keeps the prior versions of what
// changes, so a query `at` that snapshot answers as the index stood then.
#pragma once

#include <chrono>
#include <memory>
#include <span>

#include "index/query.h"

namespace drover::index {

class JobIndex {
 public:
  virtual ~JobIndex() = default;
  // Adds the job, or replaces the indexed state of the job with its id.
  virtual void Upsert(const core::Job& job) = 0;
  // The work of an UpsertMany that needs no lock (folding, segmenting),
  // done ahead on any thread; null when an engine has none. It may refer
  // to `jobs`, which must stay in place until UpsertMany has used it.
  class Prepared {
   public:
    virtual ~Prepared() = default;
  };
  virtual std::unique_ptr<Prepared> Prepare(std::span<const core::Job> jobs) const {
    (void)jobs;
    return nullptr;
  }
  // Upsert of each, in order. `prepared`, when given, is Prepare(jobs) and
  // is spent by the call (the caller still destroys it); without it, an
  // engine prepares the jobs itself first.
  virtual void UpsertMany(std::span<const core::Job> jobs, Prepared* prepared = nullptr) {
    (void)prepared;
    for (const core::Job& job : jobs) Upsert(job);
  }
  // Removes the job; a missing id is ignored.
  virtual void Erase(core::JobNumber id) = 0;
  virtual Page Search(const JobQuery& query) const = 0;
  // Starts a bulk load (at start, into an empty index) of about `expected`
  // jobs: the Upserts until Optimize, from any number of threads at once,
  // may be held unsearchable and indexed all at once by it.
  virtual void BeginLoad(size_t expected = 0) { (void)expected; }
  // Ends a bulk load, and tidies internal layout; optional otherwise.
  virtual void Optimize() {}
  // Builds every sort order an engine keeps and would otherwise build on the
  // first query that sorts by it (so no query pays for it); meant for a
  // background thread right after the load, while searches and writes go
  // on (a write waits while one order is built). Returns how many it built.
  virtual size_t PrepareSortOrders() { return 0; }
  virtual size_t Size() const = 0;
};

// The reference engine: evaluates every filter against every job. Exact,
// simple, and the oracle that faster engines are tested against.
std::unique_ptr<JobIndex> NewScanIndex();
// How long snapshots stay answerable.
struct HistoryLimits {
  // A pinned snapshot is kept this long after its last use.
  std::chrono::milliseconds token_lifetime = std::chrono::minutes(15);
  // At most this many changes are kept (older snapshots expire first).
  size_t max_changes = 1'000'000;
};

// The reference engine keeps no history: it answers `at` only the current
// snapshot. The production engine: compressed bitmaps per value, slots in
// creation order, prior versions kept while pinned; the same answers as the
// scan engine, in about a millisecond at millions of jobs.
std::unique_ptr<JobIndex> NewColumnIndex(HistoryLimits limits = {});

}  // namespace drover::index
