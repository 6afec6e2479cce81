// JobIndex: the read path for lists. It holds the current state of every job
// in memory and answers a JobQuery with a Page, so filtering, sorting and
// counting never touch the database.
//
// The service keeps it current: a write is applied to the store first, then
// to the index, before it is acknowledged. At start the index is filled from
// the store. Threading: Search may run concurrently with other Searches;
// Upsert/Erase take an exclusive lock.
#pragma once

#include <memory>

#include "index/query.h"

namespace drover::index {

class JobIndex {
 public:
  virtual ~JobIndex() = default;
  // Adds the job, or replaces the indexed state of the job with its id.
  virtual void Upsert(const core::Job& job) = 0;
  // Removes the job; a missing id is ignored.
  virtual void Erase(core::JobNumber id) = 0;
  virtual Page Search(const JobQuery& query) const = 0;
  // Tidies internal layout after a bulk load (e.g. at start); optional.
  virtual void Optimize() {}
  virtual size_t Size() const = 0;
};

// The reference engine: evaluates every filter against every job. Exact,
// simple, and the oracle that faster engines are tested against.
std::unique_ptr<JobIndex> NewScanIndex();

// The production engine: compressed bitmaps per value, slots in creation
// order; the same answers as the scan engine, in about a millisecond at
// millions of jobs.
std::unique_ptr<JobIndex> NewColumnIndex();

}  // namespace drover::index
