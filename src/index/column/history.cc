// The column engine's history: revisions, the snapshots continuations pin,
// and the ghost slots that hold prior versions while a pin needs them.
// LiveAt answers "which slots make up the index at snapshot S", so no
// filter or sort needs to know about ghosts.

#include "index/column/column_index.h"
#include "index/continuation.h"

namespace drover::index::column {

// Starts a revision; says whether prior versions must be kept for it.
bool ColumnIndex::BeginChange() {
  ++revision_;
  std::lock_guard pins(pins_mu_);
  return OldestPin().has_value();
}

void ColumnIndex::EndChange(Slot slot, Slot ghost, bool keep) {
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
    if (gone.ghost != kNoSlot) FreeGhost(gone.ghost);
    answerable_from_ = std::max(answerable_from_, gone.revision);
    history_.pop_front();
  }
  if (text_.WorthCompacting()) CompactText();
}

// Moves the slot's current version, postings and all, to a new ghost slot;
// the live slot is left with no postings but keeps a copy of its values
// (kept orders still hold it, and compare the ghost with it as it is placed).
Slot ColumnIndex::Retire(Slot slot) {
  Slot ghost;
  if (!free_ghosts_.empty()) {
    ghost = free_ghosts_.back();
    free_ghosts_.pop_back();
  } else {
    ghost = kGhost | static_cast<Slot>(ghosts_.size());
    ghosts_.Resize(ghosts_.size() + 1);
  }
  by_public_id_.Erase(slot, RowKey());
  SlotValues moving;
  rows_.Take(slot, moving);
  rows_.row(slot) = moving.row.Clone(layout_, text_);
  ghosts_.Put(ghost & ~kGhost, std::move(moving));
  live_.remove(slot);
  MovePostings(slot, ghost);
  Reorder(ghost);
  return ghost;
}

void ColumnIndex::FreeGhost(Slot ghost) {
  DropPostings(ghost);
  Unorder(ghost);
  Forget(ghosts_.row(ghost & ~kGhost));
  free_ghosts_.push_back(ghost);
}

// The oldest pinned revision still in its lifetime; expired pins at the
// front are dropped on the way. Caller holds pins_mu_.
std::optional<uint64_t> ColumnIndex::OldestPin() const {
  SteadyClock::time_point now = SteadyClock::now();
  while (!pins_.empty() && (pins_.begin()->second + limits_.token_lifetime <= now ||
                            pins_.size() > limits_.max_changes)) {
    pins_.erase(pins_.begin());
  }
  if (pins_.empty()) return std::nullopt;
  return pins_.begin()->first;
}

void ColumnIndex::Pin(uint64_t revision) const {
  std::lock_guard pins(pins_mu_);
  pins_[revision] = SteadyClock::now();
}

ColumnIndex::Scope::Scope(const ColumnIndex& index, const std::optional<Snapshot>& at)
    : index_(index), at_(at.has_value()) {
  if (!at) return;
  if (at->epoch != index.epoch_ || at->revision > index.revision_ ||
      at->revision < index.answerable_from_)
    ThrowSnapshotExpired();
  // live_ with the slots changed since swapped for the ghosts that held
  // their state then.
  past_ = index.live_;
  auto after = std::upper_bound(index.history_.begin(), index.history_.end(), at->revision,
                                [](uint64_t r, const Change& c) { return r < c.revision; });
  Roaring seen;
  for (auto it = after; it != index.history_.end(); ++it) {
    if (!seen.addChecked(it->slot)) continue;  // its first change after S holds its state at S
    past_.remove(it->slot);
    if (it->ghost != kNoSlot) {
      past_.add(it->ghost);
      ghosts_.push_back(it->ghost);
    }
  }
}

// Live slots are found by the public-id table; a ghost by its own id.
Roaring ColumnIndex::Scope::WithPublicIds(const std::vector<std::string>& folded) const {
  Roaring found;
  for (const std::string& id : folded) {
    Slot slot = index_.by_public_id_.Find(id, index_.RowKey());
    if (slot != SlotsByKey::kNone) found.add(slot);
  }
  for (Slot g : ghosts_) {
    if (std::find(folded.begin(), folded.end(), index_.FoldedId(g)) != folded.end()) found.add(g);
  }
  return found;
}

Roaring ColumnIndex::Scope::WithNumber(uint64_t number) const {
  Roaring found;
  if (const Slot* live = index_.slot_of_.find(number)) found.add(*live);
  for (Slot g : ghosts_) {
    if (index_.RowAt(g).number == number) found.add(g);
  }
  return found;
}

// Live slots by binary search of the creation order; ghosts one by one.
Roaring ColumnIndex::Scope::CreatedIn(int64_t from, int64_t to) const {
  Roaring in = index_.CreatedRange(from, to);
  bool zero_is_none = index_.schema_.numbers()[index_.schema_.created()].zero_is_none;
  for (Slot g : ghosts_) {
    core::TimeMs t = index_.CreatedAt(g);
    if (!(t == 0 && zero_is_none) && t >= from && t <= to) in.add(g);
  }
  return in;
}

}  // namespace drover::index::column
