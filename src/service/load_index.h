// LoadIndex: fills an empty RecordIndex with every record of one kind from
// the store at start-up, on two threads. The calling thread reads and
// decodes the store's records; an indexer thread takes them in batches
// (RecordIndex::UpsertMany). Whenever the indexer is behind, the reader
// prepares a batch (RecordIndex::Prepare: folding, segmenting) instead of
// waiting for room. Then Optimize indexes the whole load. Throws what the
// store throws (a corrupt document), after the indexer has stopped.
#pragma once

#include <exception>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "core/bounded_queue.h"
#include "index/record_index.h"
#include "store/codec.h"

namespace drover::service {

// `also`, when given, sees every record too (on the reading thread).
template <class T>
void LoadIndex(store::Store& store, index::RecordIndex& index, const index::SchemaOf<T>& schema,
               const std::function<void(const T&)>& also = {}) {
  struct Batch {
    std::vector<T> records;
    std::vector<index::Entry> entries;                       // of `records`, which stay in place
    std::unique_ptr<index::RecordIndex::Prepared> prepared;  // null: the indexer prepares them
  };
  constexpr size_t kBatchSize = 256;
  constexpr size_t kQueuedBatches = 8;  // the reader runs at most this far ahead
  auto extract = [&schema](Batch& batch) {
    batch.entries.reserve(batch.records.size());
    for (const T& record : batch.records) batch.entries.push_back(schema.Extract(record));
  };

  index.BeginLoad(store::MaxNumber<T>(store));
  core::BoundedQueue<Batch> handoff(kQueuedBatches);
  core::Spent<Batch> spent;  // indexed, freed by the reader that made them
  std::exception_ptr indexer_failure;
  std::thread indexer([&] {
    try {
      for (Batch batch; handoff.Pop(batch);) {
        index.UpsertMany(batch.entries, batch.prepared.get());
        spent.GiveBack(std::move(batch));
      }
    } catch (...) {
      indexer_failure = std::current_exception();
      handoff.Close();
    }
  });
  std::exception_ptr reader_failure;
  try {
    Batch batch;
    store::ForEach<T>(store, [&](T&& record) {
      if (also) also(record);
      batch.records.push_back(std::move(record));
      if (batch.records.size() < kBatchSize) return;
      extract(batch);
      // The indexer is behind: rather than wait, take a share of its work.
      // So both threads stay busy: at 10M jobs, 40 s to serving, not 46-52.
      if (handoff.Full()) batch.prepared = index.Prepare(batch.entries);
      handoff.Push(std::move(batch));
      spent.Take();  // freed here, on the thread that allocated them
      batch = Batch();
      batch.records.reserve(kBatchSize);
    });
    extract(batch);
    handoff.Push(std::move(batch));
  } catch (...) {
    reader_failure = std::current_exception();
  }
  handoff.Close();
  indexer.join();
  if (reader_failure) std::rethrow_exception(reader_failure);
  if (indexer_failure) std::rethrow_exception(indexer_failure);
  index.Optimize();
}

}  // namespace drover::service
