// LatencyHistogram: how long something took, counted into fixed buckets
// (Prometheus's `le` bounds, 100 µs to 10 s), lock-free: Observe is a few
// relaxed atomic adds, safe from any number of threads at once. Read gives
// a snapshot for rendering (core/prometheus.h).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

namespace drover::core {

class LatencyHistogram {
 public:
  // Upper bounds in seconds; a last, implicit bucket is +Inf.
  static constexpr std::array<double, 14> kBounds = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 10};

  void Observe(std::chrono::nanoseconds took);

  struct Snapshot {
    std::array<uint64_t, kBounds.size() + 1> buckets{};  // per bucket, not cumulative
    uint64_t count = 0;
    double sum_seconds = 0;
  };
  Snapshot Read() const;

 private:
  std::array<std::atomic<uint64_t>, kBounds.size() + 1> buckets_{};
  std::atomic<uint64_t> sum_nanos_ = 0;
};

}  // namespace drover::core
