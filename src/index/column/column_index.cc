// The column engine's RecordIndex calls: what a write does to a slot, and
// how a search is put together from the other parts (column_index.h).

#include "index/column/column_index.h"

#include <algorithm>
#include <unordered_map>

#include "index/continuation.h"
#include "index/match.h"
#include "text/text.h"

namespace drover::index::column {

// A slot's numbers, as a computed field reads them.
class ColumnIndex::SlotNumbers final : public NumberSource {
 public:
  SlotNumbers(const ColumnIndex& index, Slot slot) : index_(index), slot_(slot) {}
  int64_t Get(FieldId field) const override { return index_.Stored(slot_, field); }

 private:
  const ColumnIndex& index_;
  Slot slot_;
};

// Texts that repeat from record to record (one image for a thousand runs):
// among the entries of one Prepare each distinct text is segmented once.
// ICU's segmentation was a third of a bulk load's indexing.
class ColumnIndex::WordsMemo {
 public:
  const std::vector<std::string>& Of(const std::string& text) {
    auto [it, added] = seen_.try_emplace(text);
    if (added) it->second = SortedWords(it->first);
    return it->second;
  }

 private:
  std::unordered_map<std::string, std::vector<std::string>> seen_;
};

// Prepare's answer: each entry's draft, in order, and the words they share.
struct ColumnIndex::Drafts : RecordIndex::Prepared {
  WordsMemo memo;
  std::vector<Draft> drafts;
};

ColumnIndex::ColumnIndex(const Schema& schema, HistoryLimits limits)
    : schema_(schema),
      layout_(schema),
      limits_(limits),
      epoch_(NewEpoch()),
      rows_(layout_),
      ghosts_(layout_),
      strings_(schema.strings().size()),
      words_(schema.words().size()),
      // Every sortable field's, and the folded search field's (name ranges).
      orders_(schema.strings().size() + schema.numbers().size() + 1) {
  schema.Check();
  for (const NumberField& f : schema.numbers()) numbers_.emplace_back(f.small);
  // An enumeration sorts by its names: each value's rank among them.
  for (const NumberField& f : schema.numbers()) {
    std::vector<uint64_t> rank(f.names.size());
    std::vector<size_t> by_name(f.names.size());
    for (size_t v = 0; v < by_name.size(); ++v) by_name[v] = v;
    std::sort(by_name.begin(), by_name.end(),
              [&](size_t a, size_t b) { return f.names[a] < f.names[b]; });
    for (size_t pos = 0; pos < by_name.size(); ++pos) rank[by_name[pos]] = pos;
    ranks_.push_back(std::move(rank));
  }
}

ColumnIndex::~ColumnIndex() = default;

// ==== Reading a slot ========================================================

int64_t ColumnIndex::Stored(Slot s, FieldId field) const {
  const SlotTable& table = TableOf(s);
  Slot at = s & ~kGhost;
  int wide = layout_.wide[field];
  return wide != kNone ? table.Wide(at, wide) : table.Small(at, layout_.small[field]);
}

int64_t ColumnIndex::NumberAt(Slot s, FieldId field, core::TimeMs now) const {
  if (auto* compute = schema_.numbers()[field].compute) return compute(SlotNumbers(*this, s), now);
  return Stored(s, field);
}

std::string_view ColumnIndex::StringAt(Slot s, FieldId field) const {
  int stored = layout_.stored[field];
  if (stored != kNone) return RowAt(s).String(layout_, stored);
  return strings_[field].Value(TableOf(s).Id(s & ~kGhost, layout_.interned[field]));
}

bool ColumnIndex::Before(Slot a, Slot b) const {
  IdKey x = TableOf(a).id_key(a & ~kGhost);
  IdKey y = TableOf(b).id_key(b & ~kGhost);
  if (x.prefix != y.prefix) return x.prefix < y.prefix;
  if (x.prefix2 != y.prefix2) return x.prefix2 < y.prefix2;
  return PublicId(a) < PublicId(b);
}

// ==== Writing a slot ========================================================

ColumnIndex::Draft ColumnIndex::MakeDraft(const Entry& entry, WordsMemo* memo) const {
  Draft d;
  d.entry = &entry;
  d.folded_id = text::Fold(entry.public_id);
  if (d.folded_id == entry.public_id) d.folded_id.clear();
  d.folded.resize(static_cast<size_t>(layout_.interned_count));
  for (size_t f = 0; f < schema_.strings().size(); ++f) {
    if (schema_.strings()[f].contains)
      d.folded[static_cast<size_t>(layout_.interned[f])] = text::Fold(entry.strings[f]);
  }
  if (schema_.search() != kNoField) {
    std::string_view name = entry.strings[schema_.search()];
    d.folded_search = text::Fold(name);
    if (d.folded_search == name) d.folded_search.clear();
  }
  d.tags.reserve(entry.tags.size());
  for (const auto& [key, value] : entry.tags) d.tags.push_back(TagTerm(key, value));
  d.own_words.reserve(entry.texts.size());  // no reallocation: words point into it
  for (size_t w = 0; w < entry.texts.size(); ++w) {
    if (memo && schema_.words()[w].repeats) {
      d.words.push_back(&memo->Of(entry.texts[w]));
    } else {
      d.own_words.push_back(SortedWords(entry.texts[w]));
      d.words.push_back(&d.own_words.back());
    }
  }
  return d;
}

// The draft's row, its text in a block; its interned strings' dictionary ids
// (new values are added) left in interned_ids_ for the slot.
Row ColumnIndex::Intern(Draft&& d) {
  const Entry& entry = *d.entry;
  std::vector<uint32_t>& ids = interned_ids_;
  ids.resize(static_cast<size_t>(layout_.interned_count));
  for (size_t f = 0; f < schema_.strings().size(); ++f) {
    int at = layout_.interned[f];
    if (at == kNone) continue;
    auto i = static_cast<size_t>(at);
    ids[i] = strings_[f].Intern(schema_.strings()[f].contains ? std::string_view(d.folded[i])
                                                              : entry.strings[f]);
  }
  std::vector<uint32_t>& terms = interned_terms_;
  terms.clear();
  std::vector<uint32_t>& ends = interned_ends_;
  ends.clear();
  for (const std::string& tag : d.tags) terms.push_back(tags_.Intern(tag));
  ends.push_back(static_cast<uint32_t>(terms.size()));
  for (size_t w = 0; w < d.words.size(); ++w) {
    for (const std::string& word : *d.words[w]) terms.push_back(words_[w].Intern(word));
    ends.push_back(static_cast<uint32_t>(terms.size()));
  }
  std::vector<std::string_view>& stored = interned_strings_;
  stored.assign(static_cast<size_t>(layout_.stored_count), {});
  stored[Layout::kPublicId] = entry.public_id;
  stored[Layout::kFoldedId] = d.folded_id;
  for (size_t f = 0; f < schema_.strings().size(); ++f) {
    if (int at = layout_.stored[f]; at != kNone) stored[static_cast<size_t>(at)] = entry.strings[f];
  }
  if (layout_.folded_search != kNone)
    stored[static_cast<size_t>(layout_.folded_search)] = d.folded_search;
  Row row;
  row.number = entry.number;
  row.SetBlock(layout_, terms, ends, stored, text_);
  return row;
}

void ColumnIndex::Upsert(const Entry& entry) {
  Draft draft = MakeDraft(entry, nullptr);
  std::unique_lock lock(mu_);
  Apply(std::move(draft));
}

std::unique_ptr<RecordIndex::Prepared> ColumnIndex::Prepare(std::span<const Entry> entries) const {
  auto prepared = std::make_unique<Drafts>();
  prepared->drafts.reserve(entries.size());
  for (const Entry& entry : entries) prepared->drafts.push_back(MakeDraft(entry, &prepared->memo));
  return prepared;
}

// The rows are worked out first, then applied under one hold of the lock.
// What a draft holds beyond its row stays in `prepared`, to be freed by the
// thread that made it.
void ColumnIndex::UpsertMany(std::span<const Entry> entries, Prepared* prepared) {
  std::unique_ptr<Prepared> own;
  if (!prepared) {
    own = Prepare(entries);
    prepared = own.get();
  }
  auto& drafts = static_cast<Drafts&>(*prepared).drafts;
  std::unique_lock lock(mu_);
  for (Draft& draft : drafts) Apply(std::move(draft));
}

void ColumnIndex::Apply(Draft&& draft) {
  const Entry& entry = *draft.entry;
  uint64_t number = entry.number;
  core::TimeMs created = entry.numbers[schema_.created()];
  const Slot* it = slot_of_.find(number);
  if (it && loading_) {  // not indexed yet: replaced in place
    Slot slot = *it;
    if (created != CreatedAt(slot)) created_sorted_ = false;
    Forget(rows_.row(slot));
    Row row = Intern(std::move(draft));
    rows_.Put(slot, std::move(row), interned_ids_, entry, schema_);
    return;
  }
  bool keep = BeginChange();
  if (it) {
    Slot slot = *it;
    std::vector<size_t> moved = OrdersMovedBy(slot, draft);
    Row row = Intern(std::move(draft));
    Slot ghost = keep ? Retire(slot) : RemovePostings(slot);
    if (created != CreatedAt(slot)) created_sorted_ = false;
    Forget(rows_.row(slot));  // unless Retire moved it to the ghost
    rows_.Put(slot, std::move(row), interned_ids_, entry, schema_);
    AddPostings(slot);
    for (size_t order : moved) {
      orders_[order]->Place(slot, SlotLess{this, SortOfOrder(order)});
    }
    EndChange(slot, ghost, keep);
    return;
  }
  auto slot = static_cast<Slot>(rows_.size());
  if (slot > 0 && created < CreatedAt(slot - 1)) created_sorted_ = false;
  rows_.Resize(slot + size_t{1});
  Row row = Intern(std::move(draft));
  rows_.Put(slot, std::move(row), interned_ids_, entry, schema_);
  slot_of_.Set(number, slot);
  if (loading_) return;  // Optimize indexes the whole load at once
  AddPostings(slot);
  Reorder(slot);
  EndChange(slot, kNoSlot, keep);
}

void ColumnIndex::Erase(uint64_t number) {
  std::unique_lock lock(mu_);
  const Slot* it = slot_of_.find(number);
  if (!it) return;
  bool keep = BeginChange();
  Slot slot = *it;
  Slot ghost = keep ? Retire(slot) : RemovePostings(slot);
  slot_of_.erase(number);  // the slot stays, dead: creation order is kept
  Unorder(slot);
  EndChange(slot, ghost, keep);
}

void ColumnIndex::BeginLoad(size_t expected) {
  std::unique_lock lock(mu_);
  loading_ = rows_.size() == 0;
  // Grown once, not by doubling: at 10M records each doubling copied
  // gigabytes into freshly zeroed pages.
  rows_.Reserve(expected);
}

void ColumnIndex::Optimize() {
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
  if (!indexed) AddAllPostings();
  live_.runOptimize();
}

std::map<std::string, uint64_t> ColumnIndex::Plans() const {
  static constexpr const char* kNames[kPlanCount] = {"walk",  "kept-order", "groups",     "top-k",
                                                     "radix", "name-range", "value-range"};
  std::map<std::string, uint64_t> plans;
  for (int p = 0; p < kPlanCount; ++p) plans[kNames[p]] = plans_[p].load();
  return plans;
}

size_t ColumnIndex::Size() const {
  std::shared_lock lock(mu_);
  return slot_of_.size();
}

// Copies the live blocks to a fresh arena, leaving the dead words behind.
void ColumnIndex::CompactText() {
  BlockArena fresh;
  for (Row& row : rows_.rows()) row.MoveBlock(layout_, fresh);
  for (Slot g = 0; g < ghosts_.size(); ++g) ghosts_.row(g).MoveBlock(layout_, fresh);
  text_ = std::move(fresh);
}

Page ColumnIndex::Search(const Query& query) const {
  Query q = query;
  if (q.sort.field == kNoField) q.sort = SortBy::Number(schema_.created());
  std::shared_lock lock(mu_);
  Page page;
  page.snapshot = q.at ? *q.at : Snapshot{epoch_, revision_};
  Scope scope(*this, q.at);
  Roaring hits = Filter(q, scope);
  page.total = static_cast<int64_t>(hits.cardinality());
  if (q.pin && q.offset < page.total && q.limit < page.total - q.offset)
    Pin(page.snapshot.revision);
  if (q.offset >= page.total || q.limit <= 0) return page;
  // Slot order is creation order for live slots only, not for ghosts.
  bool walk =
      q.sort == SortBy::Number(schema_.created()) && created_sorted_ && hits.maximum() < kGhost;
  if (walk) Count(kWalk);
  std::vector<Slot> slots = walk ? PageByCreated(hits, q) : PageBySorting(hits, q);
  for (Slot s : slots) page.ids.push_back(RowAt(s).number);
  return page;
}

std::vector<RecordIndex::FacetCount> ColumnIndex::Facet(FacetOf of, FieldId field,
                                                        const Query& among) const {
  std::shared_lock lock(mu_);
  Scope scope(*this, among.at);
  Roaring hits = Filter(among, scope);
  std::vector<FacetCount> facet;
  const Postings& postings = of == FacetOf::kWords ? words_[field] : strings_[field];
  postings.ForEach([&](const std::string& value, const Roaring& b) {
    if (value.empty()) return;
    uint64_t count = b.and_cardinality(hits);
    if (count > 0) facet.push_back({value, static_cast<int64_t>(count)});
  });
  std::sort(facet.begin(), facet.end(),
            [](const FacetCount& a, const FacetCount& b) { return a.value < b.value; });
  return facet;
}

size_t ColumnIndex::MemoryBytes() const {
  std::shared_lock lock(mu_);
  size_t bytes = text_.MemoryBytes() + rows_.MemoryBytes() + ghosts_.MemoryBytes() +
                 slot_of_.MemoryBytes() + live_.getSizeInBytes() + tags_.MemoryBytes() +
                 by_public_id_.MemoryBytes();
  for (const auto& v : {&interned_ids_, &interned_terms_, &interned_ends_}) {
    bytes += v->capacity() * sizeof(uint32_t);
  }
  bytes += interned_strings_.capacity() * sizeof(std::string_view);
  for (const Postings& p : strings_) bytes += p.MemoryBytes();
  for (const ValueBitmaps& v : numbers_) bytes += v.MemoryBytes();
  for (const Postings& p : words_) bytes += p.MemoryBytes();
  for (const auto& [trigram, b] : trigrams_) bytes += 48 + sizeof(Roaring) + b.getSizeInBytes();
  std::lock_guard orders(orders_mu_);
  for (const auto& order : orders_) {
    if (order) bytes += order->MemoryBytes();
  }
  return bytes;
}

}  // namespace drover::index::column

namespace drover::index {

std::unique_ptr<RecordIndex> NewColumnIndex(const Schema& schema, HistoryLimits limits) {
  return std::make_unique<column::ColumnIndex>(schema, limits);
}

}  // namespace drover::index
