// RecordWriter: the one write path, for records of every kind. A write is
// a Batch of records (of any kinds, applied all or nothing); Commit puts it
// in the store (safe from a crash of the process), then applies it to the
// index of each kind it touches; Acknowledge returns once the store has it
// on stable storage — one fsync for every writer waiting (group commit).
// Only then is the write acknowledged to the client.
//
// A service keeps its own lock around what must read and write at once
// (check a name, then create); Commit itself keeps the indexes in store
// order: batches are committed and indexed one at a time.
//
//   RecordWriter::Batch batch(writer);
//   batch.Put(dataset);
//   batch.Put(first_version);            // one commit for both kinds
//   store::Revision r = writer.Commit(batch);
//   ... release the service's lock ...
//   writer.Acknowledge(r);
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

#include "index/record_index.h"
#include "store/codec.h"

namespace drover::service {

class RecordWriter {
 public:
  explicit RecordWriter(store::Store& store) : store_(store) {}

  // Records of type T are indexed by `index`, as `schema` declares them
  // (a kind with no index is only stored). Both must outlive the writer.
  template <class T>
  void Follow(const index::SchemaOf<T>& schema, index::RecordIndex& index) {
    followers_[store::Codec<T>::kKind.id] = {&index, &schema};
  }

  // What Watch installs for one kind.
  struct Watcher {
    std::function<void(const void*)> put;
    std::function<void(uint64_t)> erase;
  };

  // Calls `put` with every record of type T a committed batch puts, and
  // `erase` with every number it deletes, right after the indexes and in
  // the same order: for what follows a kind beside its RecordIndex (the
  // catalogue's vectors). Both must be quick and must not throw.
  template <class T>
  void Watch(std::function<void(const T&)> put, std::function<void(uint64_t)> erase) {
    watchers_[store::Codec<T>::kKind.id] = {
        [put = std::move(put)](const void* record) { put(*static_cast<const T*>(record)); },
        std::move(erase)};
  }

  class Batch {
   public:
    explicit Batch(const RecordWriter& writer) : writer_(writer) {}
    // `record` must outlive the batch (its index entry refers to it).
    template <class T>
    void Put(const T& record) {
      store::KindId kind = store::Codec<T>::kKind.id;
      mutations_.push_back(store::Put(record));
      if (const Follower* f = writer_.FollowerOf(kind))
        updates_.push_back(
            {f->index, static_cast<const index::SchemaOf<T>*>(f->schema)->Extract(record), true});
      if (const Watcher* w = writer_.WatcherOf(kind)) watches_.push_back({w, &record, 0});
    }
    template <class T>
    void Delete(uint64_t number) {
      store::KindId kind = store::Codec<T>::kKind.id;
      mutations_.push_back(store::Delete<T>(number));
      if (const Follower* f = writer_.FollowerOf(kind))
        updates_.push_back({f->index, ErasureOf(number), false});
      if (const Watcher* w = writer_.WatcherOf(kind)) watches_.push_back({w, nullptr, number});
    }

   private:
    friend class RecordWriter;
    static index::Entry ErasureOf(uint64_t number) {
      index::Entry entry;
      entry.number = number;
      return entry;
    }
    struct Update {
      index::RecordIndex* index;
      index::Entry entry;
      bool put;  // else an erase of entry.number
    };
    struct Watch {
      const Watcher* watcher;
      const void* record;  // put; null: an erase of `number`
      uint64_t number;
    };
    const RecordWriter& writer_;
    std::vector<store::Mutation> mutations_;
    std::vector<Update> updates_;
    std::vector<Watch> watches_;
  };

  // Commits the batch to the store, then to the indexes. Throws what the
  // store throws, and then nothing is written anywhere.
  store::Revision Commit(const Batch& batch) {
    std::lock_guard lock(mu_);
    store::Revision revision = store_.Commit(batch.mutations_);
    Index(batch);
    return revision;
  }
  // Commits the batch to the store only: for records no one can know of
  // before the reply (new ones), which the caller then indexes with Index
  // outside its own lock, in parallel with other requests, before
  // acknowledging.
  // No lock: what no one knows of has no index order to keep, and the
  // store's Commit is safe to call from several threads.
  store::Revision CommitUnindexed(const Batch& batch) { return store_.Commit(batch.mutations_); }
  void Index(const Batch& batch) const {
    for (const Batch::Update& u : batch.updates_) {
      if (u.put) {
        u.index->Upsert(u.entry);
      } else {
        u.index->Erase(u.entry.number);
      }
    }
    for (const Batch::Watch& w : batch.watches_) {
      if (w.record) {
        w.watcher->put(w.record);
      } else {
        w.watcher->erase(w.number);
      }
    }
  }
  // Returns once `revision` and every earlier one are on stable storage.
  void Acknowledge(store::Revision revision) { store_.Sync(revision); }

 private:
  struct Follower {
    index::RecordIndex* index = nullptr;
    const void* schema = nullptr;  // an index::SchemaOf<T>
  };
  const Follower* FollowerOf(store::KindId kind) const {
    auto it = followers_.find(kind);
    return it == followers_.end() ? nullptr : &it->second;
  }
  const Watcher* WatcherOf(store::KindId kind) const {
    auto it = watchers_.find(kind);
    return it == watchers_.end() ? nullptr : &it->second;
  }

  store::Store& store_;
  std::map<store::KindId, Follower> followers_;
  std::map<store::KindId, Watcher> watchers_;
  std::mutex mu_;  // one batch at a time: indexes see revisions in store order
};

}  // namespace drover::service
