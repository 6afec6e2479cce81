// drover: the server and its command-line tools.
//
//   drover serve [--listen HOST:PORT] [--data-dir DIR]
//
// Flags fall back to DROVER_LISTEN and DROVER_DATA_DIR, then to
// 127.0.0.1:8080 and ./drover-data.

#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdlib>

#include "cli/serve.h"

namespace {

std::string EnvOr(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Drover: a self-hosted control plane for AI jobs and datasets"};
  app.require_subcommand(1);

  drover::cli::ServeOptions serve;
  serve.listen = EnvOr("DROVER_LISTEN", "127.0.0.1:8080");
  serve.data_dir = EnvOr("DROVER_DATA_DIR", "./drover-data");
  CLI::App* serve_cmd = app.add_subcommand("serve", "Run the API server");
  serve_cmd->add_option("--listen", serve.listen, "HOST:PORT to listen on (port 0 picks one)")
      ->capture_default_str();
  serve_cmd->add_option("--data-dir", serve.data_dir, "Directory of the embedded store")
      ->capture_default_str();
  serve_cmd->add_option("--threads", serve.threads, "HTTP worker threads (0 = one per core)");
  serve_cmd->add_option("--cpus", serve.cpus, "CPU cores jobs may use (default: this machine's)");
  serve_cmd->add_option("--memory", serve.memory, "Memory jobs may use, e.g. 64Gi (default: this machine's)");
  serve_cmd->add_option("--gpus", serve.gpus, "GPUs jobs may use, numbered 0..N-1")->capture_default_str();
  serve_cmd->add_option("--quota-file", serve.quota_file,
                        "JSON file of resource quotas: {\"quota-id\": {\"CPU\": \"8\", \"GPU\": \"2\", \"Memory\": \"32Gi\"}}");
  serve_cmd->add_option("--stop-grace-seconds", serve.stop_grace_seconds,
                        "Seconds between SIGTERM and SIGKILL when a job is stopped")
      ->capture_default_str();

  CLI11_PARSE(app, argc, argv);
  try {
    if (serve_cmd->parsed()) return drover::cli::Serve(serve);
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    return 1;
  }
  return 0;
}
