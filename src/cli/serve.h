// `drover serve`: wires store → index → service → dialects → HTTP server.
#pragma once

#include <string>

namespace drover::cli {

struct ServeOptions {
  std::string listen;    // HOST:PORT
  std::string data_dir;  // created when absent
  int threads = 0;       // 0 = one per core
};

// Runs until SIGINT or SIGTERM; returns the process exit code.
int Serve(const ServeOptions& options);

}  // namespace drover::cli
