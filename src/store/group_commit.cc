#include "store/group_commit.h"

#include <algorithm>
#include <iterator>
#include <limits>

#include "core/error.h"

namespace drover::store {

namespace {

core::Error Unavailable() {
  return core::Error(core::ErrorCode::kUnavailable,
                     "the store is unavailable; the request was not applied or may be applied "
                     "once the store is reachable again");
}

// How often a writer that finds the backend down tries to reach it again.
constexpr std::chrono::milliseconds kRecoverInterval{250};

}  // namespace

GroupCommitStore::GroupCommitStore(std::span<const RecordKind> kinds, bool commit_is_durable)
    : kinds_(kinds.begin(), kinds.end()), commit_is_durable_(commit_is_durable) {}

void GroupCommitStore::Resume(Revision revision, const std::map<KindId, uint64_t>& max_numbers) {
  std::scoped_lock lock(queue_mu_, sync_mu_);
  assigned_ = written_ = synced_ = revision;
  max_numbers_ = max_numbers;
}

const RecordKind& GroupCommitStore::KindOf(KindId id) const {
  for (const RecordKind& kind : kinds_) {
    if (kind.id == id) return kind;
  }
  throw core::Error(core::ErrorCode::kInternal, "no kind of record has id " + std::to_string(id));
}

void GroupCommitStore::CheckAvailable() {
  if (!unavailable_.load(std::memory_order_acquire)) return;
  {
    std::lock_guard lock(recover_mu_);
    auto now = std::chrono::steady_clock::now();
    if (unavailable_ && now - last_recover_ >= kRecoverInterval) {
      last_recover_ = now;
      if (Recover()) unavailable_ = false;
    }
  }
  if (unavailable_) throw Unavailable();
}

bool GroupCommitStore::TakenInQueue(const Mutation& put) const {
  auto queued = staged_ids_.find({put.kind, put.record.public_id});
  if (queued != staged_ids_.end()) {
    const Record& holder = queued->second.mutation->record;
    const Staged* current = StagedRecord(put.kind, holder.number);
    if (current && current->mutation == queued->second.mutation) {
      return holder.number != put.record.number;
    }
  }
  return reserved_ids_.contains({put.kind, put.record.public_id});
}

bool GroupCommitStore::HeldByStored(const Mutation& put, uint64_t holder) const {
  const Staged* current = StagedRecord(put.kind, holder);
  // Held, unless a queued batch deletes the holder or renames it away.
  return !current || (current->mutation->op == Mutation::Op::kPut &&
                      current->mutation->record.public_id == put.record.public_id);
}

Revision GroupCommitStore::Commit(const std::vector<Mutation>& batch) {
  for (const Mutation& m : batch) KindOf(m.kind);  // throws for an unregistered kind
  CheckAvailable();
  auto exists = [&](const Mutation& m) {
    return core::Error(core::ErrorCode::kAlreadyExists,
                       std::string(KindOf(m.kind).name) + " " + m.record.public_id + " exists");
  };
  // A new record's public id is looked up among the stored, outside the
  // lock (with PostgreSQL, a round trip), while the id is reserved so that
  // no other batch takes it meanwhile. A record that exists keeps its
  // public id: a changed one is checked when written.
  std::vector<const Mutation*> lookups;
  {
    std::lock_guard lock(queue_mu_);
    for (const Mutation& m : batch) {
      if (m.op != Mutation::Op::kPut) continue;
      if (TakenInQueue(m)) throw exists(m);
      if (m.record.number > max_numbers_[m.kind]) lookups.push_back(&m);
    }
    for (const Mutation* m : lookups) reserved_ids_.insert({m->kind, m->record.public_id});
  }
  struct Release {
    GroupCommitStore& store;
    const std::vector<const Mutation*>& ids;
    ~Release() {
      std::lock_guard lock(store.queue_mu_);
      for (const Mutation* m : ids) store.reserved_ids_.erase({m->kind, m->record.public_id});
    }
  } release{*this, lookups};
  std::vector<PublicId> ids;
  ids.reserve(lookups.size());
  for (const Mutation* m : lookups) ids.emplace_back(m->kind, m->record.public_id);
  std::vector<std::optional<uint64_t>> holders =
      ids.empty() ? std::vector<std::optional<uint64_t>>() : StoredNumbers(ids);

  std::lock_guard lock(queue_mu_);
  for (size_t i = 0; i < lookups.size(); ++i) {
    if (holders[i] && HeldByStored(*lookups[i], *holders[i])) throw exists(*lookups[i]);
  }
  for (const Mutation& m : batch) {
    if (m.op == Mutation::Op::kPut) {
      max_numbers_[m.kind] = std::max(max_numbers_[m.kind], m.record.number);
    }
  }
  Revision revision = ++assigned_;
  const Queued& queued = queue_.emplace_back(Queued{revision, batch});
  for (const Mutation& m : queued.batch) {
    staged_[{m.kind, m.record.number}] = Staged{revision, &m};
    if (m.op == Mutation::Op::kPut)
      staged_ids_[{m.kind, m.record.public_id}] = Staged{revision, &m};
  }
  staged_count_ = staged_.size();
  return revision;
}

std::vector<std::optional<uint64_t>> GroupCommitStore::StoredNumbers(
    const std::vector<PublicId>& ids) {
  std::vector<std::optional<uint64_t>> numbers;
  numbers.reserve(ids.size());
  for (const auto& [kind, public_id] : ids) {
    std::optional<Record> stored = StoredFind(kind, public_id);
    numbers.push_back(stored ? std::optional(stored->number) : std::nullopt);
  }
  return numbers;
}

const GroupCommitStore::Staged* GroupCommitStore::StagedRecord(KindId kind, uint64_t number) const {
  auto it = staged_.find({kind, number});
  return it == staged_.end() ? nullptr : &it->second;
}

void GroupCommitStore::Write(std::deque<Queued>& group, Failures& failures) {
  try {
    WriteGroup(group, nullptr);
    return;
  } catch (const core::Error& e) {
    if (e.code() != core::ErrorCode::kAlreadyExists) throw;
  }
  // A batch clashed (rare: a stored record renamed to a taken public id):
  // again, each batch in a savepoint of its own, so only it is undone.
  WriteGroup(group, &failures);
}

void GroupCommitStore::Unstage(const std::deque<Queued>& group) {
  std::lock_guard lock(queue_mu_);
  for (const Queued& queued : group) {
    for (const Mutation& m : queued.batch) {
      // Only this mutation's own entries: a later batch's stay.
      auto staged = staged_.find({m.kind, m.record.number});
      if (staged != staged_.end() && staged->second.mutation == &m) staged_.erase(staged);
      if (m.op != Mutation::Op::kPut) continue;
      auto id = staged_ids_.find({m.kind, m.record.public_id});
      if (id != staged_ids_.end() && id->second.mutation == &m) staged_ids_.erase(id);
    }
  }
  staged_count_ = staged_.size();
}

void GroupCommitStore::WakeFirst(Revision after, Revision upto) {
  auto first = waiters_.upper_bound(after);
  if (first == waiters_.end() || first->first > upto) return;
  first->second->woken = true;
  first->second->cv.notify_one();
}

void GroupCommitStore::WakeUpTo(Revision upto) {
  for (auto it = waiters_.begin(); it != waiters_.end() && it->first <= upto; ++it) {
    it->second->woken = true;
    it->second->cv.notify_one();
  }
}

void GroupCommitStore::WaitSynced(Revision revision) {
  {
    std::lock_guard lock(queue_mu_);
    revision = std::min(revision, assigned_);  // none newer exists to wait for
  }
  std::unique_lock lock(sync_mu_);
  if (synced_ >= revision) return;
  // Waiters are woken one by one, only when there is something for them:
  // their revision synced, or a role to take (the next group to write, the
  // written group to flush). Waking every waiter at every step cost more
  // CPU in context switches than the writes themselves.
  Waiter me;
  auto registered = waiters_.emplace(revision, &me);
  struct Unregister {
    std::multimap<Revision, Waiter*>& waiters;
    std::multimap<Revision, Waiter*>::iterator entry;
    ~Unregister() { waiters.erase(entry); }
  } unregister{waiters_, registered};
  constexpr Revision kAll = std::numeric_limits<Revision>::max();
  while (synced_ < revision) {
    if (written_ < revision && unavailable_) {
      // The batch stays queued, to be written once the backend is back.
      lock.unlock();
      CheckAvailable();  // throws while still down
      lock.lock();
      continue;
    }
    if (written_ < revision && !writing_) {
      // Write every batch queued so far, in one transaction.
      writing_ = true;
      std::deque<Queued> group;
      Revision upto = 0;
      {
        std::lock_guard queue_lock(queue_mu_);
        group.swap(queue_);
        upto = assigned_;
      }
      lock.unlock();
      Failures failures;
      std::exception_ptr error;
      bool down = false;
      auto started = std::chrono::steady_clock::now();
      try {
        Write(group, failures);
      } catch (const core::Error& e) {
        down = e.code() == core::ErrorCode::kUnavailable;
        error = std::current_exception();
      } catch (...) {
        error = std::current_exception();
      }
      if (down) {
        // Back to the head of the queue, in order, still seen by reads.
        {
          std::lock_guard queue_lock(queue_mu_);
          for (auto it = group.rbegin(); it != group.rend(); ++it)
            queue_.push_front(std::move(*it));
        }
        lock.lock();
        writing_ = false;
        unavailable_ = true;
        WakeUpTo(kAll);  // each to answer kUnavailable, or to recover and write
        continue;
      }
      if (!group.empty()) {
        write_latency_.Observe(std::chrono::steady_clock::now() - started);
        groups_written_.fetch_add(1, std::memory_order_relaxed);
        batches_written_.fetch_add(group.size(), std::memory_order_relaxed);
      }
      Unstage(group);  // written, or failed: reads go to the backend again
      lock.lock();
      writing_ = false;
      written_ = std::max(written_, upto);
      if (commit_is_durable_) synced_ = std::max(synced_, written_);
      for (auto& [failed, why] : failures) failed_[failed] = why;
      if (error) {
        for (const Queued& queued : group) failed_[queued.revision] = error;
      }
      if (commit_is_durable_) WakeUpTo(synced_);
      WakeFirst(written_, kAll);  // the next group's writer, while this one is flushed
      continue;
    }
    if (written_ >= revision && !flushing_ && !commit_is_durable_) {
      // One flush covers everything written so far.
      flushing_ = true;
      Revision target = written_;
      lock.unlock();
      std::exception_ptr error;
      auto started = std::chrono::steady_clock::now();
      try {
        Flush();
      } catch (...) {
        error = std::current_exception();
      }
      flush_latency_.Observe(std::chrono::steady_clock::now() - started);
      lock.lock();
      flushing_ = false;
      if (!error) synced_ = std::max(synced_, target);
      WakeUpTo(synced_);
      // A group written meanwhile needs a syncer (one is waiting in it).
      WakeFirst(synced_, written_);
      if (error) std::rethrow_exception(error);
      continue;
    }
    me.woken = false;
    me.cv.wait(lock, [&] { return me.woken; });
  }
}

void GroupCommitStore::Sync(Revision revision) {
  WaitSynced(revision);
  std::lock_guard lock(sync_mu_);
  auto failed = failed_.find(revision);
  if (failed == failed_.end()) return;
  std::exception_ptr why = failed->second;
  failed_.erase(failed);
  std::rethrow_exception(why);
}

GroupCommitStore::Stats GroupCommitStore::GroupCommitStats() const {
  return Stats{write_latency_.Read(), flush_latency_.Read(),
               batches_written_.load(std::memory_order_relaxed),
               groups_written_.load(std::memory_order_relaxed)};
}

void GroupCommitStore::Adopt(uint64_t installation_key,
                             const std::map<KindId, uint64_t>& max_numbers) {
  Drain();
  WriteAdopted(installation_key, max_numbers);
  std::lock_guard lock(queue_mu_);
  for (const auto& [kind, max] : max_numbers) {
    max_numbers_[kind] = std::max(max_numbers_[kind], max);
  }
}

void GroupCommitStore::Drain() {
  Revision upto = 0;
  {
    std::lock_guard lock(queue_mu_);
    upto = assigned_;
  }
  WaitSynced(upto);
}

std::optional<std::optional<Record>> GroupCommitStore::QueuedRecord(KindId kind,
                                                                    uint64_t number) const {
  if (staged_count_ == 0) return std::nullopt;
  std::lock_guard lock(queue_mu_);
  const Staged* staged = StagedRecord(kind, number);
  if (!staged) return std::nullopt;
  if (staged->mutation->op == Mutation::Op::kDelete) return std::optional<Record>();
  return std::optional<Record>(staged->mutation->record);
}

std::optional<Record> GroupCommitStore::Get(KindId kind, uint64_t number) {
  if (std::optional<std::optional<Record>> queued = QueuedRecord(kind, number)) return *queued;
  KindOf(kind);
  return StoredGet(kind, number);
}

std::vector<Record> GroupCommitStore::GetMany(KindId kind, const std::vector<uint64_t>& numbers) {
  // Queued records first; the rest from the backend, in one read.
  std::vector<std::optional<std::optional<Record>>> queued(numbers.size());
  std::vector<uint64_t> stored_numbers;
  for (size_t i = 0; i < numbers.size(); ++i) {
    queued[i] = QueuedRecord(kind, numbers[i]);
    if (!queued[i]) stored_numbers.push_back(numbers[i]);
  }
  std::vector<std::optional<Record>> stored;
  if (!stored_numbers.empty()) {
    KindOf(kind);
    stored = StoredGetMany(kind, stored_numbers);
  }
  std::vector<Record> records;
  records.reserve(numbers.size());
  size_t next_stored = 0;
  for (auto& q : queued) {
    std::optional<Record>* r = q ? &*q : &stored[next_stored++];
    if (*r) records.push_back(std::move(**r));
  }
  return records;
}

std::optional<Record> GroupCommitStore::Find(KindId kind, std::string_view public_id) {
  if (staged_count_ > 0) {
    std::lock_guard lock(queue_mu_);
    auto it = staged_ids_.find({kind, std::string(public_id)});
    if (it != staged_ids_.end()) {
      const Staged* holder = StagedRecord(kind, it->second.mutation->record.number);
      if (holder && holder->mutation == it->second.mutation) return it->second.mutation->record;
    }
  }
  KindOf(kind);
  std::optional<Record> stored = StoredFind(kind, public_id);
  if (!stored) return stored;
  // A queued change of that record decides: deleted, or renamed away.
  if (std::optional<std::optional<Record>> queued = QueuedRecord(kind, stored->number)) {
    if (!*queued || (*queued)->public_id != public_id) return std::nullopt;
    return *queued;
  }
  return stored;
}

}  // namespace drover::store
