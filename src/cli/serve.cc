#include "cli/serve.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <stdexcept>
#include <thread>

#include "api/dlc/dlc_api.h"
#include "index/job_index.h"
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

  api::Router router;
  api::dlc::AddRoutes(router, jobs, [](const api::Request&) { return service::Principal::Local(); });

  server::HttpServer http(router, host, port);
  int threads = options.threads > 0 ? options.threads
                                    : static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
  spdlog::info("drover listening on {}:{}", host, http.port());
  http.Run(threads);
  spdlog::info("drover stopped");
  return 0;
}

}  // namespace drover::cli
