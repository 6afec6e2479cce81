// Resources: CPU, memory and GPUs as the scheduler counts them, the node's
// capacity, and per-ResourceId quotas.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "core/training_job.h"

namespace boost::json {
class object;
}

namespace drover::runner {

struct Resources {
  int64_t cpu_milli = 0;  // thousandths of a core
  int64_t memory_bytes = 0;
  int64_t gpus = 0;

  Resources& operator+=(const Resources& o);
  Resources& operator-=(const Resources& o);
  // Every dimension of `this` is ≤ the same dimension of `limit`.
  bool FitsIn(const Resources& limit) const;
  std::string ToString() const;  // "cpu=2 memory=4Gi gpu=1"
  bool operator==(const Resources&) const = default;
};

// What one pod of `role` asks for. Throws core::Error(kInvalidArgument)
// for unreadable quantities.
Resources PodRequest(const core::RoleSpec& role);
// What the whole job asks for (every pod).
Resources JobRequest(const core::TrainingJob& job);

// This machine: its cores and memory; GPUs are 0 unless declared.
Resources DetectNodeCapacity();

// ResourceId → limit. The file is JSON:
//   {"quota-a": {"CPU": "8", "Memory": "32Gi", "GPU": "2"}, …}
// Throws std::runtime_error naming the problem.
using Quotas = std::map<std::string, Resources>;
Quotas LoadQuotas(const std::filesystem::path& file);
// The quota file's object, for each reader of its entries (LoadQuotas,
// runner::LoadExecutorChoices). Throws std::runtime_error naming the problem.
boost::json::object ReadQuotaFile(const std::filesystem::path& file);

}  // namespace drover::runner
