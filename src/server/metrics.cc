#include "server/metrics.h"

#include <unistd.h>

#include <fstream>

#include "api/http/router.h"
#include "core/prometheus.h"
#include "index/record_index.h"
#include "runner/runner.h"
#include "store/sqlite_store.h"

namespace drover::server {

namespace {

using core::PromWriter;

void Requests(const api::Router& router, PromWriter& w) {
  std::vector<api::Router::RequestStats> stats = router.Stats();
  w.Family("drover_http_requests_total", "counter",
           "Requests answered, by dialect (path family), action and HTTP status.");
  for (const auto& s : stats) {
    w.Sample("drover_http_requests_total",
             {{"dialect", s.dialect}, {"action", s.action}, {"status", std::to_string(s.status)}},
             static_cast<double>(s.latency.count));
  }
  w.Family("drover_http_request_duration_seconds", "histogram",
           "Time from a request's route found to its answer ready, by dialect, action and status.");
  for (const auto& s : stats) {
    w.Histogram(
        "drover_http_request_duration_seconds",
        {{"dialect", s.dialect}, {"action", s.action}, {"status", std::to_string(s.status)}},
        s.latency);
  }
}

void Records(const std::vector<const index::RecordIndex*>& indexes, PromWriter& w) {
  w.Family("drover_index_rows", "gauge", "Records in each kind's list index.");
  for (const index::RecordIndex* index : indexes) {
    w.Sample("drover_index_rows", {{"kind", index->schema().kind()}},
             static_cast<double>(index->Size()));
  }
  w.Family("drover_index_memory_bytes", "gauge",
           "Heap bytes of each kind's list index, estimated from its structures (bitmaps by "
           "their serialized size).");
  for (const index::RecordIndex* index : indexes) {
    w.Sample("drover_index_memory_bytes", {{"kind", index->schema().kind()}},
             static_cast<double>(index->MemoryBytes()));
  }
  w.Family("drover_records", "gauge", "Records of each kind that has a status, by status.");
  for (const index::RecordIndex* index : indexes) {
    const auto& numbers = index->schema().numbers();
    for (size_t field = 0; field < numbers.size(); ++field) {
      const index::NumberField& status = numbers[field];
      if (status.name != "Status" || status.names.empty() || !status.bitmaps) continue;
      for (size_t value = 0; value < status.names.size(); ++value) {
        index::Query q;
        q.values[static_cast<index::FieldId>(field)] = {static_cast<int64_t>(value)};
        q.limit = 0;
        w.Sample("drover_records",
                 {{"kind", index->schema().kind()}, {"status", status.names[value]}},
                 static_cast<double>(index->Search(q).total));
      }
    }
  }
}

void Node(const runner::Runner& runner, PromWriter& w) {
  runner::Runner::Usage u = runner.CurrentUsage();
  w.Family("drover_queue_jobs", "gauge", "Training jobs waiting for resources.");
  w.Sample("drover_queue_jobs", {}, static_cast<double>(u.queued));
  w.Family("drover_running_jobs", "gauge", "Training jobs with pods started.");
  w.Sample("drover_running_jobs", {}, static_cast<double>(u.running_jobs));
  w.Family("drover_running_pods", "gauge", "Pods whose process lives.");
  w.Sample("drover_running_pods", {}, static_cast<double>(u.running_pods));
  // Each resource as capacity (what jobs may use), allocated (held by
  // running jobs) and free.
  auto resource = [&](const char* name, const char* help, double capacity, double free) {
    w.Family(name, "gauge", help);
    w.Sample(name, {{"state", "capacity"}}, capacity);
    w.Sample(name, {{"state", "allocated"}}, capacity - free);
    w.Sample(name, {{"state", "free"}}, free);
  };
  resource("drover_node_cpu_cores", "CPU cores jobs may use, held by running jobs, and free.",
           static_cast<double>(u.capacity.cpu_milli) / 1000,
           static_cast<double>(u.free.cpu_milli) / 1000);
  resource("drover_node_memory_bytes", "Memory jobs may use, held by running jobs, and free.",
           static_cast<double>(u.capacity.memory_bytes), static_cast<double>(u.free.memory_bytes));
  resource("drover_node_gpus", "GPUs jobs may use, held by running jobs, and free.",
           static_cast<double>(u.capacity.gpus), static_cast<double>(u.free.gpus));
}

void Store(const store::GroupCommitStore& store, PromWriter& w) {
  store::GroupCommitStore::Stats s = store.GroupCommitStats();
  w.Family("drover_store_commit_duration_seconds", "histogram",
           "One group commit's transaction: every batch waiting, written and committed (with "
           "PostgreSQL, its fsync too).");
  w.Histogram("drover_store_commit_duration_seconds", {}, s.write);
  w.Family("drover_store_fsync_duration_seconds", "histogram",
           "SQLite: one fsync of the write-ahead log, shared by every write waiting.");
  w.Histogram("drover_store_fsync_duration_seconds", {}, s.flush);
  w.Family("drover_store_batches_total", "counter", "Write batches committed.");
  w.Sample("drover_store_batches_total", {}, static_cast<double>(s.batches));
  w.Family("drover_store_commit_groups_total", "counter",
           "Group commits (transactions); batches per group is the ratio of the two.");
  w.Sample("drover_store_commit_groups_total", {}, static_cast<double>(s.groups));
}

void Process(PromWriter& w) {
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  if (!(statm >> size >> resident)) return;
  w.Family("process_resident_memory_bytes", "gauge", "Resident memory of the server process.");
  w.Sample("process_resident_memory_bytes", {},
           static_cast<double>(resident) * static_cast<double>(::sysconf(_SC_PAGESIZE)));
}

}  // namespace

std::string RenderMetrics(const MetricsSources& sources) {
  PromWriter w;
  if (sources.router) Requests(*sources.router, w);
  Records(sources.indexes, w);
  if (sources.runner) Node(*sources.runner, w);
  if (sources.store) Store(*sources.store, w);
  Process(w);
  return w.Take();
}

}  // namespace drover::server
