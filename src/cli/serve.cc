#include "cli/serve.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <stdexcept>
#include <thread>

#include "api/dlc/dlc_api.h"
#include "api/modelarts/modelarts_api.h"
#include "core/quantity.h"
#include "index/job_index.h"
#include "runner/runner.h"
#include "server/http_server.h"
#include "service/job_service.h"
#include "store/sqlite_store.h"

namespace drover::cli {

namespace {

std::pair<std::string, uint16_t> SplitListen(const std::string& listen) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("--listen must be HOST:PORT: " + listen);
  int port = std::stoi(listen.substr(colon + 1));
  if (port < 0 || port > 65535) throw std::runtime_error("--listen port out of range: " + listen);
  return {listen.substr(0, colon), static_cast<uint16_t>(port)};
}

}  // namespace

int Serve(const ServeOptions& options) {
  auto [host, port] = SplitListen(options.listen);
  std::filesystem::create_directories(options.data_dir);
  std::filesystem::path db_path = std::filesystem::path(options.data_dir) / "drover.db";

  core::SystemClock clock;
  std::unique_ptr<store::SqliteStore> store = store::SqliteStore::Open(db_path);
  std::unique_ptr<index::JobIndex> index = index::NewScanIndex();
  service::JobService jobs(*store, *index, clock);
  spdlog::info("store {} loaded: {} jobs at revision {}", db_path.string(), index->Size(),
               store->CurrentRevision());

  runner::RunnerOptions run;
  run.jobs_dir = std::filesystem::path(options.data_dir) / "jobs";
  run.capacity = runner::DetectNodeCapacity();
  if (options.cpus) run.capacity.cpu_milli = static_cast<int64_t>(*options.cpus * 1000);
  if (!options.memory.empty()) {
    std::optional<int64_t> bytes = core::ParseMemoryBytes(options.memory);
    if (!bytes) throw std::runtime_error("--memory must be a quantity such as 64Gi: " + options.memory);
    run.capacity.memory_bytes = *bytes;
  }
  run.capacity.gpus = options.gpus;
  if (!options.quota_file.empty()) run.quotas = runner::LoadQuotas(options.quota_file);
  run.stop_grace_ms = static_cast<core::TimeMs>(options.stop_grace_seconds * 1000);
  runner::Runner runner(jobs, run, clock);
  runner.Start();
  spdlog::info("runner: node {} , {} quotas", run.capacity.ToString(), run.quotas.size());

  api::Router router;
  auto local_user = [](const api::Request&) { return service::Principal::Local(); };
  api::dlc::AddRoutes(router, jobs, local_user);
  api::modelarts::AddRoutes(router, jobs, local_user);

  server::HttpServer http(router, host, port);
  int threads = options.threads > 0 ? options.threads
                                    : static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
  spdlog::info("drover listening on {}:{}", host, http.port());
  http.Run(threads);
  spdlog::info("drover stopped");
  return 0;
}

}  // namespace drover::cli
