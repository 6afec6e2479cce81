#include "service/load_index.h"

#include <exception>
#include <thread>
#include <vector>

#include "core/bounded_queue.h"

namespace drover::service {

namespace {

using Batch = std::vector<core::Job>;

constexpr size_t kBatchSize = 256;
constexpr size_t kQueuedBatches = 8;  // the reader runs at most this far ahead

}  // namespace

void LoadIndex(store::Store& store, index::JobIndex& index) {
  index.BeginLoad(store.MaxJobNumber());
  core::BoundedQueue<Batch> handoff(kQueuedBatches);
  core::Spent<Batch> spent;  // indexed, freed by the reader that made them
  std::exception_ptr indexer_failure;
  std::thread indexer([&] {
    try {
      for (Batch batch; handoff.Pop(batch);) {
        index.UpsertMany(batch);
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
    store.ForEachJob([&](core::Job&& job) {
      batch.push_back(std::move(job));
      if (batch.size() < kBatchSize) return;
      handoff.Push(std::move(batch));
      spent.Take();  // freed here, on the thread that allocated them
      batch = Batch();
      batch.reserve(kBatchSize);
    });
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
