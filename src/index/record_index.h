// RecordIndex: the read path for lists of one kind of record. It holds the
// current state of every record in memory and answers a Query with a Page,
// so filtering, sorting and counting never touch the database. An engine is
// made for one Schema (index/schema.h) and takes records as its Entries.
//
// The service keeps it current: a write is applied to the store first, then
// to the index, before it is acknowledged. At start the index is filled from
// the store. Threading: Search may run concurrently with other Searches;
// Upsert/Erase take an exclusive lock.
//
// Snapshots: every Upsert/Erase is one revision. While a continuation is
// pinned (Query::pin), the engine keeps the prior versions of what
// changes, so a query `at` that snapshot answers as the index stood then.
#pragma once

#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "index/query.h"

namespace drover::index {

class RecordIndex {
 public:
  virtual ~RecordIndex() = default;
  // Adds the record, or replaces the indexed state of the record with its number.
  virtual void Upsert(const Entry& entry) = 0;
  // The work of an UpsertMany that needs no lock (folding, segmenting),
  // done ahead on any thread; null when an engine has none. It may refer
  // to `entries`, which must stay in place until UpsertMany has used it.
  class Prepared {
   public:
    virtual ~Prepared() = default;
  };
  virtual std::unique_ptr<Prepared> Prepare(std::span<const Entry> entries) const {
    (void)entries;
    return nullptr;
  }
  // Upsert of each, in order. `prepared`, when given, is Prepare(entries)
  // and is spent by the call (the caller still destroys it); without it,
  // an engine prepares the entries itself first.
  virtual void UpsertMany(std::span<const Entry> entries, Prepared* prepared = nullptr) {
    (void)prepared;
    for (const Entry& entry : entries) Upsert(entry);
  }
  // Removes the record; a missing number is ignored.
  virtual void Erase(uint64_t number) = 0;
  virtual Page Search(const Query& query) const = 0;
  // A facet: the distinct non-empty values of a string field (exact or
  // contains), or the words of a words field, among the records `among`
  // matches (its order and paging are ignored), each with how many of them
  // hold it; sorted by value. A contains field's values come case-folded,
  // as it matches them. Counts come from postings, not from rows.
  enum class FacetOf { kString, kWords };
  struct FacetCount {
    std::string value;
    int64_t count = 0;
    bool operator==(const FacetCount&) const = default;
  };
  virtual std::vector<FacetCount> Facet(FacetOf of, FieldId field, const Query& among) const = 0;
  // Starts a bulk load (at start, into an empty index) of about `expected`
  // records: the Upserts until Optimize, from any number of threads at
  // once, may be held unsearchable and indexed all at once by it.
  virtual void BeginLoad(size_t expected = 0) { (void)expected; }
  // Ends a bulk load, and tidies internal layout; optional otherwise.
  virtual void Optimize() {}
  // Builds every sort order an engine keeps and would otherwise build on the
  // first query that sorts by it (so no query pays for it); meant for a
  // background thread right after the load, while searches and writes go
  // on (a write waits while one order is built). Returns how many it built.
  virtual size_t PrepareSortOrders() { return 0; }
  virtual size_t Size() const = 0;
  // The heap bytes the engine holds, estimated from its structures'
  // capacities (bitmaps by their serialized size); 0 when an engine does
  // not count. For GET /metrics.
  virtual size_t MemoryBytes() const { return 0; }
  virtual const Schema& schema() const = 0;
  // How many searches each of an engine's plans has answered (its names are
  // the engine's), so a test can tell that it exercised every one.
  virtual std::map<std::string, uint64_t> Plans() const { return {}; }
};

// The reference engine: evaluates every filter against every record.
// Exact, simple, and the oracle that faster engines are tested against. It
// keeps no history: it answers `at` only the current snapshot.
std::unique_ptr<RecordIndex> NewScanIndex(const Schema& schema);

// How long snapshots stay answerable.
struct HistoryLimits {
  // A pinned snapshot is kept this long after its last use.
  std::chrono::milliseconds token_lifetime = std::chrono::minutes(15);
  // At most this many changes are kept (older snapshots expire first).
  size_t max_changes = 1'000'000;
};

// The production engine (index/column/): compressed bitmaps per value,
// slots in creation order, prior versions kept while pinned; the same
// answers as the scan engine, in about a millisecond at millions of
// records. `schema` must outlive it.
std::unique_ptr<RecordIndex> NewColumnIndex(const Schema& schema, HistoryLimits limits = {});

}  // namespace drover::index
