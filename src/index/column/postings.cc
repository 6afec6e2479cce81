// Rows in and out of the column engine's bitmaps: one at a time on a
// write, all at once (on two threads) after a bulk load, and the
// renumbering that puts slots in creation order.

#include <thread>

#include "index/column/column_index.h"
#include "index/posting_runs.h"

namespace drover::index::column {

// Every field bitmap a slot is in (not live_, not the text terms): its
// interned strings' values and its numbers with bitmaps. The field half and
// the text half share no bitmap (AddAllPostings fills them on two threads).
template <class F>
void ColumnIndex::ForEachFieldPosting(Slot s, F&& f) {
  const SlotTable& table = TableOf(s);
  Slot at_slot = s & ~kGhost;
  for (size_t field = 0; field < strings_.size(); ++field) {
    if (int at = layout_.interned[field]; at != kNone) f(strings_[field].At(table.Id(at_slot, at)));
  }
  for (size_t field = 0; field < numbers_.size(); ++field) {
    if (schema_.numbers()[field].bitmaps)
      f(numbers_[field].At(Stored(s, static_cast<FieldId>(field))));
  }
}

// A row's text terms as (kind, key): kind 0 its tags (key: tags_ id), 1…W
// its words by words field (words_ id), W + 1 the trigrams of its folded
// search field (code; a trigram twice in one name comes twice, which adding
// and removing allow).
template <class F>
void ColumnIndex::ForEachTextTerm(Slot s, F&& f) const {
  const Row& row = RowAt(s);
  for (int group = 0; group < layout_.term_groups; ++group) {
    for (uint32_t term : row.Terms(layout_, group)) f(group, term);
  }
  if (schema_.search() == kNoField) return;
  std::string_view name = FoldedSearch(s);
  for (size_t i = 0; i + 3 <= name.size(); ++i) f(layout_.term_groups, TrigramAt(name, i));
}

Roaring& ColumnIndex::TextBitmap(int kind, uint32_t key) {
  if (kind == 0) return tags_.At(key);
  if (kind < layout_.term_groups) return words_[static_cast<size_t>(kind - 1)].At(key);
  return trigrams_[key];
}

template <class F>
void ColumnIndex::ForEachPosting(Slot s, F&& f) {
  ForEachFieldPosting(s, f);
  ForEachTextTerm(s, [&](int kind, uint32_t key) { f(TextBitmap(kind, key)); });
}

void ColumnIndex::AddPostings(Slot slot) {
  live_.add(slot);
  ForEachPosting(slot, [slot](Roaring& b) { b.add(slot); });
  by_public_id_.Insert(slot, RowKey());
}

Slot ColumnIndex::RemovePostings(Slot slot) {
  live_.remove(slot);
  ForEachPosting(slot, [slot](Roaring& b) { b.remove(slot); });
  by_public_id_.Erase(slot, RowKey());
  return kNoSlot;
}

void ColumnIndex::MovePostings(Slot from, Slot to) {
  ForEachPosting(to, [from, to](Roaring& b) {
    b.remove(from);
    b.add(to);
  });
}

void ColumnIndex::DropPostings(Slot slot) {
  ForEachPosting(slot, [slot](Roaring& b) { b.remove(slot); });
}

// AddPostings for every slot, on two threads that share no bitmap: the
// field postings and the public ids on this one, the text postings on the
// other. Each bitmap takes a chunk's slots in one addMany (PostingRuns): at
// 10M jobs, 9.4 s for what adding slot by slot took 17.
void ColumnIndex::AddAllPostings() {
  auto count = static_cast<Slot>(rows_.size());
  by_public_id_.Reserve(count, RowKey());
  std::thread text([this] { AddAllTextPostings(); });
  live_.addRange(0, count);
  BitmapRuns fields;
  for (Slot begin = 0; begin < count; begin += PostingRuns::kChunk) {
    Slot end = std::min<Slot>(begin + PostingRuns::kChunk, count);
    for (Slot slot = begin; slot < end; ++slot)
      ForEachFieldPosting(slot, [&fields, slot](Roaring& b) { fields.Add(b, slot); });
    fields.Flush();
  }
  // A pass of its own: interleaved with the postings, the table's random
  // probes and the runs' buffers evicted each other (0.87 s at 1M jobs,
  // against 0.32 + 0.19 s apart).
  for (Slot slot = 0; slot < count; ++slot) by_public_id_.Insert(slot, RowKey());
  text.join();
}

// The text postings of every slot, a chunk of slots at a time.
void ColumnIndex::AddAllTextPostings() {
  auto count = static_cast<Slot>(rows_.size());
  std::vector<PostingRuns> runs(static_cast<size_t>(TextKinds()));
  for (Slot begin = 0; begin < count; begin += PostingRuns::kChunk) {
    Slot end = std::min<Slot>(begin + PostingRuns::kChunk, count);
    for (Slot slot = begin; slot < end; ++slot) {
      ForEachTextTerm(slot, [&runs, slot](int kind, uint32_t key) {
        runs[static_cast<size_t>(kind)].Add(key, slot);
      });
    }
    for (int kind = 0; kind < TextKinds(); ++kind) {
      runs[static_cast<size_t>(kind)].Flush([&](uint32_t key, std::span<const Slot> slots) {
        TextBitmap(kind, key).addMany(slots.size(), slots.data());
      });
    }
  }
}

// Everything derived from the rows (postings, history, kept orders), before
// the rows are renumbered.
void ColumnIndex::ClearPostings() {
  history_.clear();  // slots are renumbered: prior versions cannot be placed
  for (Slot g = 0; g < ghosts_.size(); ++g) Forget(ghosts_.row(g));
  ghosts_.Clear();
  free_ghosts_.clear();
  answerable_from_ = revision_;
  live_ = Roaring();
  for (Postings& p : strings_) p.ClearBitmaps();
  for (ValueBitmaps& values : numbers_) values.Clear();
  tags_.ClearBitmaps();
  for (Postings& p : words_) p.ClearBitmaps();
  trigrams_.clear();
  by_public_id_.Clear();
  for (auto& order : orders_) order.reset();
}

// Puts the live rows in creation order (ties by public id) and drops the
// dead ones, in place: a permutation of the slots, followed cycle by cycle,
// so no second copy of the rows is ever held.
void ColumnIndex::Renumber() {
  // Sorted as (time, slot) pairs side by side, not slots compared through
  // the columns: at 10M jobs each comparison was two cache misses.
  struct Keyed {
    core::TimeMs created;
    Slot slot;
  };
  auto count = static_cast<Slot>(rows_.size());
  std::vector<Keyed> keyed;
  keyed.reserve(count);
  for (Slot s = 0; s < count; ++s) {
    const Slot* it = slot_of_.find(rows_.row(s).number);
    if (it && *it == s) keyed.push_back({CreatedAt(s), s});
  }
  std::sort(keyed.begin(), keyed.end(), [&](const Keyed& a, const Keyed& b) {
    if (a.created != b.created) return a.created < b.created;
    return Before(a.slot, b.slot);
  });
  size_t live = keyed.size();
  std::vector<Slot> order;  // new slot → old slot
  order.reserve(count);
  for (const Keyed& k : keyed) order.push_back(k.slot);
  keyed = {};
  std::vector<bool> taken(count);
  for (Slot s : order) taken[s] = true;
  for (Slot s = 0; s < count; ++s) {
    if (!taken[s]) order.push_back(s);  // the dead, at the end
  }
  std::vector<bool> done(count);
  SlotValues held;
  for (Slot start = 0; start < count; ++start) {
    if (done[start]) continue;
    done[start] = true;
    if (order[start] == start) continue;
    // Slot `start` takes what is at order[start], which takes what is at
    // order[order[start]], and so on around the cycle.
    rows_.Take(start, held);
    Slot to = start;
    for (Slot from = order[to]; from != start; to = from, from = order[to]) {
      rows_.Move(to, from);
      done[from] = true;
    }
    rows_.Put(to, std::move(held));
  }
  for (Slot s = static_cast<Slot>(live); s < count; ++s) Forget(rows_.row(s));
  rows_.Resize(live);
  slot_of_.clear();
  for (Slot s = 0; s < live; ++s) slot_of_.Set(rows_.row(s).number, s);
  created_sorted_ = true;
}

}  // namespace drover::index::column
