// TrainingJob: a training job, the record every dialect shows (PAI-DLC as a job,
// ModelArts as a training job version) and the runner runs.
//
// A TrainingJob is a plain value: no I/O, no locking. The service owns the current
// copy of each job (through the store and the index) and hands out copies.
// `id` is Drover's dense internal number; `public_id` is the id clients see
// (`dlc…` for jobs created here, the original id for imported history).
//
// Fields a dialect accepts but Drover does not interpret (DLC's CodeSource,
// UserVpc, DataSources, …) are kept verbatim in `extras`, a JSON object text
// that only the dialect that wrote it reads back. Nothing a client sent is lost.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/identity.h"
#include "core/time.h"
#include "core/training_status.h"

namespace drover::core {

using JobNumber = uint64_t;

enum class Visibility { kPrivate, kPublic };

std::string_view VisibilityName(Visibility v);  // "PRIVATE" / "PUBLIC"

// One role of a distributed job: PodCount processes of the same kind.
struct RoleSpec {
  std::string role;            // "Worker", "Master", "Chief", "PS", …
  std::string image;           // recorded and shown; not run in a container yet
  int64_t pod_count = 1;       // ≥ 1
  std::string instance_type;   // an ECS spec such as "ecs.c6.large", may be empty
  std::string cpu;             // cores, e.g. "4" (as the client sent it)
  std::string gpu;             // count, e.g. "1"
  std::string memory;          // e.g. "10Gi"
  std::string restart_policy;  // Always, Never, OnFailure, ExitCode; empty = Never

  bool operator==(const RoleSpec&) const = default;
};

// One entry of a job's status history.
struct StatusEvent {
  TrainingStatus status = TrainingStatus::kCreating;
  TimeMs start = 0;
  TimeMs end = 0;  // 0 while this is the current status
  std::string reason_code;
  std::string reason_message;

  bool operator==(const StatusEvent&) const = default;
};

// Data that appears in each pod of the job at `mount_path` (DLC's
// DataSources): a dataset's version, resolved when the job is created
// (service::DataSourceResolver), or a bare URI.
struct DataMount {
  std::string dataset_id;        // "d-…"; empty for a bare URI
  std::string version;           // "v2": as asked, or the latest at creation
  std::string uri;               // the version's URI
  std::string data_source_type;  // NAS, CPFS, … (core/dataset.h)
  std::string property;          // DIRECTORY or FILE
  std::string mount_path;        // absolute, inside the pod; may be empty until resolved
  std::string mount_access;      // as asked ("", RO, RW); resolved: RO or RW
  std::string options;           // the client's Options (JSON text), kept

  bool operator==(const DataMount&) const = default;
};

// One process of a running job (a "pod" in the vendors' words).
struct PodState {
  std::string name;        // "<job>-worker-0"
  std::string uid;         // UUID, new for every start of the pod
  std::string role;        // "Worker", …
  int64_t index = 0;       // within its role
  std::string status;      // Pending, Running, Succeeded, Failed
  int64_t pid = 0;         // also the process group id; 0 when not running
  int64_t exit_code = -1;  // -1 until it exits
  int64_t signal = 0;      // the signal that ended it, 0 if none
  std::string gpus;        // CUDA_VISIBLE_DEVICES it was given
  TimeMs created = 0;
  TimeMs started = 0;
  TimeMs finished = 0;

  bool operator==(const PodState&) const = default;
};

struct TrainingJob {
  // Identity and ownership.
  JobNumber id = 0;
  std::string public_id;
  std::string tenant_id;
  std::string workspace_id;
  std::string user_id;
  std::string username;

  // What the client asked for.
  std::string display_name;
  std::string job_type;  // framework kind: TFJob, PyTorchJob, …
  std::string description;
  std::string user_command;
  std::vector<RoleSpec> roles;
  std::map<std::string, std::string> envs;
  std::vector<DataMount> mounts;
  std::map<std::string, std::string> tags;
  int64_t priority = 1;  // 1–9, 9 highest
  Visibility visibility = Visibility::kPrivate;
  std::string resource_id;  // empty = public pay-as-you-go resources
  std::string resource_quota_name;
  int64_t max_running_minutes = 0;  // 0 = no limit
  std::string pipeline_id;
  std::string template_id;
  std::string caller;
  std::string business_user_id;
  std::string payment_type;   // PrePaid, Spot, PostPaid
  std::string oversold_info;  // ForbiddenQuotaOverSold, …
  bool enable_assign_node = false;
  bool enable_sanity_check = false;
  int64_t reserved_minutes = 0;
  int64_t max_restarts = 0;   // 0 = the default limit when a policy allows restarts
  std::string extras = "{}";  // dialect pass-through, JSON object text

  // Where the job is in its lifecycle.
  TrainingStatus status = TrainingStatus::kCreating;
  std::string sub_status;
  std::string reason_code;
  std::string reason_message;
  int64_t restart_count = 0;
  std::vector<StatusEvent> history;
  std::vector<PodState> pods;          // of the current run
  std::vector<PodState> history_pods;  // of earlier runs (restarts)

  // Times (0 = has not happened).
  TimeMs created = 0;
  TimeMs submitted = 0;
  TimeMs running = 0;
  TimeMs finished = 0;
  TimeMs succeeded = 0;
  TimeMs failed = 0;
  TimeMs stopped = 0;
  TimeMs modified = 0;

  // Versions: a job may be a new version of an earlier one (ModelArts
  // shows a lineage as one training job with versions; PAI-DLC shows each
  // version as a job). The first version's number names the lineage.
  JobNumber lineage = 0;      // 0 = this job starts its own lineage
  JobNumber pre_version = 0;  // the version this one was made from, 0 = none
  int64_t version = 1;        // 1, 2, … within the lineage
  bool latest = true;         // the lineage's newest version
  int64_t version_count = 1;  // versions in the lineage; kept on the latest

  // Imported history is shown and listed but never run or reconciled.
  bool imported = false;

  bool operator==(const TrainingJob&) const = default;

  JobNumber Lineage() const { return lineage ? lineage : id; }

  // Derived figures, shown by dialects and used by numeric-range filters.
  int64_t RequestCpu() const;         // Σ cpu × pods, whole cores
  int64_t RequestGpu() const;         // Σ gpu × pods
  std::string RequestMemory() const;  // Σ memory × pods, e.g. "20Gi"
  int64_t NodeCount() const;          // Σ pods
  // Seconds spent running: to the finish time, or to `now` while active.
  int64_t DurationSeconds(TimeMs now) const;
  // The images of all roles, space separated (for full-text search).
  std::string Images() const;
  // How many times the job may be restarted: 0 when no role's RestartPolicy
  // allows restarts, else max_restarts (3 when unset).
  int64_t RestartLimit() const;
};

// ==== Limits =================================================================
// Every job obeys these, whatever dialect made it (CheckJobLimits, called by
// JobService on create, new version and update). They keep the runner's
// arithmetic far from overflow: 1,000 pods × 10,000 cores in milli-cores,
// or 100 years in milliseconds, fit in 64 bits many times over.
inline constexpr int64_t kMaxPodsPerJob = 1000;            // Σ PodCount
inline constexpr int64_t kMaxCpuMilliPerPod = 10'000'000;  // 10,000 cores
inline constexpr int64_t kMaxGpusPerPod = 1024;
inline constexpr int64_t kMaxMemoryPerPod = int64_t{1} << 50;  // 1 PiB
inline constexpr int64_t kMaxRunningMinutes = 52'560'000;      // 100 years
inline constexpr int64_t kMaxReservedMinutes = 525'600;        // a year
inline constexpr int64_t kMaxRestarts = 1000;
inline constexpr size_t kMaxCommandBytes = 64 * 1024;
inline constexpr size_t kMaxEnvs = 1000;
inline constexpr size_t kMaxEnvBytes = 64 * 1024;  // one value
inline constexpr size_t kMaxMounts = 16;
inline constexpr size_t kMaxMountPathBytes = 1024;

// Throws core::Error(kInvalidArgument, naming the field) when `job` breaks
// a limit above, names an unknown RestartPolicy (Always, Never, OnFailure,
// ExitCode, or empty for Never), or has a NUL in its command or
// environment, or an environment name that is empty or holds '=', or a
// mount path (once resolved) that is not absolute and plain (no "..", no
// ':'), is "/", or lies inside another.
void CheckJobLimits(const TrainingJob& job);

// TrainingJob::DurationSeconds from the figures it reads (the index computes it
// from its columns, with no TrainingJob at hand).
int64_t DurationSeconds(TimeMs running, TimeMs finished, TrainingStatus status, TimeMs now);

// Visibility: nothing crosses tenants; a tenant admin sees everything in
// the tenant; anyone sees their own jobs; a workspace admin sees every job
// of the workspace; a member sees its PUBLIC jobs.
bool CanSee(const Viewer& viewer, const TrainingJob& job);
// Stop, update and delete: the owner, a workspace admin or a tenant admin.
bool CanChange(const Viewer& viewer, const TrainingJob& job);

// Moves `job` to `to` at `now`, closing the current history entry and
// stamping the lifecycle times. Throws core::Error(kFailedPrecondition) when
// the lifecycle does not allow the step.
void TransitionJob(TrainingJob& job, TrainingStatus to, TimeMs now, std::string reason_code = {},
                   std::string reason_message = {});

}  // namespace drover::core
