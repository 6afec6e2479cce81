// The column engine: every job is a row slot; each filterable value has a
// compressed bitmap of the slots holding it (CRoaring), so a query is a few
// bitmap intersections and unions, then a scan of the survivors only for
// predicates no bitmap answers (ranges, substrings). Slots are kept in
// creation order, so the default sort (newest first) is a walk of the final
// bitmap. Other sorts walk a kept order of every row by that key
// (index/slot_order.h) to the page when the candidates are many; few
// candidates are sorted per query, by a radix select then an exact sort
// (for status, only the groups the page overlaps).
//
// Snapshots: while a continuation is pinned, a change does not overwrite
// a row's postings but moves the old version to a ghost slot (high bit
// set), with postings like any row but outside live_. A query at revision
// S starts from live_ with the rows changed since S swapped for the ghosts
// that held their state at S; every filter and sort then runs unchanged.
//
// Answers are exactly the scan engine's (index/scan_index.cc); the
// differential test (column_index_test.cc) holds them to that.

#include <algorithm>
#include <bit>
#include <deque>
#include <map>
#include <mutex>
#include <numeric>
#include <roaring/roaring.hh>
#include <shared_mutex>
#include <span>
#include <thread>
#include <unordered_map>

#include "index/block_arena.h"
#include "index/continuation.h"
#include "index/dictionary.h"
#include "index/fields.h"
#include "index/job_index.h"
#include "index/posting_runs.h"
#include "index/slot_order.h"
#include "index/slots_by_key.h"
#include "text/text.h"

namespace drover::index {

namespace {

// A tag's posting term: "key\0value".
std::string TagTerm(const std::string& key, const std::string& value) {
  std::string term;
  term.reserve(key.size() + 1 + value.size());
  term.append(key).push_back('\0');
  term.append(value);
  return term;
}

using core::Job;
using core::TimeMs;
using core::TrainingStatus;
using Slot = uint32_t;
using SteadyClock = std::chrono::steady_clock;

constexpr Slot kGhost = Slot{1} << 31;  // slots from here on hold prior versions
constexpr Slot kNoGhost = ~Slot{0};

// Interns strings to dense ids, each with the bitmap of slots holding it.
// A row keeps the ids of its values (4 bytes each, not the strings), so
// taking its postings back out needs no lookup.
class Postings {
 public:
  using Id = Dictionary::Id;

  // The value's id; a new value gets the next one (ids are never reused).
  Id Intern(std::string_view value) {
    Id id = values_.Intern(value);
    if (id == bitmaps_.size()) bitmaps_.emplace_back();
    return id;
  }
  Roaring& At(Id id) { return bitmaps_[id]; }
  const std::string& Value(Id id) const { return values_.Value(id); }
  const Roaring* Find(std::string_view value) const {
    Id id = values_.Find(value);
    return id == Dictionary::kNone ? nullptr : &bitmaps_[id];
  }
  template <class F>
  void ForEach(F&& f) const {
    for (size_t id = 0; id < bitmaps_.size(); ++id)
      f(values_.Value(static_cast<Id>(id)), bitmaps_[id]);
  }
  // Empties every bitmap; the values keep their ids (rows hold them).
  void ClearBitmaps() {
    for (Roaring& b : bitmaps_) b = Roaring();
  }

 private:
  Dictionary values_;
  std::deque<Roaring> bitmaps_;  // by id
};

// Job number → live slot. Numbers are handed out one by one from 1, so a
// vector indexed by number: 4 bytes a job, not a hash node's ~40.
class SlotMap {
 public:
  static constexpr Slot kNone = ~Slot{0};

  // The job's slot, or nullptr.
  const Slot* find(core::JobNumber id) const {
    auto n = static_cast<size_t>(id);
    return n < slots_.size() && slots_[n] != kNone ? &slots_[n] : nullptr;
  }
  void Set(core::JobNumber id, Slot slot) {
    auto n = static_cast<size_t>(id);
    if (n >= slots_.size()) slots_.resize(std::max(n + 1, slots_.size() * 3 / 2), kNone);
    if (slots_[n] == kNone) ++size_;
    slots_[n] = slot;
  }
  void erase(core::JobNumber id) {
    auto n = static_cast<size_t>(id);
    if (n >= slots_.size() || slots_[n] == kNone) return;
    slots_[n] = kNone;
    --size_;
  }
  size_t size() const { return size_; }
  void clear() {
    slots_.clear();
    size_ = 0;
  }

 private:
  std::vector<Slot> slots_;  // by job number
  size_t size_ = 0;
};

constexpr ExactField kExactFields[] = {
    ExactField::kTenant,         ExactField::kWorkspace,   ExactField::kUserId,
    ExactField::kBusinessUserId, ExactField::kCaller,      ExactField::kPipelineId,
    ExactField::kTemplateId,     ExactField::kPaymentType, ExactField::kOversoldInfo,
    ExactField::kResourceId,     ExactField::kJobType,
};

// Numeric fields with few distinct values, answered by a bitmap per value
// (Duration depends on the query's clock, so it is checked per row).
constexpr NumericField kBitmapNumerics[] = {NumericField::kRequestGpu, NumericField::kRequestCpu,
                                            NumericField::kPriority, NumericField::kNodeCount};

bool HasBitmaps(NumericField field) {
  return std::find(std::begin(kBitmapNumerics), std::end(kBitmapNumerics), field) !=
         std::end(kBitmapNumerics);
}

// What a row keeps of its job: the values its postings were made from, as
// dictionary ids (to take them back out on update), and the strings that
// ordering and substring checks read back.
//
// The strings and the term ids share one block in the index's BlockArena:
// at 10M jobs, rows of five std::strings and a vector were 2.9 GB of
// arrays plus a heap block per string, all faulted in fresh at start-up.
// The index frees a row's block (Forget) before dropping the row; a moved
// row hands its block over.
class Row {
 public:
  static constexpr int kGroups = 5;  // of terms: tags, then the 4 WordsFields
  // A row's text, its terms grouped: the tags (ids in tags_), then each
  // WordsField's words (ids in words_[field]); term_ends[0] is where the
  // tags end, term_ends[1 + field] where that field's words do.
  struct Text {
    std::string_view public_id, display_name, description;
    std::string_view folded_name, folded_id;  // Fold of each; empty when the same
    std::span<const uint32_t> terms;
    std::span<const uint32_t, kGroups> term_ends;
  };

  core::JobNumber id = 0;
  core::JobNumber lineage = 0;
  Postings::Id exact[std::size(kExactFields)] = {};  // by ExactField, in exact_
  Postings::Id username = 0;                         // folded, in username_
  Postings::Id quota_name = 0;                       // folded, in quota_name_
  TrainingStatus status = TrainingStatus::kCreating;
  core::Visibility visibility = core::Visibility::kPrivate;
  bool enable_assign_node = false;
  bool latest = true;
  bool imported = false;

  Row() = default;
  // A move copies the few plain members and takes the block: as cheap as a
  // member-wise move, and the source lets go of the block it no longer owns.
  Row(Row&& other) noexcept
      : Row(static_cast<const Row&>(other)) {  // NOLINT(performance-move-constructor-init)
    other.DropBlock();
  }
  Row& operator=(Row&& other) noexcept {
    *this = static_cast<const Row&>(other);
    other.DropBlock();
    return *this;
  }

  // Sets the text, in a block from `arena`; the row has none yet.
  void SetText(const Text& text, BlockArena& arena) {
    const std::string_view strings[] = {text.public_id, text.display_name, text.description,
                                        text.folded_name, text.folded_id};
    size_t bytes = 0;
    for (int i = 0; i < kStrings; ++i) {
      bytes += strings[i].size();
      string_ends_[i] = static_cast<uint32_t>(bytes);
    }
    std::copy(text.term_ends.begin(), text.term_ends.end(), term_ends_);
    block_ = arena.Allocate(TextWords());
    std::copy(text.terms.begin(), text.terms.end(), block_);
    char* out = reinterpret_cast<char*>(block_ + term_ends_[kGroups - 1]);
    for (std::string_view str : strings) out = std::copy(str.begin(), str.end(), out);
  }
  // Frees the row's block to `arena`; the row is left with no text.
  void FreeText(BlockArena& arena) {
    arena.Free(block_, TextWords());
    DropBlock();
  }
  // Copies the block to `arena` (compaction).
  void MoveBlock(BlockArena& arena) {
    if (!block_) return;
    uint32_t* moved = arena.Allocate(TextWords());
    std::copy(block_, block_ + TextWords(), moved);
    block_ = moved;
  }

  std::string_view PublicId() const { return String(0); }
  std::string_view DisplayName() const { return String(1); }
  std::string_view Description() const { return String(2); }
  std::string_view FoldedName() const { return StringOr(3, 1); }
  std::string_view FoldedId() const { return StringOr(4, 0); }
  std::span<const Postings::Id> Tags() const { return {block_, term_ends_[0]}; }
  std::span<const Postings::Id> Words(int field) const {
    return {block_ + term_ends_[field], term_ends_[field + 1] - term_ends_[field]};
  }

 private:
  static constexpr int kStrings = 5;

  // A copy would share the block: outside, rows only move.
  Row(const Row&) = default;
  Row& operator=(const Row&) = default;

  size_t TextWords() const {
    return term_ends_[kGroups - 1] + (string_ends_[kStrings - 1] + 3) / 4;
  }
  void DropBlock() {
    block_ = nullptr;
    std::fill(std::begin(term_ends_), std::end(term_ends_), 0);
    std::fill(std::begin(string_ends_), std::end(string_ends_), 0);
  }
  std::string_view String(int i) const {
    if (!block_) return {};
    const char* bytes = reinterpret_cast<const char*>(block_ + term_ends_[kGroups - 1]);
    uint32_t begin = i == 0 ? 0 : string_ends_[i - 1];
    return {bytes + begin, string_ends_[i] - begin};
  }
  // String i, or string `same` when i is empty.
  std::string_view StringOr(int i, int same) const {
    std::string_view s = String(i);
    return s.empty() ? String(same) : s;
  }

  uint32_t* block_ = nullptr;  // the terms, then the strings' bytes (in the index's arena)
  uint32_t term_ends_[kGroups] = {};
  uint32_t string_ends_[kStrings] = {};
};

// A row before its values are interned: what can be worked out without the
// index's lock (folding, word segmentation). Its views are into the job.
struct Draft {
  Row row;
  std::string_view public_id, display_name, description;
  std::string folded_name, folded_id;  // empty when the same as the job's
  std::string exact[std::size(kExactFields)];
  std::string username;
  std::string quota_name;
  std::vector<std::string> tags;  // key '\0' value
  std::vector<std::string> words[4];
};

// The small per-slot values that filters and sorts read for many rows at
// once, packed densely (rows_ is large; reading it for every candidate
// would miss the cache on each).
struct Columns {
  uint64_t id_prefix = 0;    // public id bytes 0–7 and 8–15, big-endian: ids of up to
  uint64_t id_prefix2 = 0;   // 16 bytes (all of "dlc…" ids) order without the string
  uint64_t name_prefix = 0;  // bytes 0–7 and 8–15 of the name
  uint64_t name_prefix2 = 0;
  uint64_t type_prefix = 0;
  uint64_t description_prefix = 0;
  TimeMs created = 0, submitted = 0, running = 0, finished = 0, modified = 0;
  int64_t priority = 0, version_count = 0, version = 0;
  int64_t request_gpu = 0, request_cpu = 0, node_count = 0;
  TrainingStatus status = TrainingStatus::kCreating;
};

// A public id's first 16 bytes, kept apart from Columns: tie-breaks read
// them for every candidate, so they are packed densely on their own.
struct IdKey {
  uint64_t prefix = 0;
  uint64_t prefix2 = 0;
};

// Prepare's answer: each job's draft and columns, in order.
struct Drafts : JobIndex::Prepared {
  std::vector<std::pair<Draft, Columns>> drafts;
};

// Bytes [from, from + 8) of `s`, big-endian (0 past the end).
uint64_t Prefix(const std::string& s, size_t from = 0) {
  uint64_t v = 0;
  for (size_t i = from; i < from + 8; ++i)
    v = (v << 8) | (i < s.size() ? static_cast<unsigned char>(s[i]) : 0);
  return v;
}

Columns ColumnsOf(const Job& j) {
  Columns c;
  c.id_prefix = Prefix(j.public_id);
  c.id_prefix2 = Prefix(j.public_id, 8);
  c.name_prefix = Prefix(j.display_name);
  c.name_prefix2 = Prefix(j.display_name, 8);
  c.type_prefix = Prefix(j.job_type);
  c.description_prefix = Prefix(j.description);
  c.created = j.created;
  c.submitted = j.submitted;
  c.running = j.running;
  c.finished = j.finished;
  c.modified = j.modified;
  c.priority = j.priority;
  c.version_count = j.version_count;
  c.version = j.version;
  c.request_gpu = j.RequestGpu();
  c.request_cpu = j.RequestCpu();
  c.node_count = j.NodeCount();
  c.status = j.status;
  return c;
}

TimeMs TimeValue(const Columns& c, TimeField field) {
  switch (field) {
    case TimeField::kCreated:
      return c.created;
    case TimeField::kSubmitted:
      return c.submitted;
    case TimeField::kRunning:
      return c.running;
    case TimeField::kFinished:
      return c.finished;
    case TimeField::kModified:
      return c.modified;
  }
  return 0;
}

// Job::DurationSeconds on the packed columns.
int64_t DurationSeconds(const Columns& c, TimeMs now) {
  if (c.running == 0) return 0;
  TimeMs end = c.finished != 0 ? c.finished : (core::IsTerminal(c.status) ? c.running : now);
  return end > c.running ? (end - c.running) / core::kMsPerSecond : 0;
}

int64_t NumericValue(const Columns& c, NumericField field, TimeMs now) {
  switch (field) {
    case NumericField::kRequestGpu:
      return c.request_gpu;
    case NumericField::kRequestCpu:
      return c.request_cpu;
    case NumericField::kPriority:
      return c.priority;
    case NumericField::kDuration:
      return DurationSeconds(c, now);
    case NumericField::kNodeCount:
      return c.node_count;
  }
  return 0;
}

// Distinct trigrams of folded text (bytes, packed in a number), for
// substring prefiltering.
uint32_t TrigramAt(std::string_view s, size_t i) {
  return uint32_t{static_cast<unsigned char>(s[i])} << 16 |
         uint32_t{static_cast<unsigned char>(s[i + 1])} << 8 | static_cast<unsigned char>(s[i + 2]);
}

std::vector<uint32_t> Trigrams(const std::string& s) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i + 3 <= s.size(); ++i) out.push_back(TrigramAt(s, i));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// The longest run of `pattern` without wildcards (for a wildcard query).
std::string LongestLiteral(const std::string& pattern) {
  std::string best, current;
  for (char c : pattern) {
    if (c == '*' || c == '?') {
      if (current.size() > best.size()) best = current;
      current.clear();
    } else {
      current += c;
    }
  }
  return current.size() > best.size() ? current : best;
}

class ColumnIndex : public JobIndex {
 public:
  explicit ColumnIndex(HistoryLimits limits) : limits_(limits) {}

  void Upsert(const Job& job) override {
    Draft draft = MakeDraft(job);
    Columns columns = ColumnsOf(job);
    std::unique_lock lock(mu_);
    Apply(job, std::move(draft), columns);
  }

  std::unique_ptr<Prepared> Prepare(std::span<const Job> jobs) const override {
    auto prepared = std::make_unique<Drafts>();
    prepared->drafts.reserve(jobs.size());
    WordsMemo memo;
    for (const Job& job : jobs)
      prepared->drafts.emplace_back(MakeDraft(job, &memo), ColumnsOf(job));
    return prepared;
  }

  // The rows are worked out first, then applied under one hold of the lock.
  // What a draft holds beyond its row stays in `prepared`, to be freed by
  // the thread that made it.
  void UpsertMany(std::span<const Job> jobs, Prepared* prepared) override {
    std::unique_ptr<Prepared> own;
    if (!prepared) {
      own = Prepare(jobs);
      prepared = own.get();
    }
    auto& drafts = static_cast<Drafts&>(*prepared).drafts;
    std::unique_lock lock(mu_);
    for (size_t i = 0; i < jobs.size(); ++i)
      Apply(jobs[i], std::move(drafts[i].first), drafts[i].second);
  }

  void BeginLoad(size_t expected) override {
    std::unique_lock lock(mu_);
    loading_ = rows_.empty();
    // Grown once, not by doubling: at 10M jobs each doubling copied
    // gigabytes into freshly zeroed pages.
    rows_.reserve(expected);
    columns_.reserve(expected);
    id_keys_.reserve(expected);
  }

  void Optimize() override {
    std::unique_lock lock(mu_);
    bool indexed = !loading_;  // the rows have their postings
    loading_ = false;
    if (!created_sorted_ || slot_of_.size() != rows_.size()) {
      // Renumber the slots in creation order, so the default sort is a walk
      // (and drop the dead ones); postings are rebuilt for the new numbers.
      if (indexed) ClearPostings();
      Renumber();
      indexed = false;
    }
    if (!indexed) {
      AddAllPostings();
    }
    live_.runOptimize();
  }

  void Erase(core::JobNumber id) override {
    std::unique_lock lock(mu_);
    const Slot* it = slot_of_.find(id);
    if (!it) return;
    bool keep = BeginChange();
    Slot slot = *it;
    Slot ghost = keep ? Retire(slot) : RemovePostings(slot);
    slot_of_.erase(id);  // the slot stays, dead: creation order is kept
    Unorder(slot);
    EndChange(slot, ghost, keep);
  }

  size_t Size() const override {
    std::shared_lock lock(mu_);
    return slot_of_.size();
  }

  Page Search(const JobQuery& q) const override {
    std::shared_lock lock(mu_);
    Page page;
    page.snapshot = q.at ? *q.at : Snapshot{epoch_, revision_};
    Roaring past = q.at ? LiveAt(*q.at) : Roaring();
    Roaring hits = Filter(q, q.at ? past : live_);
    page.total = static_cast<int64_t>(hits.cardinality());
    if (q.pin && q.offset < page.total && q.limit < page.total - q.offset)
      Pin(page.snapshot.revision);
    if (q.offset >= page.total || q.limit <= 0) return page;
    // Slot order is creation order for live slots only, not for ghosts.
    bool walk = q.sort == SortField::kCreated && created_sorted_ && hits.maximum() < kGhost;
    std::vector<Slot> slots = walk ? PageByCreated(hits, q) : PageBySorting(hits, q);
    for (Slot s : slots) page.ids.push_back(RowAt(s).id);
    return page;
  }

 private:
  // Upsert's change, under the lock.
  void Apply(const Job& job, Draft&& draft, const Columns& columns) {
    Row row = Intern(std::move(draft));
    bool keep = BeginChange();
    const Slot* it = slot_of_.find(job.id);
    if (it && loading_) {  // not indexed yet: replaced in place
      if (job.created != columns_[*it].created) created_sorted_ = false;
      Forget(rows_[*it]);
      rows_[*it] = std::move(row);
      columns_[*it] = columns;
      id_keys_[*it] = IdKey{columns.id_prefix, columns.id_prefix2};
      return;
    }
    if (it) {
      Slot slot = *it;
      std::vector<SortField> moved = OrdersMovedBy(slot, row, columns);
      Slot ghost = keep ? Retire(slot) : RemovePostings(slot);
      if (job.created != columns_[slot].created) created_sorted_ = false;
      Forget(rows_[slot]);  // unless Retire moved it to the ghost
      rows_[slot] = std::move(row);
      columns_[slot] = columns;
      id_keys_[slot] = IdKey{columns.id_prefix, columns.id_prefix2};
      AddPostings(slot);
      for (SortField field : moved) OrderOf(field)->Place(slot, SlotLess{this, field});
      EndChange(slot, ghost, keep);
      return;
    }
    Slot slot = static_cast<Slot>(rows_.size());
    if (!columns_.empty() && job.created < columns_.back().created) created_sorted_ = false;
    rows_.push_back(std::move(row));
    columns_.push_back(columns);
    id_keys_.push_back({columns.id_prefix, columns.id_prefix2});
    slot_of_.Set(job.id, slot);
    if (loading_) return;  // Optimize indexes the whole load at once
    AddPostings(slot);
    Reorder(slot);
    EndChange(slot, kNoGhost, keep);
  }

  // ==== Rows and postings ===================================================

  // Everything derived from the rows (postings, history, kept orders),
  // before the rows are renumbered.
  void ClearPostings() {
    history_.clear();  // slots are renumbered: prior versions cannot be placed
    for (Row& row : ghost_rows_) Forget(row);
    ghost_rows_.clear();
    ghost_columns_.clear();
    free_ghosts_.clear();
    answerable_from_ = revision_;
    live_ = Roaring();
    for (Postings& p : exact_) p.ClearBitmaps();
    for (Roaring& b : status_) b = Roaring();
    for (Roaring& b : visibility_) b = Roaring();
    assign_node_ = latest_ = imported_ = Roaring();
    for (Postings* p : {&username_, &quota_name_, &tags_}) p->ClearBitmaps();
    lineage_.clear();
    trigrams_.clear();
    by_public_id_.Clear();
    for (Postings& p : words_) p.ClearBitmaps();
    for (auto& values : numeric_) values.clear();
    for (auto& order : orders_) order.reset();
  }

  // Puts the live rows in creation order (ties by public id) and drops the
  // dead ones, in place: a permutation of the slots, followed cycle by
  // cycle, so no second copy of the rows is ever held.
  void Renumber() {
    // Sorted as (time, slot) pairs side by side, not slots compared through
    // columns_: at 10M jobs each comparison was two cache misses.
    struct Keyed {
      TimeMs created;
      Slot slot;
    };
    std::vector<Keyed> keyed;
    keyed.reserve(rows_.size());
    for (Slot s = 0; s < rows_.size(); ++s) {
      const Slot* it = slot_of_.find(rows_[s].id);
      if (it && *it == s) keyed.push_back({columns_[s].created, s});
    }
    std::sort(keyed.begin(), keyed.end(), [&](const Keyed& a, const Keyed& b) {
      if (a.created != b.created) return a.created < b.created;
      return Before(a.slot, b.slot);
    });
    size_t live = keyed.size();
    std::vector<Slot> order;  // new slot → old slot
    order.reserve(rows_.size());
    for (const Keyed& k : keyed) order.push_back(k.slot);
    keyed = {};
    std::vector<bool> taken(rows_.size());
    for (Slot s : order) taken[s] = true;
    for (Slot s = 0; s < rows_.size(); ++s) {
      if (!taken[s]) order.push_back(s);  // the dead, at the end
    }
    std::vector<bool> done(rows_.size());
    for (Slot start = 0; start < order.size(); ++start) {
      if (done[start]) continue;
      // Slot `start` takes what is at order[start], which takes what is at
      // order[order[start]], and so on around the cycle.
      Row row = std::move(rows_[start]);
      Columns columns = columns_[start];
      Slot to = start;
      for (Slot from = order[to]; from != start; to = from, from = order[to]) {
        rows_[to] = std::move(rows_[from]);
        columns_[to] = columns_[from];
        done[to] = true;
      }
      rows_[to] = std::move(row);
      columns_[to] = columns;
      done[to] = true;
    }
    for (Slot s = static_cast<Slot>(live); s < rows_.size(); ++s) Forget(rows_[s]);
    rows_.resize(live);
    columns_.resize(live);
    id_keys_.resize(live);
    slot_of_.clear();
    for (Slot s = 0; s < live; ++s) {
      id_keys_[s] = {columns_[s].id_prefix, columns_[s].id_prefix2};
      slot_of_.Set(rows_[s].id, s);
    }
    created_sorted_ = true;
  }

  class WordsMemo;
  static Draft MakeDraft(const Job& job, WordsMemo* memo = nullptr) {
    Draft draft;
    Row& row = draft.row;
    row.id = job.id;
    row.lineage = job.lineage;
    draft.public_id = job.public_id;
    draft.display_name = job.display_name;
    draft.description = job.description;
    draft.folded_name = text::Fold(job.display_name);
    if (draft.folded_name == job.display_name) draft.folded_name.clear();
    draft.folded_id = text::Fold(job.public_id);
    if (draft.folded_id == job.public_id) draft.folded_id.clear();
    row.status = job.status;
    row.visibility = job.visibility;
    row.enable_assign_node = job.enable_assign_node;
    row.latest = job.latest;
    row.imported = job.imported;
    for (ExactField field : kExactFields)
      draft.exact[static_cast<int>(field)] = ExactValue(job, field);
    draft.username = text::Fold(job.username);
    draft.quota_name = text::Fold(job.resource_quota_name);
    for (const auto& [key, value] : job.tags) draft.tags.push_back(TagTerm(key, value));
    for (WordsField field : {WordsField::kReason, WordsField::kUserCommand, WordsField::kImage}) {
      std::vector<std::string>& words = draft.words[static_cast<int>(field)];
      std::string source = WordsSource(job, field);
      words = memo ? memo->Of(std::move(source)) : SortedWords(source);
    }
    // Names are rarely repeated: not worth a memo entry.
    draft.words[static_cast<int>(WordsField::kName)] = SortedWords(job.display_name);
    return draft;
  }

  // The distinct words of `text`, sorted.
  static std::vector<std::string> SortedWords(std::string_view text) {
    std::vector<std::string> words = text::Words(text);
    std::sort(words.begin(), words.end());
    words.erase(std::unique(words.begin(), words.end()), words.end());
    return words;
  }

  // Reasons, commands and images repeat from job to job (one image for a
  // thousand runs): among the jobs of one UpsertMany each distinct text is
  // segmented once. ICU's segmentation was a third of a bulk load's indexing.
  class WordsMemo {
   public:
    const std::vector<std::string>& Of(std::string&& text) {
      auto [it, added] = seen_.try_emplace(std::move(text));
      if (added) it->second = SortedWords(it->first);
      return it->second;
    }

   private:
    std::unordered_map<std::string, std::vector<std::string>> seen_;
  };

  // The draft's values as dictionary ids (new values are added).
  Row Intern(Draft&& draft) {
    Row row = std::move(draft.row);
    for (size_t field = 0; field < std::size(kExactFields); ++field)
      row.exact[field] = exact_[field].Intern(draft.exact[field]);
    row.username = username_.Intern(draft.username);
    row.quota_name = quota_name_.Intern(draft.quota_name);
    std::vector<Postings::Id>& terms = interned_terms_;
    terms.clear();
    uint32_t ends[Row::kGroups];
    for (const std::string& tag : draft.tags) terms.push_back(tags_.Intern(tag));
    ends[0] = static_cast<uint32_t>(terms.size());
    for (int field = 0; field < 4; ++field) {
      for (const std::string& w : draft.words[field]) terms.push_back(words_[field].Intern(w));
      ends[field + 1] = static_cast<uint32_t>(terms.size());
    }
    row.SetText({draft.public_id, draft.display_name, draft.description, draft.folded_name,
                 draft.folded_id, terms, ends},
                text_);
    return row;
  }

  // A live slot's folded public id (the key of by_public_id_).
  auto RowKey() const {
    return [this](Slot s) -> std::string_view { return rows_[s].FoldedId(); };
  }

  const Row& RowAt(Slot s) const { return s & kGhost ? ghost_rows_[s & ~kGhost] : rows_[s]; }
  IdKey IdKeyAt(Slot s) const {
    if (s & kGhost) {
      const Columns& c = ghost_columns_[s & ~kGhost];
      return {c.id_prefix, c.id_prefix2};
    }
    return id_keys_[s];
  }
  const Columns& ColumnsAt(Slot s) const {
    return s & kGhost ? ghost_columns_[s & ~kGhost] : columns_[s];
  }

  // Every bitmap a row's slot is in, but live_: the field half and the
  // text half, which share no bitmap (Optimize fills them on two threads).
  template <class F>
  void ForEachPosting(const Row& row, const Columns& columns, F&& f) {
    ForEachFieldPosting(row, columns, f);
    ForEachTextPosting(row, f);
  }
  template <class F>
  void ForEachFieldPosting(const Row& row, const Columns& columns, F&& f) {
    for (NumericField field : kBitmapNumerics) {
      f(numeric_[static_cast<int>(field)][NumericValue(columns, field, 0)]);
    }
    for (size_t field = 0; field < std::size(kExactFields); ++field)
      f(exact_[field].At(row.exact[field]));
    f(status_[static_cast<int>(row.status)]);
    f(visibility_[static_cast<int>(row.visibility)]);
    if (row.enable_assign_node) f(assign_node_);
    if (row.latest) f(latest_);
    if (row.imported) f(imported_);
    if (row.lineage != 0) f(lineage_[row.lineage]);  // later versions only
    f(username_.At(row.username));
    f(quota_name_.At(row.quota_name));
  }
  // A row's text terms as (kind, key): kind 0 its tags (key: tags_ id),
  // 1-4 its words by WordsField (words_ id), 5 its name's trigrams (code; a
  // trigram twice in one name comes twice, which adding and removing allow).
  static constexpr int kTextKinds = 6;
  template <class F>
  static void ForEachTextTerm(const Row& row, F&& f) {
    for (Postings::Id tag : row.Tags()) f(0, tag);
    for (int field = 0; field < 4; ++field) {
      for (Postings::Id w : row.Words(field)) f(1 + field, w);
    }
    std::string_view name = row.FoldedName();
    for (size_t i = 0; i + 3 <= name.size(); ++i) f(5, TrigramAt(name, i));
  }
  Roaring& TextBitmap(int kind, uint32_t key) {
    if (kind == 0) return tags_.At(key);
    if (kind < 5) return words_[kind - 1].At(key);
    return trigrams_[key];
  }
  template <class F>
  void ForEachTextPosting(const Row& row, F&& f) {
    ForEachTextTerm(row, [&](int kind, uint32_t key) { f(TextBitmap(kind, key)); });
  }

  void AddPostings(Slot slot) {
    live_.add(slot);
    ForEachPosting(rows_[slot], columns_[slot], [slot](Roaring& b) { b.add(slot); });
    by_public_id_.Insert(slot, RowKey());
  }
  // AddPostings for every slot, on two threads that share no bitmap: the
  // field postings and the public ids on this one, the text postings on the
  // other. Each bitmap takes a chunk's slots in one addMany (PostingRuns):
  // at 10M jobs, 9.4 s for what adding slot by slot took 17.
  void AddAllPostings() {
    by_public_id_.Reserve(rows_.size(), RowKey());
    std::thread text([this] { AddAllTextPostings(); });
    live_.addRange(0, rows_.size());
    BitmapRuns fields;
    for (Slot begin = 0; begin < rows_.size(); begin += PostingRuns::kChunk) {
      Slot end = std::min<Slot>(begin + PostingRuns::kChunk, rows_.size());
      for (Slot slot = begin; slot < end; ++slot)
        ForEachFieldPosting(rows_[slot], columns_[slot],
                            [&fields, slot](Roaring& b) { fields.Add(b, slot); });
      fields.Flush();
    }
    // A pass of its own: interleaved with the postings, the table's random
    // probes and the runs' buffers evicted each other (0.87 s at 1M jobs,
    // against 0.32 + 0.19 s apart).
    for (Slot slot = 0; slot < rows_.size(); ++slot) by_public_id_.Insert(slot, RowKey());
    text.join();
  }
  // ForEachTextPosting for every slot, a chunk of slots at a time.
  void AddAllTextPostings() {
    PostingRuns runs[kTextKinds];
    for (Slot begin = 0; begin < rows_.size(); begin += PostingRuns::kChunk) {
      Slot end = std::min<Slot>(begin + PostingRuns::kChunk, rows_.size());
      for (Slot slot = begin; slot < end; ++slot) {
        ForEachTextTerm(rows_[slot],
                        [&runs, slot](int kind, uint32_t key) { runs[kind].Add(key, slot); });
      }
      for (int kind = 0; kind < kTextKinds; ++kind) {
        runs[kind].Flush([&](uint32_t key, std::span<const Slot> slots) {
          TextBitmap(kind, key).addMany(slots.size(), slots.data());
        });
      }
    }
  }

  // Returns kNoGhost: the old version is dropped, not kept.
  Slot RemovePostings(Slot slot) {
    live_.remove(slot);
    ForEachPosting(rows_[slot], columns_[slot], [slot](Roaring& b) { b.remove(slot); });
    ForgetPublicId(slot);
    return kNoGhost;
  }
  void ForgetPublicId(Slot slot) { by_public_id_.Erase(slot, RowKey()); }

  // ==== History (snapshots) =================================================

  struct Change {
    uint64_t revision;
    Slot slot;   // the live slot that changed
    Slot ghost;  // its version before the change, kNoGhost if it was new
  };

  // Starts a revision; says whether prior versions must be kept for it.
  bool BeginChange() {
    ++revision_;
    std::lock_guard pins(pins_mu_);
    return OldestPin().has_value();
  }

  void EndChange(Slot slot, Slot ghost, bool keep) {
    if (keep) {
      history_.push_back({revision_, slot, ghost});
    } else {
      answerable_from_ = revision_;  // nothing pinned: no earlier snapshot is needed
    }
    std::optional<uint64_t> oldest;
    {
      std::lock_guard pins(pins_mu_);
      oldest = OldestPin();
    }
    // A change at revision R matters only to snapshots before R.
    while (!history_.empty() && (!oldest || history_.front().revision <= *oldest ||
                                 history_.size() > limits_.max_changes)) {
      const Change& gone = history_.front();
      if (gone.ghost != kNoGhost) FreeGhost(gone.ghost);
      answerable_from_ = std::max(answerable_from_, gone.revision);
      history_.pop_front();
    }
    if (text_.WorthCompacting()) CompactText();
  }

  // Drops the row, its text freed to text_.
  void Forget(Row& row) {
    row.FreeText(text_);
    row = Row();
  }
  // Copies the live blocks to a fresh arena, leaving the dead words behind.
  void CompactText() {
    BlockArena fresh;
    for (Row& row : rows_) row.MoveBlock(fresh);
    for (Row& row : ghost_rows_) row.MoveBlock(fresh);
    text_ = std::move(fresh);
  }

  // Moves the slot's current version, postings and all, to a new ghost
  // slot; the live slot is left with no postings.
  Slot Retire(Slot slot) {
    Slot ghost;
    if (!free_ghosts_.empty()) {
      ghost = free_ghosts_.back();
      free_ghosts_.pop_back();
    } else {
      ghost = kGhost | static_cast<Slot>(ghost_rows_.size());
      ghost_rows_.emplace_back();
      ghost_columns_.emplace_back();
    }
    ForgetPublicId(slot);
    ghost_rows_[ghost & ~kGhost] = std::move(rows_[slot]);
    ghost_columns_[ghost & ~kGhost] = columns_[slot];
    live_.remove(slot);
    ForEachPosting(RowAt(ghost), ColumnsAt(ghost), [slot, ghost](Roaring& b) {
      b.remove(slot);
      b.add(ghost);
    });
    Reorder(ghost);
    return ghost;
  }

  void FreeGhost(Slot ghost) {
    Row& row = ghost_rows_[ghost & ~kGhost];
    ForEachPosting(row, ColumnsAt(ghost), [ghost](Roaring& b) { b.remove(ghost); });
    Unorder(ghost);
    Forget(row);
    free_ghosts_.push_back(ghost);
  }

  // The oldest pinned revision still in its lifetime; expired pins at the
  // front are dropped on the way. Caller holds pins_mu_.
  std::optional<uint64_t> OldestPin() const {
    SteadyClock::time_point now = SteadyClock::now();
    while (!pins_.empty() && (pins_.begin()->second + limits_.token_lifetime <= now ||
                              pins_.size() > limits_.max_changes)) {
      pins_.erase(pins_.begin());
    }
    if (pins_.empty()) return std::nullopt;
    return pins_.begin()->first;
  }

  void Pin(uint64_t revision) const {
    std::lock_guard pins(pins_mu_);
    pins_[revision] = SteadyClock::now();
  }

  // live_ as it stood at the snapshot: the slots changed since swapped for
  // the ghosts that held their state then.
  Roaring LiveAt(const Snapshot& at) const {
    if (at.epoch != epoch_ || at.revision > revision_ || at.revision < answerable_from_)
      ThrowSnapshotExpired();
    Roaring base = live_;
    auto after = std::upper_bound(history_.begin(), history_.end(), at.revision,
                                  [](uint64_t r, const Change& c) { return r < c.revision; });
    Roaring seen;
    for (auto it = after; it != history_.end(); ++it) {
      if (!seen.addChecked(it->slot)) continue;  // its first change after S holds its state at S
      base.remove(it->slot);
      if (it->ghost != kNoGhost) base.add(it->ghost);
    }
    return base;
  }

  static std::vector<Slot> GhostsIn(const Roaring& hits) {
    std::vector<Slot> ghosts;
    if (hits.isEmpty() || hits.maximum() < kGhost) return ghosts;
    auto it = hits.begin();
    it.equalorlarger(kGhost);
    for (; it != hits.end(); ++it) ghosts.push_back(*it);
    return ghosts;
  }

  // ==== Filtering ===========================================================

  static Roaring Union(const std::vector<const Roaring*>& parts) {
    if (parts.empty()) return Roaring();
    if (parts.size() == 1) return *parts[0];
    return Roaring::fastunion(parts.size(), const_cast<const Roaring**>(parts.data()));
  }

  // The bitmaps every hit is in, and those none is in: intersected smallest
  // first, borrowing the index's own bitmaps rather than copying them.
  class Conjunction {
   public:
    // nullptr: a value no slot has.
    void And(const Roaring* b) {
      if (b == nullptr) {
        empty_ = true;
      } else {
        in_.push_back(b);
      }
    }
    void And(Roaring b) {
      owned_.push_back(std::move(b));
      in_.push_back(&owned_.back());
    }
    void AndAny(const std::vector<const Roaring*>& parts) {
      if (parts.size() <= 1) return And(parts.empty() ? nullptr : parts[0]);
      And(Union(parts));
    }
    void AndNot(const Roaring& b) { out_.push_back(&b); }

    Roaring Evaluate() {
      if (empty_) return Roaring();
      std::vector<std::pair<uint64_t, const Roaring*>> by_size;
      for (const Roaring* b : in_) by_size.emplace_back(b->cardinality(), b);
      std::sort(by_size.begin(), by_size.end());
      Roaring hits =
          by_size.size() >= 2 ? *by_size[0].second & *by_size[1].second : *by_size[0].second;
      for (size_t i = 2; i < by_size.size() && !hits.isEmpty(); ++i) hits &= *by_size[i].second;
      for (const Roaring* b : out_) hits -= *b;
      return hits;
    }

   private:
    bool empty_ = false;
    std::deque<Roaring> owned_;  // stable addresses
    std::vector<const Roaring*> in_;
    std::vector<const Roaring*> out_;
  };

  Roaring Filter(const JobQuery& q, const Roaring& base) const {
    Conjunction all;
    all.And(&base);
    const std::vector<Slot> ghosts = GhostsIn(base);  // found by bitmaps, not by maps
    for (const auto& [field, values] : q.exact) {
      std::vector<const Roaring*> parts;
      for (const std::string& v : values) {
        if (const Roaring* b = exact_[static_cast<int>(field)].Find(v)) parts.push_back(b);
      }
      all.AndAny(parts);
    }
    if (q.statuses) {
      std::vector<const Roaring*> parts;
      for (TrainingStatus s : *q.statuses) parts.push_back(&status_[static_cast<int>(s)]);
      all.AndAny(parts);
    }
    if (!q.public_ids.empty()) {
      Roaring ids;
      for (const std::string& id : q.public_ids) {
        Slot slot = by_public_id_.Find(id, RowKey());
        if (slot != SlotsByKey::kNone) ids.add(slot);
      }
      for (Slot g : ghosts) {
        std::string_view id = RowAt(g).FoldedId();
        if (std::find(q.public_ids.begin(), q.public_ids.end(), id) != q.public_ids.end())
          ids.add(g);
      }
      all.And(std::move(ids));
    }
    if (q.visibility) all.And(&visibility_[static_cast<int>(*q.visibility)]);
    if (q.enable_assign_node) {
      if (*q.enable_assign_node) {
        all.And(&assign_node_);
      } else {
        all.AndNot(assign_node_);
      }
    }
    if (q.latest_only) all.And(&latest_);
    if (q.exclude_imported) all.AndNot(imported_);
    if (q.lineage) {
      // The first version (lineage 0) and the later ones (lineage_).
      auto later = lineage_.find(*q.lineage);
      Roaring versions = later != lineage_.end() ? later->second : Roaring();
      const Slot* first = slot_of_.find(*q.lineage);
      if (first && rows_[*first].lineage == 0) versions.add(*first);
      for (Slot g : ghosts) {
        const Row& row = RowAt(g);
        if (row.id == *q.lineage && row.lineage == 0) versions.add(g);
      }
      all.And(std::move(versions));
    }
    for (const auto& [key, value] : q.tags) all.And(tags_.Find(TagTerm(key, value)));
    for (const auto& [field, words] : q.words) {
      for (const std::string& w : words) all.And(words_[static_cast<int>(field)].Find(w));
    }
    const std::string* substring = nullptr;  // checked on the survivors
    for (const auto& [field, needle] : q.contains) {
      if (field == ContainsField::kName) {
        AndTrigrams(all, needle);
        substring = &needle;
        continue;
      }
      // Few distinct users and quotas: match the dictionary, not the rows.
      const Postings& dict = field == ContainsField::kUsername ? username_ : quota_name_;
      std::vector<const Roaring*> parts;
      const std::string& wanted = needle;  // a lambda may not name a structured binding (clang)
      dict.ForEach([&](const std::string& value, const Roaring& b) {
        if (value.find(wanted) != std::string::npos) parts.push_back(&b);
      });
      all.AndAny(parts);
    }
    if (q.name) {
      const auto& [mode, text] = *q.name;
      AndTrigrams(all, mode == NameMatch::kWildcard ? LongestLiteral(text) : text);
    }
    if (q.viewer) {
      // Nothing crosses tenants.
      all.And(exact_[static_cast<int>(ExactField::kTenant)].Find(q.viewer->tenant));
      if (!q.viewer->tenant_admin) all.And(Visible(*q.viewer));
    }
    if (q.time && q.time->field == TimeField::kCreated && created_sorted_) {
      Roaring range = CreatedRange(q.time->from, q.time->to);
      for (Slot g : ghosts) {
        TimeMs t = ColumnsAt(g).created;
        if (t != 0 && t >= q.time->from && t <= q.time->to) range.add(g);
      }
      all.And(std::move(range));
    }
    if (q.numeric && HasBitmaps(q.numeric->field)) {
      const auto& values = numeric_[static_cast<int>(q.numeric->field)];
      std::vector<const Roaring*> parts;
      for (auto it = values.lower_bound(q.numeric->min);
           it != values.end() && it->first <= q.numeric->max; ++it) {
        if (!it->second.isEmpty()) parts.push_back(&it->second);
      }
      all.AndAny(parts);
    }
    Roaring hits = all.Evaluate();
    if (substring) NarrowBySubstring(hits, *substring);
    NarrowByRowPredicates(hits, q);
    return hits;
  }

  // Slots whose created time is in [from, to], when slots are in created order.
  Roaring CreatedRange(TimeMs from, TimeMs to) const {
    auto by_created = [&](TimeMs t) {
      size_t lo = 0, hi = rows_.size();
      while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (columns_[mid].created < t)
          lo = mid + 1;
        else
          hi = mid;
      }
      return lo;
    };
    size_t begin = by_created(std::max<TimeMs>(from, 1));  // 0 is "never"
    size_t end = to == INT64_MAX ? rows_.size() : by_created(to + 1);
    Roaring range;
    if (end > begin) range.addRange(begin, end);
    return range;
  }

  void AndTrigrams(Conjunction& all, const std::string& literal) const {
    for (uint32_t t : Trigrams(literal)) {
      auto it = trigrams_.find(t);
      all.And(it == trigrams_.end() ? nullptr : &it->second);
    }
  }

  void NarrowBySubstring(Roaring& hits, const std::string& needle) const {
    Roaring keep;
    for (Slot s : hits) {
      if (RowAt(s).FoldedName().find(needle) != std::string::npos) keep.add(s);
    }
    hits = std::move(keep);
  }

  // PUBLIC jobs of the viewer's workspaces, all jobs of the workspaces it
  // administers, and its own (the rule of core::CanSee, as bitmaps).
  Roaring Visible(const core::Viewer& viewer) const {
    std::vector<const Roaring*> parts;
    const Postings& users = exact_[static_cast<int>(ExactField::kUserId)];
    const Postings& workspaces = exact_[static_cast<int>(ExactField::kWorkspace)];
    if (const Roaring* mine = users.Find(viewer.user)) parts.push_back(mine);
    std::vector<const Roaring*> member;
    for (const auto& [workspace, role] : viewer.workspaces) {
      const Roaring* b = workspaces.Find(workspace);
      if (!b) continue;
      if (role == core::WorkspaceRole::kAdmin)
        parts.push_back(b);
      else
        member.push_back(b);
    }
    Roaring visible = Union(parts);
    Roaring public_in_member = Union(member);
    public_in_member &= visibility_[static_cast<int>(core::Visibility::kPublic)];
    visible |= public_in_member;
    return visible;
  }

  // The predicates no bitmap answers, checked on the survivors only.
  void NarrowByRowPredicates(Roaring& hits, const JobQuery& q) const {
    bool time = q.time && !(q.time->field == TimeField::kCreated && created_sorted_);
    bool name = q.name.has_value();
    bool numeric = q.numeric && !HasBitmaps(q.numeric->field);
    if (!time && !name && !numeric) return;
    Roaring keep;
    for (Slot s : hits) {
      const Columns& col = ColumnsAt(s);
      if (time) {
        TimeMs t = TimeValue(col, q.time->field);
        if (t == 0 || t < q.time->from || t > q.time->to) continue;
      }
      if (q.time && q.time->field == TimeField::kCreated && col.created == 0) continue;
      if (numeric) {
        int64_t v = NumericValue(col, q.numeric->field, q.now);
        if (v < q.numeric->min || v > q.numeric->max) continue;
      }
      if (name && !NameMatches(RowAt(s).FoldedName(), q.name->first, q.name->second)) continue;
      keep.add(s);
    }
    hits = std::move(keep);
  }

  // ==== Ordering ============================================================

  bool Before(Slot a, Slot b) const {  // ascending by public id
    IdKey x = IdKeyAt(a);
    IdKey y = IdKeyAt(b);
    if (x.prefix != y.prefix) return x.prefix < y.prefix;
    if (x.prefix2 != y.prefix2) return x.prefix2 < y.prefix2;
    return RowAt(a).PublicId() < RowAt(b).PublicId();
  }

  // Slots are in created order, equal times in no particular order: walk
  // the bitmap to the page, widening it to whole runs of equal times at its
  // edges, then order those by public id.
  std::vector<Slot> PageByCreated(const Roaring& hits, const JobQuery& q) const {
    int64_t total = static_cast<int64_t>(hits.cardinality());
    int64_t limit = std::min(q.limit, total - q.offset);
    // The same window in ascending order.
    int64_t first = q.descending ? total - q.offset - limit : q.offset;
    int64_t last = first + limit;  // exclusive
    uint32_t slot = 0;
    hits.select(static_cast<uint32_t>(first), &slot);
    // Back to the first hit with the same created time.
    int64_t begin = first;
    TimeMs t0 = columns_[slot].created;
    while (begin > 0) {
      uint32_t prev = 0;
      hits.select(static_cast<uint32_t>(begin - 1), &prev);
      if (columns_[prev].created != t0) break;
      --begin;
    }
    std::vector<Slot> window;
    TimeMs last_time = 0;
    for (int64_t r = begin; r < total; ++r) {
      uint32_t s = 0;
      hits.select(static_cast<uint32_t>(r), &s);
      if (r >= last && columns_[s].created != last_time) break;
      window.push_back(s);
      last_time = columns_[s].created;
    }
    std::stable_sort(window.begin(), window.end(), [&](Slot a, Slot b) {
      if (columns_[a].created != columns_[b].created)
        return columns_[a].created < columns_[b].created;
      return Before(a, b);
    });
    std::vector<Slot> page(window.begin() + (first - begin), window.begin() + (last - begin));
    if (q.descending) std::reverse(page.begin(), page.end());
    return page;
  }

  // Orders the candidates by the sort key, materializing only what the page
  // needs: for keys with few values, only the groups the page overlaps.
  std::vector<Slot> PageBySorting(const Roaring& hits, const JobQuery& q) const {
    if (const SlotOrder* order = OrderFor(hits, q))
      return order->Page(hits, static_cast<uint64_t>(q.offset), static_cast<uint64_t>(q.limit),
                         q.descending);
    if (q.sort == SortField::kStatus) return PageByGroups(hits, q);
    std::vector<Slot> slots(hits.cardinality());
    hits.toUint32Array(slots.data());
    return TopK(slots, q, q.offset);
  }

  // Status sorts group by status name: count each group by bitmap, then
  // order only the groups that overlap the page.
  std::vector<Slot> PageByGroups(const Roaring& hits, const JobQuery& q) const {
    std::vector<int> order(core::kTrainingStatusCount);
    for (int i = 0; i < core::kTrainingStatusCount; ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [](int a, int b) {
      return core::TrainingStatusName(static_cast<TrainingStatus>(a)) <
             core::TrainingStatusName(static_cast<TrainingStatus>(b));
    });
    if (q.descending) std::reverse(order.begin(), order.end());
    std::vector<Slot> page;
    int64_t seen = 0;
    int64_t want_end = q.offset + q.limit;
    for (int status : order) {
      if (seen >= want_end) break;
      int64_t count = static_cast<int64_t>(hits.and_cardinality(status_[status]));
      if (seen + count <= q.offset) {
        seen += count;
        continue;
      }
      Roaring group = hits & status_[status];
      std::vector<Slot> slots(group.cardinality());
      group.toUint32Array(slots.data());
      int64_t skip = std::max<int64_t>(0, q.offset - seen);
      JobQuery rest = q;
      rest.limit = want_end - std::max(seen, q.offset);
      for (Slot s : TopK(slots, rest, skip, /*one_group=*/true)) page.push_back(s);
      seen += count;
    }
    return page;
  }

  // A candidate's sort key, compact so that ordering hundreds of thousands
  // of candidates stays in cache: the key's first 8 bytes (exact for
  // numbers), the public id's first 8 bytes; full strings only on ties.
  struct SortKey {
    uint64_t primary;
    uint64_t primary2;  // the next 8 bytes of a name key, else 0
    uint64_t id;
    uint64_t id2;
    Slot slot;
  };

  static uint64_t Ordered(int64_t v) { return static_cast<uint64_t>(v) ^ (uint64_t{1} << 63); }

  static bool IsStringSort(SortField field) {
    return field == SortField::kName || field == SortField::kJobType ||
           field == SortField::kDescription;
  }

  static uint64_t PrimaryKey(const Columns& c, SortField field, TimeMs now) {
    switch (field) {
      case SortField::kCreated:
        return Ordered(c.created);
      case SortField::kFinished:
        return Ordered(c.finished);
      case SortField::kRunning:
        return Ordered(c.running);
      case SortField::kModified:
        return Ordered(c.modified);
      case SortField::kName:
        return c.name_prefix;
      case SortField::kJobType:
        return c.type_prefix;
      case SortField::kDescription:
        return c.description_prefix;
      case SortField::kStatus:
        return StatusRank(c.status);
      case SortField::kPriority:
        return Ordered(c.priority);
      case SortField::kDuration:
        return Ordered(DurationSeconds(c, now));
      case SortField::kVersionCount:
        return Ordered(c.version_count);
      case SortField::kVersion:
        return Ordered(c.version);
    }
    return 0;
  }

  // Position of a status in the order of status names.
  static uint64_t StatusRank(TrainingStatus status) {
    static const std::vector<uint64_t> ranks = [] {
      std::vector<int> order(core::kTrainingStatusCount);
      for (int i = 0; i < core::kTrainingStatusCount; ++i) order[i] = i;
      std::sort(order.begin(), order.end(), [](int a, int b) {
        return core::TrainingStatusName(static_cast<TrainingStatus>(a)) <
               core::TrainingStatusName(static_cast<TrainingStatus>(b));
      });
      std::vector<uint64_t> r(core::kTrainingStatusCount);
      for (size_t pos = 0; pos < order.size(); ++pos) r[static_cast<size_t>(order[pos])] = pos;
      return r;
    }();
    return ranks[static_cast<size_t>(status)];
  }

  std::string_view StringKey(const Row& row, SortField field) const {
    if (field == SortField::kJobType) {
      constexpr auto kType = static_cast<int>(ExactField::kJobType);
      return exact_[kType].Value(row.exact[kType]);
    }
    return field == SortField::kName ? row.DisplayName() : row.Description();
  }

  // Keeps only the keys that can rank in [begin, end) and returns how many
  // ranked before them. A radix select: keys are bucketed by the most
  // significant part of the key that varies among them (every part before
  // it is equal, so buckets are in order), counted, and every bucket wholly
  // before or after the window is dropped; repeated on what is left. Two
  // passes over the keys instead of a full selection over all of them.
  static int64_t NarrowByBuckets(std::vector<SortKey>& keys, int64_t begin, int64_t end,
                                 bool strings, bool descending) {
    constexpr size_t kSmall = 256;  // below this, selection is cheap enough
    // The parts in significance order; a string sort's full strings come
    // between primary2 and the id, so its ids must not be bucketed on.
    constexpr uint64_t SortKey::*kParts[] = {&SortKey::primary, &SortKey::primary2, &SortKey::id,
                                             &SortKey::id2};
    size_t parts = strings ? 2 : 4;
    int64_t dropped = 0;
    while (keys.size() > kSmall) {
      uint64_t SortKey::*part = nullptr;
      uint64_t lo = 0, hi = 0;
      for (size_t i = 0; i < parts && !part; ++i) {
        auto [min, max] = std::minmax_element(
            keys.begin(), keys.end(),
            [m = kParts[i]](const SortKey& a, const SortKey& b) { return a.*m < b.*m; });
        if ((*min).*kParts[i] != (*max).*kParts[i]) {
          part = kParts[i];
          lo = (*min).*part;
          hi = (*max).*part;
        }
      }
      if (!part) break;  // equal on every part: only the full comparison orders them
      uint64_t span = hi - lo;
      int shift = std::max(0, static_cast<int>(std::bit_width(span)) - 16);
      // The rank order is ascending in `bucket` either way.
      auto bucket = [&](const SortKey& k) {
        uint64_t v = k.*part - lo;
        return static_cast<size_t>((descending ? span - v : v) >> shift);
      };
      std::vector<uint32_t> counts((span >> shift) + 1);
      for (const SortKey& k : keys) ++counts[bucket(k)];
      size_t first = 0;
      int64_t before = 0;
      while (before + counts[first] <= begin) before += counts[first++];
      size_t last = first;
      for (int64_t through = before + counts[first]; through < end;) through += counts[++last];
      std::erase_if(keys, [&](const SortKey& k) {
        size_t b = bucket(k);
        return b < first || b > last;
      });
      begin -= before;
      end -= before;
      dropped += before;
      if (first == last && shift == 0) continue;  // one value left: the next part decides
      if (before == 0 && keys.size() == static_cast<size_t>(std::accumulate(
                                            counts.begin(), counts.end(), int64_t{0})))
        break;  // nothing dropped: the window spans the keys
    }
    return dropped;
  }

  // `one_group`: only the id part (every candidate has the same sort key).
  SortKey KeyOf(Slot slot, SortField field, TimeMs now, bool one_group = false) const {
    uint64_t primary = 0, primary2 = 0;
    if (!one_group) {
      const Columns& col = ColumnsAt(slot);
      primary = PrimaryKey(col, field, now);
      primary2 = field == SortField::kName ? col.name_prefix2 : 0;
    }
    IdKey id = IdKeyAt(slot);
    return {primary, primary2, id.prefix, id.prefix2, slot};
  }

  // Ascending by the sort key, then by public id: a strict total order on live jobs.
  bool Less(const SortKey& a, const SortKey& b, SortField field) const {
    if (a.primary != b.primary) return a.primary < b.primary;
    if (a.primary2 != b.primary2) return a.primary2 < b.primary2;
    if (IsStringSort(field)) {
      int cmp = StringKey(RowAt(a.slot), field).compare(StringKey(RowAt(b.slot), field));
      if (cmp != 0) return cmp < 0;
    }
    if (a.id != b.id) return a.id < b.id;
    if (a.id2 != b.id2) return a.id2 < b.id2;
    return RowAt(a.slot).PublicId() < RowAt(b.slot).PublicId();
  }

  // The slots at [skip, skip + q.limit) of `slots` ordered by q.sort.
  // `one_group`: every slot has the same sort key (a status group), so
  // only the ids order them — and only the ids are read.
  std::vector<Slot> TopK(const std::vector<Slot>& slots, const JobQuery& q, int64_t skip,
                         bool one_group = false) const {
    std::vector<SortKey> keys(slots.size());
    for (size_t i = 0; i < slots.size(); ++i) keys[i] = KeyOf(slots[i], q.sort, q.now, one_group);
    bool strings = IsStringSort(q.sort);
    auto ordered = [&](const SortKey& a, const SortKey& b) {
      return q.descending ? Less(b, a, q.sort) : Less(a, b, q.sort);
    };
    int64_t n = static_cast<int64_t>(keys.size());
    int64_t begin = std::min(skip, n);
    int64_t end = begin + std::min(q.limit, n - begin);
    if (begin >= end) return {};
    int64_t dropped = NarrowByBuckets(keys, begin, end, strings, q.descending);
    begin -= dropped;
    end -= dropped;
    if (begin > 0) std::nth_element(keys.begin(), keys.begin() + begin, keys.end(), ordered);
    std::partial_sort(keys.begin() + begin, keys.begin() + end, keys.end(), ordered);
    std::vector<Slot> page;
    for (int64_t i = begin; i < end; ++i) page.push_back(keys[static_cast<size_t>(i)].slot);
    return page;
  }

  // ==== Kept sort orders (index/slot_order.h) ===============================

  static constexpr int kSortFieldCount = static_cast<int>(SortField::kVersion) + 1;
  static constexpr uint64_t kOrderFrom = 1024;  // fewer candidates sort faster than a walk

  std::unique_ptr<SlotOrder>& OrderOf(SortField field) const {
    return orders_[static_cast<int>(field)];
  }

  // Less on slots, as SlotOrder takes it.
  struct SlotLess {
    const ColumnIndex* index;
    SortField field;
    bool operator()(Slot a, Slot b) const {
      return index->Less(index->KeyOf(a, field, 0), index->KeyOf(b, field, 0), field);
    }
  };

  // The slot is new, or a ghost that now holds a prior version.
  void Reorder(Slot slot) {
    for (int f = 0; f < kSortFieldCount; ++f) {
      if (orders_[f]) orders_[f]->Place(slot, SlotLess{this, static_cast<SortField>(f)});
    }
  }
  // The slot is gone: deleted, or a ghost freed.
  void Unorder(Slot slot) {
    for (auto& order : orders_) {
      if (order) order->Remove(slot);
    }
  }

  // The kept orders in which the slot's new version (row, columns) sorts
  // elsewhere than its current one; the others need not hear of the change.
  std::vector<SortField> OrdersMovedBy(Slot slot, const Row& row, const Columns& columns) const {
    std::vector<SortField> moved;
    const Row& was = rows_[slot];
    const Columns& had = columns_[slot];
    for (int f = 0; f < kSortFieldCount; ++f) {
      auto field = static_cast<SortField>(f);
      if (!orders_[f]) continue;
      bool same =
          was.PublicId() == row.PublicId() &&
          (IsStringSort(field) ? StringKey(was, field) == StringKey(row, field)
                               : PrimaryKey(had, field, 0) == PrimaryKey(columns, field, 0));
      if (!same) moved.push_back(field);
    }
    return moved;
  }

  // A kept order to page `hits` by, if walking it to the page beats sorting
  // the hits; built on first use, then kept current by every write. Duration
  // is never kept: a running job's grows with the clock.
  const SlotOrder* OrderFor(const Roaring& hits, const JobQuery& q) const {
    if (q.sort == SortField::kDuration) return nullptr;
    uint64_t count = hits.cardinality();
    if (count < kOrderFrom) return nullptr;
    std::lock_guard lock(orders_mu_);
    std::unique_ptr<SlotOrder>& order = OrderOf(q.sort);
    uint64_t size = order ? order->size() : live_.cardinality();
    // A walk step is a bit test; sorting costs a key per hit, ~10 steps' worth.
    if (SlotOrder::WalkLength(size, count, static_cast<uint64_t>(q.offset + q.limit)) > 8 * count)
      return nullptr;
    if (!order) order = BuildOrder(q.sort);
    return order.get();
  }

  size_t PrepareSortOrders() override {
    size_t built = 0;
    for (int f = 0; f < kSortFieldCount; ++f) {
      auto field = static_cast<SortField>(f);
      if (field == SortField::kDuration) continue;  // never kept
      std::shared_lock lock(mu_);
      std::lock_guard orders(orders_mu_);
      if (orders_[f]) continue;
      orders_[f] = BuildOrder(field);
      ++built;
    }
    return built;
  }

  // Every live slot, and every ghost still in the history, in `field` order.
  std::unique_ptr<SlotOrder> BuildOrder(SortField field) const {
    Roaring all = live_;
    for (const Change& change : history_) {
      if (change.ghost != kNoGhost) all.add(change.ghost);
    }
    std::vector<SortKey> keys;
    keys.reserve(all.cardinality());
    for (Slot s : all) keys.push_back(KeyOf(s, field, 0));
    std::sort(keys.begin(), keys.end(),
              [&](const SortKey& a, const SortKey& b) { return Less(a, b, field); });
    std::vector<Slot> sorted(keys.size());
    for (size_t i = 0; i < keys.size(); ++i) sorted[i] = keys[i].slot;
    return std::make_unique<SlotOrder>(std::move(sorted));
  }

  const HistoryLimits limits_;
  const uint64_t epoch_ = NewEpoch();
  mutable std::shared_mutex mu_;
  // All guarded by mu_.
  uint64_t revision_ = 0;
  uint64_t answerable_from_ = 0;  // snapshots before this revision have no history
  std::deque<Change> history_;    // changes after the oldest pin, by revision
  std::vector<Row> ghost_rows_;   // by ghost slot & ~kGhost
  std::vector<Columns> ghost_columns_;
  std::vector<Slot> free_ghosts_;
  std::vector<Postings::Id> interned_terms_;  // Intern's, reused
  BlockArena text_;                           // the rows' blocks
  std::vector<Row> rows_;                     // by slot; a deleted job's slot stays, out of live_
  std::vector<Columns> columns_;              // by slot, beside rows_
  std::vector<IdKey> id_keys_;                // by slot, beside rows_
  SlotMap slot_of_;
  bool created_sorted_ = true;  // slots are in non-decreasing created order
  bool loading_ = false;        // between BeginLoad and Optimize: rows without postings
  Roaring live_;
  Postings exact_[std::size(kExactFields)];
  Roaring status_[core::kTrainingStatusCount];
  Roaring visibility_[2];
  Roaring assign_node_;
  Roaring latest_;
  Roaring imported_;
  std::unordered_map<core::JobNumber, Roaring> lineage_;  // versions after the first
  SlotsByKey by_public_id_;                               // folded public id → live slot
  Postings username_;
  Postings quota_name_;
  Postings tags_;
  Postings words_[4];
  std::unordered_map<uint32_t, Roaring> trigrams_;  // by Trigrams code
  std::map<int64_t, Roaring> numeric_[5];  // by NumericField (kBitmapNumerics only), by value
  // By SortField; built lazily by a search (under orders_mu_ as well), kept
  // current by every write.
  mutable std::mutex orders_mu_;
  mutable std::unique_ptr<SlotOrder> orders_[kSortFieldCount];
  // Pinned snapshots (revision → last use); searches pin under a shared lock.
  mutable std::mutex pins_mu_;
  mutable std::map<uint64_t, SteadyClock::time_point> pins_;
};

}  // namespace

std::unique_ptr<JobIndex> NewColumnIndex(HistoryLimits limits) {
  return std::make_unique<ColumnIndex>(limits);
}

}  // namespace drover::index
