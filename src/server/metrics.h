// Metrics: what GET /metrics answers, in the Prometheus text format —
// requests by dialect, action and status with their latencies; records of
// each kind by status and each index's rows; the runner's queue, running
// jobs and pods and the node's capacity and free CPUs, memory and GPUs;
// the store's group commit (transaction and fsync latency, batches per
// group); the process's resident memory. Read when scraped, from what each
// part already keeps; nothing is computed between scrapes.
#pragma once

#include <string>
#include <vector>

namespace drover::api {
class Router;
}
namespace drover::index {
class RecordIndex;
}
namespace drover::runner {
class Runner;
}
namespace drover::store {
class GroupCommitStore;
}

namespace drover::server {

struct MetricsSources {
  const api::Router* router = nullptr;
  const store::GroupCommitStore* store = nullptr;
  const runner::Runner* runner = nullptr;
  // Every kind's index; a kind whose schema has a number field "Status"
  // with names is counted by status.
  std::vector<const index::RecordIndex*> indexes;
};

// The /metrics text of what `sources` names (a null source is left out).
std::string RenderMetrics(const MetricsSources& sources);

}  // namespace drover::server
