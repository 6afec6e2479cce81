// `drover serve`: wires store → index → service → dialects → HTTP server.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace drover::cli {

struct ServeOptions {
  std::string listen;                  // HOST:PORT
  std::string data_dir;                // created when absent
  std::string store;                   // a PostgreSQL URL; empty = SQLite in data_dir
  int threads = 0;                     // 0 = 4 per core, at least 16
  size_t max_connections = 0;          // 0 = from the descriptor limit
  double header_timeout_seconds = 60;  // idle keep-alive and slow headers

  // The node the runner schedules on: detected, unless declared.
  std::optional<double> cpus;
  std::string memory;  // e.g. "64Gi"; empty = detected
  int64_t gpus = 0;
  std::string quota_file;          // JSON ResourceId → limits; empty = no quotas
  std::string executor = "local";  // where jobs run: local or slurm (runner/slurm_executor.h)
  std::string slurm_partition;     // the Slurm target of jobs whose quota names none
  std::string slurm_account;
  std::string slurm_qos;
  std::string slurm_gpu_type;
  std::string storage_map;             // JSON file-system id → directory (service/storage_map.h)
  std::string pod_log_limit = "64Mi";  // rotate a pod's log at this size
  double stop_grace_seconds = 10;
  std::string max_object_size = "5Gi";  // a simple put's (and a part's) largest body
  std::vector<std::string> oss_domains = {"localhost"};  // <bucket>.<domain> hosts
  double restore_seconds = -1;  // every archive class's restore time; <0 = per-class defaults
  double restore_day_seconds = 86400;     // the unit of RestoreObject's Days
  int batch_workers = 2;                  // OSS batch jobs running at once
  int batch_chunk_tasks = 1000;           // tasks per durable progress step
  double overview_interval_seconds = 60;  // the console's overview: a sample each interval
  bool auth = true;                       // --auth=off accepts unsigned requests as the local user
  std::string log_level = "info";         // spdlog level; info logs one line per request
};

// Runs until SIGINT or SIGTERM; returns the process exit code.
int Serve(const ServeOptions& options);

}  // namespace drover::cli
