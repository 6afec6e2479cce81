// The column engine, generic over a Schema: every record is a row slot;
// each filterable value has a compressed bitmap of the slots holding it
// (CRoaring), so a query is a few bitmap intersections and unions, then a
// scan of the survivors only for predicates no bitmap answers (ranges,
// substrings). Slots are kept in creation order, so the default sort
// (newest first) is a walk of the final bitmap. Other sorts walk a kept
// order of every row by that key (index/slot_order.h) to the page when the
// candidates are many; few candidates are sorted per query, by a radix
// select then an exact sort (for an enumeration, only the groups the page
// overlaps).
//
// Snapshots: while a continuation is pinned, a change does not overwrite a
// row's postings but moves the old version to a ghost slot (high bit set),
// with postings like any row but outside live_. A query at revision S
// starts from live_ with the rows changed since S swapped for the ghosts
// that held their state at S; every filter and sort then runs unchanged.
//
// Answers are exactly the scan engine's (index/scan_index.cc); the
// differential test (column_index_test.cc) holds them to that, for every
// schema it declares.
//
// The class's parts live by concern:
//   column_index.cc  the RecordIndex calls: locking, writes, search
//   postings.cc      rows in and out of the bitmaps, bulk build, renumbering
//   history.cc       revisions, pins, ghosts: what to use at snapshot S
//   filter.cc        a Query's filters as bitmap operations
//   order.cc         paging in sort order: walks, top-K, kept orders
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <roaring/roaring.hh>
#include <shared_mutex>
#include <unordered_map>

#include "index/column/layout.h"
#include "index/column/postings.h"
#include "index/column/rows.h"
#include "index/record_index.h"
#include "index/slot_order.h"
#include "index/slots_by_key.h"

namespace drover::index::column {

using SteadyClock = std::chrono::steady_clock;

class ColumnIndex final : public RecordIndex {
 public:
  ColumnIndex(const Schema& schema, HistoryLimits limits);
  ~ColumnIndex() override;

  void Upsert(const Entry& entry) override;
  std::unique_ptr<Prepared> Prepare(std::span<const Entry> entries) const override;
  void UpsertMany(std::span<const Entry> entries, Prepared* prepared) override;
  void Erase(uint64_t number) override;
  Page Search(const Query& q) const override;
  std::vector<FacetCount> Facet(FacetOf of, FieldId field, const Query& among) const override;
  void BeginLoad(size_t expected) override;
  void Optimize() override;
  size_t PrepareSortOrders() override;
  size_t Size() const override;
  const Schema& schema() const override { return schema_; }
  size_t MemoryBytes() const override;
  std::map<std::string, uint64_t> Plans() const override;

 private:
  // ==== Rows (column_index.cc) ==============================================
  // A row before its values are interned: what can be worked out without
  // the lock (folding, word segmentation). It refers to its entry.
  // Few allocations of its own: at start-up every record makes one, on
  // two threads, among the index's long-lived allocations.
  class WordsMemo;
  struct Draft {
    const Entry* entry;
    std::string folded_id;            // empty when the same as the public id
    std::string folded_search;        // empty when the same as the search field
    std::vector<std::string> folded;  // by interned position: a contains field's fold
    std::vector<std::string> tags;    // TagTerm(key, value)
    // By words field, sorted: the memo's (which outlives the draft) or own_words'.
    std::vector<const std::vector<std::string>*> words;
    std::vector<std::vector<std::string>> own_words;
  };
  struct Drafts;
  Draft MakeDraft(const Entry& entry, WordsMemo* memo) const;
  Row Intern(Draft&& draft);
  void Apply(Draft&& draft);  // Upsert's change, under the lock
  void Forget(Row& row) { row.FreeBlock(layout_, text_); }
  void CompactText();

  const SlotTable& TableOf(Slot s) const { return s & kGhost ? ghosts_ : rows_; }
  const Row& RowAt(Slot s) const { return TableOf(s).row(s & ~kGhost); }
  int64_t Stored(Slot s, FieldId field) const;                      // a stored number field
  int64_t NumberAt(Slot s, FieldId field, core::TimeMs now) const;  // stored or computed
  std::string_view StringAt(Slot s, FieldId field) const;           // a sortable string field
  std::string_view PublicId(Slot s) const { return RowAt(s).String(layout_, Layout::kPublicId); }
  std::string_view FoldedId(Slot s) const {
    return RowAt(s).StringOr(layout_, Layout::kFoldedId, Layout::kPublicId);
  }
  std::string_view FoldedSearch(Slot s) const {
    return RowAt(s).StringOr(layout_, layout_.folded_search, layout_.stored[schema_.search()]);
  }
  core::TimeMs CreatedAt(Slot s) const { return Stored(s, schema_.created()); }
  bool Before(Slot a, Slot b) const;  // ascending by public id
  auto RowKey() const {
    return [this](Slot s) -> std::string_view { return FoldedId(s); };
  }
  class SlotNumbers;

  // ==== Postings (postings.cc) ==============================================
  template <class F>
  void ForEachFieldPosting(Slot s, F&& f);
  template <class F>
  void ForEachTextTerm(Slot s, F&& f) const;
  Roaring& TextBitmap(int kind, uint32_t key);
  template <class F>
  void ForEachPosting(Slot s, F&& f);
  int TextKinds() const { return layout_.words_count + 2; }  // tags, words…, trigrams
  void AddPostings(Slot slot);
  Slot RemovePostings(Slot slot);         // returns kNoSlot: the old version is not kept
  void MovePostings(Slot from, Slot to);  // every bitmap of `from` but live_
  void DropPostings(Slot slot);           // every bitmap but live_ and the public ids
  void AddAllPostings();
  void AddAllTextPostings();
  void ClearPostings();
  void Renumber();

  // ==== History (history.cc) ================================================
  struct Change {
    uint64_t revision;
    Slot slot;   // the live slot that changed
    Slot ghost;  // its version before the change, kNoSlot if it was new
  };
  bool BeginChange();
  void EndChange(Slot slot, Slot ghost, bool keep);
  Slot Retire(Slot slot);
  void FreeGhost(Slot ghost);
  std::optional<uint64_t> OldestPin() const;
  void Pin(uint64_t revision) const;
  // The index as it stood at a snapshot (or now): its slots, and the
  // lookups bitmaps do not answer (by public id, by number, by creation
  // time), with the ghosts that hold prior versions taken into account, so
  // no filter needs to know of them.
  class Scope {
   public:
    Scope(const ColumnIndex& index, const std::optional<Snapshot>& at);
    const Roaring& slots() const { return at_ ? past_ : index_.live_; }
    Roaring WithPublicIds(const std::vector<std::string>& folded) const;
    Roaring WithNumber(uint64_t number) const;
    // Slots created in [from, to]; only while slots are in creation order.
    Roaring CreatedIn(int64_t from, int64_t to) const;

   private:
    const ColumnIndex& index_;
    bool at_;
    Roaring past_;              // at a snapshot: live_ with the changed rows' ghosts
    std::vector<Slot> ghosts_;  // the ghosts in past_
  };

  // ==== Filtering (filter.cc) ===============================================
  class Conjunction;
  Roaring Filter(const Query& q, const Scope& scope) const;
  Roaring CreatedRange(int64_t from, int64_t to) const;  // live slots, in creation order
  Roaring GroupOf(uint64_t head, const Scope& scope) const;
  void AndTrigrams(Conjunction& all, const std::string& literal) const;
  void AndNumbers(Conjunction& all, FieldId field, int64_t min, int64_t max) const;
  Roaring Visible(const core::Viewer& viewer) const;
  Roaring NamesMatching(NameMatch mode, const std::string& text) const;  // order.cc
  // The kept order of a keepable sort, built now if it is not yet (order.cc).
  const SlotOrder& KeptOrder(SortBy sort) const;
  // Slots in any order as a bitmap (order.cc).
  static Roaring SlotsOf(std::vector<Slot> slots);
  // `answered`: by range, those already answered from a kept order.
  void NarrowByRowPredicates(Roaring& hits, const Query& q,
                             const std::vector<bool>& answered) const;
  bool AnsweredByBitmaps(const Query::Range& range) const;

  // ==== Ordering (order.cc) =================================================
  struct SortKey {
    uint64_t primary;
    uint64_t primary2;  // the next 8 bytes of a string key, else 0
    uint64_t id;
    uint64_t id2;
    Slot slot;
  };
  // Less on slots, as SlotOrder takes it.
  struct SlotLess {
    const ColumnIndex* index;
    SortBy sort;
    bool operator()(Slot a, Slot b) const;
  };
  std::vector<Slot> PageByCreated(const Roaring& hits, const Query& q) const;
  std::vector<Slot> PageBySorting(const Roaring& hits, const Query& q) const;
  std::vector<Slot> PageByGroups(const Roaring& hits, const Query& q) const;
  SortKey KeyOf(Slot slot, SortBy sort, core::TimeMs now, bool one_group = false) const;
  bool Less(const SortKey& a, const SortKey& b, SortBy sort) const;
  std::vector<Slot> TopK(const std::vector<Slot>& slots, const Query& q, int64_t skip,
                         bool one_group = false) const;
  bool Groups(SortBy sort) const;  // an enumeration: paged group by group
  bool Keepable(SortBy sort) const;
  size_t OrderIndex(SortBy sort) const;
  void Reorder(Slot slot);
  void Unorder(Slot slot);
  std::vector<size_t> OrdersMovedBy(Slot slot, const Draft& draft) const;
  const SlotOrder* OrderFor(const Roaring& hits, const Query& q) const;
  std::unique_ptr<SlotOrder> BuildOrder(SortBy sort) const;
  SortBy SortOfOrder(size_t index) const;

  // Searches answered by each plan (Plans()).
  enum Plan { kWalk, kKeptOrder, kGroups, kTopK, kRadix, kNameRange, kValueRange, kPlanCount };
  void Count(Plan plan) const { plans_[plan].fetch_add(1, std::memory_order_relaxed); }
  mutable std::atomic<uint64_t> plans_[kPlanCount] = {};

  const Schema& schema_;
  const Layout layout_;
  const HistoryLimits limits_;
  const uint64_t epoch_;
  std::vector<std::vector<uint64_t>> ranks_;  // by number field: an enumeration's value → rank

  mutable std::shared_mutex mu_;
  // All guarded by mu_.
  uint64_t revision_ = 0;
  uint64_t answerable_from_ = 0;  // snapshots before this revision have no history
  std::deque<Change> history_;    // changes after the oldest pin, by revision
  std::vector<Slot> free_ghosts_;
  // Intern's, reused.
  std::vector<uint32_t> interned_ids_;
  std::vector<uint32_t> interned_terms_;
  std::vector<uint32_t> interned_ends_;
  std::vector<std::string_view> interned_strings_;
  BlockArena text_;   // the rows' blocks
  SlotTable rows_;    // live slots; a deleted record's stays, out of live_
  SlotTable ghosts_;  // by ghost slot & ~kGhost
  SlotMap slot_of_;
  bool created_sorted_ = true;  // slots are in non-decreasing created order
  bool loading_ = false;        // between BeginLoad and Optimize: rows without postings
  Roaring live_;
  std::vector<Postings> strings_;      // by string field (interned ones)
  std::vector<ValueBitmaps> numbers_;  // by number field (bitmaps), by value
  Postings tags_;
  std::vector<Postings> words_;                     // by words field
  std::unordered_map<uint32_t, Roaring> trigrams_;  // of the folded search field
  SlotsByKey by_public_id_;                         // folded public id → live slot
  // By OrderIndex (the last: the folded search field's, for name ranges);
  // built by PrepareSortOrders or a search (under orders_mu_
  // as well), kept current by every write.
  mutable std::mutex orders_mu_;
  mutable std::vector<std::unique_ptr<SlotOrder>> orders_;
  // Pinned snapshots (revision → last use); searches pin under a shared lock.
  mutable std::mutex pins_mu_;
  mutable std::map<uint64_t, SteadyClock::time_point> pins_;
};

}  // namespace drover::index::column
