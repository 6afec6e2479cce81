// PromWriter: the Prometheus text exposition format (version 0.0.4), as
// GET /metrics answers it. One family at a time: Family writes its HELP
// and TYPE lines, then its samples follow.
//
//   PromWriter w;
//   w.Family("drover_queue_jobs", "gauge", "Jobs waiting for resources.");
//   w.Sample("drover_queue_jobs", {}, 3);
//   std::string text = w.Take();
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/latency_histogram.h"

namespace drover::core {

using PromLabels = std::vector<std::pair<std::string_view, std::string>>;

class PromWriter {
 public:
  // `type`: counter, gauge or histogram.
  void Family(std::string_view name, std::string_view type, std::string_view help);
  void Sample(std::string_view name, const PromLabels& labels, double value);
  // A histogram's _bucket (cumulative, with le), _sum and _count samples.
  void Histogram(std::string_view name, const PromLabels& labels,
                 const LatencyHistogram::Snapshot& snapshot);
  std::string Take() { return std::move(text_); }

 private:
  void Labels(const PromLabels& labels, std::string_view le);
  std::string text_;
};

}  // namespace drover::core
