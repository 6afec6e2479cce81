// `drover import --data-dir DIR FILE.jsonl`: bulk-loads job history, one
// GetJob-shaped JSON object per line, with the server stopped. Jobs keep
// their ids, statuses and times; new internal numbers follow the store's.
#pragma once

#include <string>

namespace drover::cli {

struct ImportOptions {
  std::string data_dir;
  std::string store;  // a PostgreSQL URL; empty = SQLite in data_dir
  std::string file;
  std::string tenant = "local";
  size_t batch = 20000;  // jobs per durable transaction
};

// Prints a summary (jobs, skipped, seconds, jobs/s); returns the exit code.
int Import(const ImportOptions& options);

}  // namespace drover::cli
