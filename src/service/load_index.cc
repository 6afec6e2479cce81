#include "service/load_index.h"

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace drover::service {

namespace {

using Batch = std::vector<core::Job>;

constexpr size_t kBatchSize = 256;
constexpr size_t kQueuedBatches = 8;  // the reader runs at most this far ahead

// Batches from the reader to the indexer, and back once indexed: the reader
// frees them, because glibc frees memory from another thread's arena
// slowly (it takes that arena's lock for every block).
class Handoff {
 public:
  // Waits for room; dropped once the indexer has stopped.
  void Push(Batch batch) {
    std::unique_lock lock(mu_);
    room_.wait(lock, [&] { return full_.size() < kQueuedBatches || closed_; });
    if (closed_) return;
    full_.push_back(std::move(batch));
    ready_.notify_one();
  }
  // The next batch to index; false once closed and drained.
  bool Pop(Batch& batch) {
    std::unique_lock lock(mu_);
    ready_.wait(lock, [&] { return !full_.empty() || closed_; });
    if (full_.empty()) return false;
    batch = std::move(full_.front());
    full_.pop_front();
    room_.notify_one();
    return true;
  }
  void GiveBack(Batch batch) {
    std::lock_guard lock(mu_);
    spent_.push_back(std::move(batch));
  }
  std::vector<Batch> TakeSpent() {
    std::lock_guard lock(mu_);
    return std::move(spent_);
  }
  // No more batches: Pop drains what is queued, Push drops.
  void Close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    ready_.notify_all();
    room_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable ready_;
  std::condition_variable room_;
  std::deque<Batch> full_;
  std::vector<Batch> spent_;
  bool closed_ = false;
};

}  // namespace

void LoadIndex(store::Store& store, index::JobIndex& index) {
  index.BeginLoad();
  Handoff handoff;
  std::exception_ptr indexer_failure;
  std::thread indexer([&] {
    try {
      for (Batch batch; handoff.Pop(batch);) {
        index.UpsertMany(batch);
        handoff.GiveBack(std::move(batch));
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
      handoff.TakeSpent();  // freed here, on the thread that allocated them
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
