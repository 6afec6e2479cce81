// drover: the server and its command-line tools.
//
//   drover serve [--config drover.toml] [--listen HOST:PORT] [--data-dir DIR] ...
//   drover configure | jobs ...          (clients of a server: cli/client/)
//
// serve's flags fall back to DROVER_LISTEN and DROVER_DATA_DIR, then to the
// config file's [serve] section, then to 127.0.0.1:8080 and ./drover-data.

#include <malloc.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string_view>
#include <tuple>

#include "cli/client/commands.h"
#include "cli/import.h"
#include "cli/keys.h"
#include "cli/migrate.h"
#include "cli/serve.h"
#include "runner/pod_supervisor.h"
#include "runner/sandbox.h"
#include "runner/slurm_task.h"

namespace {

std::string EnvOr(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

// Whether `flag` was given on the command line (as `flag V` or `flag=V`).
bool OnCommandLine(int argc, char** argv, std::string_view flag) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == flag ||
        (arg.starts_with(flag) && arg.size() > flag.size() && arg[flag.size()] == '=')) {
      return true;
    }
  }
  return false;
}

// Start-up and import build gigabytes of small blocks on worker threads,
// freeing a batch's scratch as the next is made. glibc trimmed each thread's
// heap after every such free, handing back pages the next batch faulted in
// again, zeroed by the kernel: a tenth of a 10M-job start-up. Freed memory
// is kept for reuse instead (the high-water mark stays resident). Blocks
// up to 32 MiB come from the heap too, not a fresh mmap each: an import
// chunk's vector of mutations (megabytes, regrown per chunk) was faulted
// in and zeroed anew every time.
void KeepFreedMemory() {
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_TOP_PAD, 64 << 20);
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
}

}  // namespace

int main(int argc, char** argv) {
  KeepFreedMemory();
  CLI::App app{"Drover: a self-hosted control plane for AI jobs and datasets"};
  app.require_subcommand(1);

  drover::cli::ServeOptions serve;
  serve.listen = "127.0.0.1:8080";
  serve.data_dir = "./drover-data";
  // Every flag of serve may live in a TOML file, in its [serve] section
  // (`data-dir = "/var/lib/drover"`, `gpus = 2`, `oss-domain = ["a.example"]`);
  // a name no flag has is an error. Flags override the file, and so do
  // DROVER_LISTEN, DROVER_DATA_DIR and DROVER_STORE (applied after parsing:
  // CLI11 2.1 ranks a config file above the environment).
  app.set_config("--config", "",
                 "TOML file of flags, in sections named by command ([serve]); flags and "
                 "DROVER_* variables override it");
  app.allow_config_extras(CLI::config_extras_mode::error);
  CLI::App* serve_cmd = app.add_subcommand("serve", "Run the API server");
  serve_cmd->fallthrough();  // `drover serve --config FILE`
  serve_cmd
      ->add_option("--listen", serve.listen,
                   "HOST:PORT to listen on (port 0 picks one; env DROVER_LISTEN)")
      ->capture_default_str();
  serve_cmd
      ->add_option("--data-dir", serve.data_dir,
                   "Directory of the embedded store (env DROVER_DATA_DIR)")
      ->capture_default_str();
  serve_cmd->add_option("--store", serve.store,
                        "PostgreSQL URL of the store, postgres://user:password@host:port/db "
                        "(env DROVER_STORE; default: SQLite in --data-dir)");
  serve_cmd->add_option("--threads", serve.threads,
                        "HTTP worker threads (0 = 4 per core, at least 16)");
  serve_cmd->add_option("--max-connections", serve.max_connections,
                        "Connections served at once; more are answered 503 (0 = from the "
                        "descriptor limit, raised to its hard maximum)");
  serve_cmd
      ->add_option("--header-timeout-seconds", serve.header_timeout_seconds,
                   "Seconds a connection may take to send a request's header (also the "
                   "keep-alive idle time)")
      ->capture_default_str();
  serve_cmd
      ->add_option("--pod-log-limit", serve.pod_log_limit,
                   "Bytes of output a pod's log keeps before it is rotated, e.g. 64Mi (a pod "
                   "keeps its last one to two of these)")
      ->capture_default_str();
  serve_cmd->add_option("--cpus", serve.cpus, "CPU cores jobs may use (default: this machine's)");
  serve_cmd->add_option("--memory", serve.memory,
                        "Memory jobs may use, e.g. 64Gi (default: this machine's)");
  serve_cmd->add_option("--gpus", serve.gpus, "GPUs jobs may use, numbered 0..N-1")
      ->capture_default_str();
  serve_cmd->add_option("--quota-file", serve.quota_file,
                        "JSON file of resource quotas: {\"quota-id\": {\"CPU\": \"8\", \"GPU\": "
                        "\"2\", \"Memory\": \"32Gi\"}}");
  serve_cmd
      ->add_option("--executor", serve.executor,
                   "Where jobs run: local (this machine) or slurm (a Slurm cluster, through "
                   "sbatch and squeue; SLURM_CONF as for any Slurm command). A quota's "
                   "\"Executor\" in --quota-file overrides it for that ResourceId's jobs")
      ->check(CLI::IsMember({"local", "slurm"}))
      ->capture_default_str();
  serve_cmd->add_option("--slurm-partition", serve.slurm_partition,
                        "Slurm partition for jobs whose quota names none (default: Slurm's)");
  serve_cmd->add_option("--slurm-account", serve.slurm_account, "Slurm account, likewise");
  serve_cmd->add_option("--slurm-qos", serve.slurm_qos, "Slurm QOS, likewise");
  serve_cmd->add_option("--slurm-gpu-type", serve.slurm_gpu_type,
                        "GPU type for --gpus-per-task=TYPE:N, likewise (default: any)");
  serve_cmd->add_option("--storage-map", serve.storage_map,
                        "JSON file of NAS/CPFS file-system ids to local directories for dataset "
                        "URIs: {\"0a1b2c3d\": \"/srv/nas\"}");
  serve_cmd
      ->add_option("--stop-grace-seconds", serve.stop_grace_seconds,
                   "Seconds between SIGTERM and SIGKILL when a job is stopped")
      ->capture_default_str();

  serve_cmd
      ->add_option("--max-object-size", serve.max_object_size,
                   "Largest body of one object put or part, such as 5Gi")
      ->capture_default_str();
  serve_cmd
      ->add_option("--oss-domain", serve.oss_domains,
                   "A host name whose sub-domains are OSS buckets (<bucket>.<domain>); repeatable")
      ->capture_default_str();
  serve_cmd->add_option("--oss-restore-seconds", serve.restore_seconds,
                        "Seconds a RestoreObject takes for every archive class (default: 1, 2 "
                        "and 3 s for Archive, ColdArchive and DeepColdArchive)");
  serve_cmd
      ->add_option("--oss-restore-day-seconds", serve.restore_day_seconds,
                   "Seconds in one of RestoreObject's Days (a restored copy's lifetime unit)")
      ->capture_default_str();

  serve_cmd
      ->add_option("--batch-workers", serve.batch_workers,
                   "OSS batch jobs that run at once (higher priority first)")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  serve_cmd
      ->add_option("--batch-chunk-tasks", serve.batch_chunk_tasks,
                   "Tasks of an OSS batch job committed together (its progress steps)")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();

  std::string auth = "on";
  serve_cmd
      ->add_option(
          "--auth", auth,
          "on: every request must be signed; off: unsigned requests act as the local admin")
      ->check(CLI::IsMember({"on", "off"}))
      ->capture_default_str();

  serve_cmd
      ->add_option("--overview-interval-seconds", serve.overview_interval_seconds,
                   "How often the console's overview series are sampled")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 3600.0));
  serve_cmd
      ->add_option("--log-level", serve.log_level,
                   "trace, debug, info (one access line per request), warn, error, critical, off")
      ->capture_default_str();

  drover::cli::KeysOptions keys;
  keys.data_dir = EnvOr("DROVER_DATA_DIR", "./drover-data");
  CLI::App* keys_cmd = app.add_subcommand("keys", "Manage access keys");
  keys_cmd->require_subcommand(1);
  for (CLI::App* sub : {keys_cmd->add_subcommand("create", "Create a key and print it as JSON"),
                        keys_cmd->add_subcommand("list", "List keys (without secrets)"),
                        keys_cmd->add_subcommand("revoke", "Revoke a key")}) {
    sub->add_option("--data-dir", keys.data_dir, "Directory of the embedded store")
        ->capture_default_str();
    sub->add_option("--store", keys.store, "PostgreSQL URL of the store (env DROVER_STORE)");
  }
  CLI::App* create = keys_cmd->get_subcommand("create");
  create->add_option("--tenant", keys.tenant, "Tenant (ModelArts project)")->capture_default_str();
  create->add_option("--user", keys.user, "User the key belongs to")->required();
  create->add_flag("--admin", keys.admin, "Tenant admin: everything in the tenant");
  create->add_flag("--read-only", keys.read_only, "May only get and list");
  create->add_option("--workspace", keys.workspaces,
                     "Workspace membership: ID or ID:admin (repeatable)");
  keys_cmd->get_subcommand("revoke")->add_option("key", keys.key_id, "AccessKeyId")->required();

  drover::cli::ImportOptions import_options;
  import_options.data_dir = keys.data_dir;
  CLI::App* import_cmd = app.add_subcommand(
      "import", "Bulk-load job history (GetJob-shaped JSON lines); server stopped");
  import_cmd->add_option("--data-dir", import_options.data_dir, "Directory of the embedded store")
      ->capture_default_str();
  import_cmd->add_option("--store", import_options.store,
                         "PostgreSQL URL of the store (env DROVER_STORE)");
  import_cmd->add_option("--tenant", import_options.tenant, "Tenant that owns the jobs")
      ->capture_default_str();
  import_cmd->add_option("file", import_options.file, "JSON lines file")->required();

  drover::cli::MigrateOptions migrate;
  CLI::App* migrate_cmd = app.add_subcommand(
      "migrate", "Copy a store, record for record, into an empty one; servers stopped");
  migrate_cmd->add_option("--from", migrate.from, "Data dir of a SQLite store, or a PostgreSQL URL")
      ->required();
  migrate_cmd->add_option("--to", migrate.to, "Data dir or PostgreSQL URL of an empty store")
      ->required();
  migrate_cmd->add_option("--batch", migrate.batch, "Records per transaction")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));

  // The process each local pod runs under (runner/pod_supervisor.h); started
  // by the server, not by people, so not listed in --help.
  std::string supervise_command;
  std::string supervise_exit_file;
  std::string supervise_log_file;
  uint64_t supervise_log_limit = 64 << 20;
  CLI::App* supervise_cmd = app.add_subcommand("pod-supervise", "")->group("");
  supervise_cmd->add_option("--exit-file", supervise_exit_file)->required();
  supervise_cmd->add_option("--log-file", supervise_log_file)->required();
  supervise_cmd->add_option("--log-limit", supervise_log_limit);
  std::string supervise_bwrap;
  std::vector<std::string> supervise_mounts;
  supervise_cmd->add_option("--bwrap", supervise_bwrap);
  supervise_cmd->add_option("--mount", supervise_mounts);  // runner::FormatMount
  supervise_cmd->add_option("command", supervise_command)->required();

  // One pod of a job on Slurm (runner/slurm_task.h), run by the job's
  // batch script on a node; not for people.
  std::string slurm_task_spec;
  int64_t slurm_task_first_rank = 0;
  CLI::App* slurm_task_cmd = app.add_subcommand("slurm-task", "")->group("");
  slurm_task_cmd->add_option("spec", slurm_task_spec)->required();
  slurm_task_cmd->add_option("first-rank", slurm_task_first_rank)->required();

  drover::cli::client::Commands client_commands(app);

  CLI11_PARSE(app, argc, argv);
  if (std::optional<int> exit = client_commands.RunParsed()) return *exit;
  if (slurm_task_cmd->parsed()) {
    return drover::runner::RunSlurmTask(slurm_task_spec, slurm_task_first_rank);
  }
  if (supervise_cmd->parsed()) {
    std::string program = "/bin/sh";
    std::vector<std::string> pod_argv = {"sh", "-c", supervise_command};
    if (!supervise_mounts.empty()) {
      std::vector<drover::runner::Mount> mounts;
      for (const std::string& text : supervise_mounts) {
        std::optional<drover::runner::Mount> mount = drover::runner::ParseMount(text);
        if (!mount) {
          std::fprintf(stderr, "drover pod-supervise: bad --mount %s\n", text.c_str());
          return 127;
        }
        mounts.push_back(*mount);
      }
      try {
        pod_argv = drover::runner::SandboxArgv(supervise_bwrap, mounts,
                                               std::filesystem::current_path(), supervise_command);
        program = supervise_bwrap;
      } catch (const std::exception& e) {
        std::fprintf(stderr, "drover pod-supervise: %s\n", e.what());
        return 127;
      }
    }
    return drover::runner::RunPodSupervisor(program, pod_argv, supervise_exit_file,
                                            supervise_log_file, supervise_log_limit);
  }
  serve.auth = auth == "on";
  for (auto [flag, env, value] : {std::tuple{"--listen", "DROVER_LISTEN", &serve.listen},
                                  std::tuple{"--data-dir", "DROVER_DATA_DIR", &serve.data_dir},
                                  std::tuple{"--store", "DROVER_STORE", &serve.store},
                                  std::tuple{"--store", "DROVER_STORE", &keys.store},
                                  std::tuple{"--store", "DROVER_STORE", &import_options.store}}) {
    if (!OnCommandLine(argc, argv, flag)) *value = EnvOr(env, value->c_str());
  }
  try {
    if (serve_cmd->parsed()) return drover::cli::Serve(serve);
    if (import_cmd->parsed()) return drover::cli::Import(import_options);
    if (migrate_cmd->parsed()) return drover::cli::Migrate(migrate);
    if (keys_cmd->get_subcommand("create")->parsed()) return drover::cli::KeysCreate(keys);
    if (keys_cmd->get_subcommand("list")->parsed()) return drover::cli::KeysList(keys);
    if (keys_cmd->get_subcommand("revoke")->parsed()) return drover::cli::KeysRevoke(keys);
  } catch (const std::exception& e) {
    if (serve_cmd->parsed()) {
      spdlog::critical("{}", e.what());
    } else {
      std::fprintf(stderr, "drover: %s\n", e.what());
    }
    return 1;
  }
  return 0;
}
