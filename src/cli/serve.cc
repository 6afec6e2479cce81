#include "cli/serve.h"

#include <malloc.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "api/dataset/dataset_api.h"
#include "api/dlc/dlc_api.h"
#include "api/dlc/overview_api.h"
#include "api/modelarts/modelarts_api.h"
#include "api/oss/batch_api.h"
#include "api/oss/oss_api.h"
#include "auth/authenticator.h"
#include "cli/keys.h"
#include "cli/logging.h"
#include "console/assets.h"
#include "core/error.h"
#include "core/quantity.h"
#include "index/record_index.h"
#include "runner/batch_job_runner.h"
#include "runner/dataset_job_runner.h"
#include "runner/local_executor.h"
#include "runner/runner.h"
#include "runner/slurm_executor.h"
#include "server/http_server.h"
#include "server/metrics.h"
#include "service/batch_job_schema.h"
#include "service/batch_job_service.h"
#include "service/dataset_job_schema.h"
#include "service/dataset_schema.h"
#include "service/dataset_service.h"
#include "service/job_schema.h"
#include "service/job_service.h"
#include "service/object_service.h"
#include "service/overview_service.h"
#include "service/workspace_directory.h"
#include "store/open.h"

namespace drover::cli {

namespace {

// On first start with authentication on, an admin key for tenant "local",
// written where only its owner can read it.
void WriteFirstAdminKey(store::KeyStore& keys, const std::string& data_dir, core::TimeMs now) {
  core::AccessKey key = keys.Create("local", "admin", core::Policy::kAdmin, {}, now);
  std::filesystem::path path = std::filesystem::path(data_dir) / "admin-key.json";
  {
    std::ofstream out(path);
    out << KeyJson(key) << "\n";
  }
  std::filesystem::permissions(
      path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
      std::filesystem::perm_options::replace);
  spdlog::info("created the first admin access key {}; its secret is in {}", key.id, path.string());
}

std::pair<std::string, uint16_t> SplitListen(const std::string& listen) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("--listen must be HOST:PORT: " + listen);
  int port = std::stoi(listen.substr(colon + 1));
  if (port < 0 || port > 65535) throw std::runtime_error("--listen port out of range: " + listen);
  return {listen.substr(0, colon), static_cast<uint16_t>(port)};
}

// Raises the soft descriptor limit to the hard one, and keeps a quarter of
// what it allows (at least 64) for the store, logs and pods' pipes: the
// rest is for connections. At the usual soft limit of 1024, 1,124 idle
// connections had locked every new client out.
size_t DefaultMaxConnections() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 512;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? 1 << 20 : limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  size_t files = limit.rlim_cur == RLIM_INFINITY ? 1 << 20 : static_cast<size_t>(limit.rlim_cur);
  size_t reserve = std::max<size_t>(64, files / 4);
  return files > reserve + 16 ? files - reserve : 16;
}

}  // namespace

int Serve(const ServeOptions& options) {
  ConfigureLogging(options.log_level);
  auto [host, port] = SplitListen(options.listen);
  std::filesystem::create_directories(options.data_dir);

  core::SystemClock clock;
  store::Stores stores = store::OpenStores(options.store, options.data_dir);
  store::GroupCommitStore* store = stores.records.get();
  std::unique_ptr<index::RecordIndex> index = index::NewColumnIndex(service::JobSchema());
  auto indexing = std::chrono::steady_clock::now();
  service::JobService jobs(*store, *index, clock);  // reads the store into the index
  std::chrono::duration<double> indexed = std::chrono::steady_clock::now() - indexing;
  spdlog::info("store {} loaded: {} jobs at revision {}, indexed in {:.1f} s", stores.where,
               index->Size(), store->CurrentRevision(), indexed.count());
  std::unique_ptr<index::RecordIndex> dataset_index =
      index::NewColumnIndex(service::DatasetSchema());
  std::unique_ptr<index::RecordIndex> version_index =
      index::NewColumnIndex(service::DatasetVersionSchema());
  service::StorageMap storage = options.storage_map.empty()
                                    ? service::StorageMap()
                                    : service::StorageMap::Load(options.storage_map);
  service::DatasetService datasets(*store, *dataset_index, *version_index, storage, clock);
  std::unique_ptr<index::RecordIndex> dataset_job_index =
      index::NewColumnIndex(service::DatasetJobSchema());
  std::unique_ptr<index::RecordIndex> job_config_index =
      index::NewColumnIndex(service::DatasetJobConfigSchema());
  std::unique_ptr<index::RecordIndex> file_index =
      index::NewColumnIndex(service::DatasetFileSchema());
  service::DatasetJobService dataset_jobs(*store, datasets, *dataset_job_index, *job_config_index,
                                          *file_index, clock);
  spdlog::info("{} datasets, {} versions, {} dataset jobs, {} catalogued files indexed",
               dataset_index->Size(), version_index->Size(), dataset_job_index->Size(),
               file_index->Size());
  runner::DatasetJobRunner dataset_job_runner(dataset_jobs, storage);
  dataset_job_runner.Start();
  // The sort orders the index keeps, built now rather than by the first
  // query that sorts by each (~165 ms each at a million jobs).
  std::jthread prepare_orders([&index, &dataset_index, &version_index] {
    auto started = std::chrono::steady_clock::now();
    size_t built = index->PrepareSortOrders() + dataset_index->PrepareSortOrders() +
                   version_index->PrepareSortOrders();
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    // The start-up's scratch (drafts, posting runs, order keys) is freed but
    // kept by the allocator (cli/main.cc keeps freed memory for reuse):
    // hand its pages back now that the start-up is over.
    malloc_trim(0);
    spdlog::info("{} sort orders ready in {:.1f} s", built, took.count());
  });

  runner::RunnerOptions run;
  run.jobs_dir = std::filesystem::path(options.data_dir) / "jobs";
  run.capacity = runner::DetectNodeCapacity();
  if (options.cpus) run.capacity.cpu_milli = static_cast<int64_t>(*options.cpus * 1000);
  if (!options.memory.empty()) {
    std::optional<int64_t> bytes = core::ParseMemoryBytes(options.memory);
    if (!bytes)
      throw std::runtime_error("--memory must be a quantity such as 64Gi: " + options.memory);
    run.capacity.memory_bytes = *bytes;
  }
  run.capacity.gpus = options.gpus;
  if (!options.quota_file.empty()) run.quotas = runner::LoadQuotas(options.quota_file);
  run.stop_grace_ms = static_cast<core::TimeMs>(options.stop_grace_seconds * 1000);
  run.storage = &storage;
  jobs.SetDataSources(&datasets);
  std::optional<int64_t> log_limit = core::ParseMemoryBytes(options.pod_log_limit);
  if (!log_limit || *log_limit < 4096) {
    throw std::runtime_error(
        "--pod-log-limit must be a size of at least 4096 bytes, such as 64Mi: " +
        options.pod_log_limit);
  }
  runner::LocalExecutor local(runner::LocalExecutor::DefaultSupervisor(),
                              static_cast<uint64_t>(*log_limit));
  // Slurm, for every job (--executor slurm) or for the quotas that ask.
  std::map<std::string, runner::ExecutorChoice> choices;
  if (!options.quota_file.empty()) choices = runner::LoadExecutorChoices(options.quota_file);
  std::unique_ptr<runner::SlurmExecutor> slurm;
  bool any_slurm = options.executor == "slurm" ||
                   std::any_of(choices.begin(), choices.end(),
                               [](const auto& c) { return c.second.executor == "slurm"; });
  if (any_slurm) {
    runner::SlurmOptions slurm_options;
    // The binary's own path, which the nodes run it by (not /proc/self/exe,
    // which names each node's own process there).
    slurm_options.drover = std::filesystem::read_symlink("/proc/self/exe");
    slurm_options.target = {options.slurm_partition, options.slurm_account, options.slurm_qos,
                            options.slurm_gpu_type};
    for (const auto& [id, choice] : choices) {
      if (choice.executor == "slurm") slurm_options.targets[id] = choice.target;
    }
    slurm_options.log_limit = static_cast<uint64_t>(*log_limit);
    slurm = std::make_unique<runner::SlurmExecutor>(std::move(slurm_options));
  }
  for (const auto& [id, choice] : choices) {
    run.executors[id] =
        choice.executor == "slurm" ? static_cast<runner::Executor*>(slurm.get()) : &local;
  }
  runner::Executor& executor =
      options.executor == "slurm" ? static_cast<runner::Executor&>(*slurm) : local;
  runner::Runner runner(jobs, executor, run, clock);
  runner.Start();
  spdlog::info("runner: node {}, {} quotas, jobs run {}", run.capacity.ToString(),
               run.quotas.size(), options.executor == "slurm" ? "on Slurm" : "here");

  // Object storage: data files under objects/, bodies spooled beside them
  // (one file system, so adopting one is a rename).
  service::ObjectServiceOptions object_options;
  object_options.dir = (std::filesystem::path(options.data_dir) / "objects").string();
  std::optional<int64_t> max_object = core::ParseMemoryBytes(options.max_object_size);
  if (!max_object || *max_object < 1) {
    throw std::runtime_error("--max-object-size must be a size such as 5Gi: " +
                             options.max_object_size);
  }
  object_options.max_object_size = static_cast<uint64_t>(*max_object);
  if (options.restore_seconds >= 0) {
    for (core::TimeMs& t : object_options.restore_time) {
      if (t > 0) t = static_cast<core::TimeMs>(options.restore_seconds * 1000);
    }
  }
  object_options.restore_day = static_cast<core::TimeMs>(options.restore_day_seconds * 1000);
  if (object_options.restore_day < 1) {
    throw std::runtime_error("--oss-restore-day-seconds must be positive");
  }
  service::ObjectService objects(*store, clock, object_options);
  objects.Load();
  std::filesystem::path spool_dir = std::filesystem::path(options.data_dir) / "objects" / "spool";
  std::filesystem::remove_all(spool_dir);  // bodies of requests a crash cut short
  std::filesystem::create_directories(spool_dir);
  api::oss::OssOptions oss_options;
  oss_options.domains = options.oss_domains;
  std::unique_ptr<index::RecordIndex> batch_index =
      index::NewColumnIndex(service::BatchJobSchema());
  service::BatchJobService batch_jobs(*store, *batch_index, objects, clock,
                                      (std::filesystem::path(options.data_dir) / "batch").string(),
                                      api::oss::ReportRow);
  batch_jobs.Load();
  runner::BatchJobRunner batch_runner(batch_jobs, options.batch_workers, options.batch_chunk_tasks);
  batch_runner.Start();

  store::KeyStore* keys = stores.keys.get();
  auth::Authenticator authenticator(*keys, clock);
  if (options.auth && keys->Empty()) WriteFirstAdminKey(*keys, options.data_dir, clock.Now());
  if (!options.auth) spdlog::warn("authentication is off: every request acts as the local admin");
  api::Router router(
      [&](const api::Request& r, const api::Dialect& dialect, const api::Route& route) {
        if (!options.auth) return service::Principal::Local();
        return authenticator.Authenticate({r.method, r.target, r.headers, r.body},
                                          dialect.verifiers, route.anonymous);
      });
  // The console's overview series: each tenant a key names, and the node.
  service::OverviewService::Options overview_options;
  overview_options.interval =
      static_cast<core::TimeMs>(options.overview_interval_seconds * core::kMsPerSecond);
  service::OverviewService overview(
      *store, *index,
      [&runner] {
        runner::Runner::Usage u = runner.CurrentUsage();
        auto held = [](int64_t capacity, int64_t free) {
          return core::ResourceSample{capacity, capacity - free};
        };
        return service::NodeUsage{held(u.capacity.cpu_milli, u.free.cpu_milli),
                                  held(u.capacity.memory_bytes, u.free.memory_bytes),
                                  held(u.capacity.gpus, u.free.gpus)};
      },
      [keys] {
        std::vector<std::string> tenants = {"local"};
        for (const core::AccessKey& key : keys->List()) tenants.push_back(key.tenant);
        return tenants;
      },
      clock, overview_options);
  overview.Start();
  api::Dialect dlc = api::dlc::MakeDialect(jobs);
  api::dlc::AddOverviewRoute(dlc, overview);
  router.Register(std::move(dlc));
  router.Register(api::modelarts::MakeDialect(jobs));
  service::WorkspaceDirectory workspaces(
      *keys, clock.Now(),
      {{index.get(), service::JobStrings::kTenant, service::JobStrings::kWorkspace},
       {dataset_index.get(), service::DatasetStrings::kTenant,
        service::DatasetStrings::kWorkspace}});
  router.Register(api::dataset::MakeDialect(datasets, dataset_jobs, workspaces));
  api::Dialect oss = api::oss::MakeDialect(objects, oss_options);
  api::oss::AddBatchRoutes(oss, batch_jobs);
  router.Register(std::move(oss));

  server::HttpOptions http_options;
  server::MetricsSources metrics{
      &router,
      store,
      &runner,
      {index.get(), dataset_index.get(), version_index.get(), dataset_job_index.get(),
       job_config_index.get(), file_index.get(), batch_index.get()}};
  http_options.metrics = [&metrics] { return server::RenderMetrics(metrics); };
  http_options.assets = console::ServeAsset;
  http_options.file_body_limit = object_options.max_object_size;
  http_options.spool_dir = spool_dir.string();
  http_options.max_connections =
      options.max_connections ? options.max_connections : DefaultMaxConnections();
  http_options.header_timeout =
      std::chrono::milliseconds(static_cast<int64_t>(options.header_timeout_seconds * 1000));
  spdlog::info("at most {} connections at once", http_options.max_connections);
  server::HttpServer http(router, host, port, http_options);
  // Handlers run on these threads and a write waits there for its fsync, so
  // more threads than cores let more writes share one fsync.
  int threads = options.threads > 0
                    ? options.threads
                    : static_cast<int>(std::max(16u, 4 * std::thread::hardware_concurrency()));
  // The one line scripts wait for (it names the port when --listen asked
  // for 0), printed whatever --log-level says.
  std::printf("drover listening on %s:%u\n", host.c_str(), static_cast<unsigned>(http.port()));
  std::fflush(stdout);
  http.Run(threads);
  runner.StopPods();
  spdlog::info("drover stopped");
  return 0;
}

}  // namespace drover::cli
