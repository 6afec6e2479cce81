// LoadIndex: fills an empty RecordIndex of training jobs from the store at start-up, on two
// threads. The calling thread reads and decodes the store's jobs; an
// indexer thread takes them in batches (RecordIndex::UpsertMany). Whenever
// the indexer is behind, the reader prepares a batch (RecordIndex::Prepare:
// folding, segmenting) instead of waiting for room. Then
// Optimize indexes the whole load. Throws what the store throws (a corrupt
// document), after the indexer has stopped.
#pragma once

#include "index/record_index.h"
#include "store/store.h"

namespace drover::service {

void LoadIndex(store::Store& store, index::RecordIndex& index);

}  // namespace drover::service
