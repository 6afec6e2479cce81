// BatchJob: one operation applied to every object of a manifest (OSS
// Batch Operations; api/oss/ speaks it). Plain values, the status table
// and the rules; the service keeps the jobs (service/batch_job_service.h)
// and the runner does the work (runner/batch_job_runner.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/object.h"
#include "core/time.h"

namespace drover::core {

// New → Preparing → Ready (→ Suspended first when confirmation is
// required, until UpdateJobStatus Ready) → Active → Completing → Complete;
// Active → Failing → Failed; any unfinished status → Cancelling →
// Cancelled. Pausing and Paused are the vendor's and never entered here.
enum class BatchStatus {
  kNew,
  kPreparing,
  kSuspended,
  kReady,
  kActive,
  kPausing,
  kPaused,
  kCompleting,
  kComplete,
  kCancelling,
  kCancelled,
  kFailing,
  kFailed,
};
inline constexpr std::string_view kBatchStatusNames[] = {
    "New",        "Preparing", "Suspended",  "Ready",     "Active",  "Pausing", "Paused",
    "Completing", "Complete",  "Cancelling", "Cancelled", "Failing", "Failed"};
std::string_view BatchStatusName(BatchStatus s);
std::optional<BatchStatus> ParseBatchStatus(std::string_view name);
// Complete, Cancelled and Failed.
bool IsTerminal(BatchStatus s);
// The one table of legal moves.
bool CanMove(BatchStatus from, BatchStatus to);

enum class BatchOperation {
  kPutObjectTagging,
  kDeleteObjectTagging,
  kAddObjectTagging,
  kPutObjectAcl,
  kRestoreObject,
};
inline constexpr std::string_view kBatchOperationNames[] = {
    "PutObjectTagging", "DeleteObjectTagging", "AddObjectTagging", "PutObjectAcl", "RestoreObject"};
std::string_view BatchOperationName(BatchOperation op);

// The manifest formats: a CSV of Bucket,Key (keys URL-encoded), or an OSS
// inventory's manifest.json naming CSV files of the same columns.
inline constexpr std::string_view kCsvManifest = "OSS_BatchOperations_CSV_20250611";
inline constexpr std::string_view kInventoryManifest = "OSS_InventoryReport_CSV_20250611";

struct BatchFailure {
  std::string code;
  std::string reason;
};

struct BatchJob {
  uint64_t id = 0;
  std::string public_id;  // the JobId
  std::string tenant_id;
  std::string user_id;

  // What to do.
  BatchOperation operation = BatchOperation::kPutObjectTagging;
  std::vector<ObjectTag> tags;  // Put/AddObjectTagging
  Acl acl = Acl::kDefault;      // PutObjectAcl
  int restore_days = 1;         // RestoreObject
  std::string restore_tier;

  // To which objects: a manifest object, or every key under a prefix.
  std::string manifest_bucket;
  std::string manifest_object;
  std::string manifest_etag;
  std::string manifest_format;
  std::string manifest_fields;  // "Bucket,Key"
  bool by_prefix = false;       // KeyPrefixManifestGenerator
  std::string prefix_bucket;
  std::string prefix;

  // The completion report.
  bool report_enabled = false;
  std::string report_bucket;
  std::string report_prefix;
  std::string report_scope;  // AllTasks | FailedTasksOnly

  bool confirmation_required = false;
  int64_t priority = 0;
  std::string description;
  std::string role_arn;
  std::string client_token;
  std::string request_digest;  // of the create request, for idempotency

  BatchStatus status = BatchStatus::kNew;
  std::string status_reason;  // StatusUpdateReason
  std::vector<BatchFailure> failures;
  TimeMs created = 0;
  TimeMs active_since = 0;  // 0 when not Active
  int64_t active_ms = 0;    // time Active before active_since
  TimeMs terminated = 0;

  // Progress: -1 until the manifest is read.
  int64_t total = -1;
  int64_t succeeded = -1;
  int64_t failed = -1;
  int64_t done = 0;        // tasks whose results are committed
  std::string report_key;  // the report's manifest object, once written
};

// The results of a run of a job's tasks, committed with the objects they
// changed and the job's progress: the report is these rows, in order.
struct BatchChunk {
  uint64_t id = 0;
  uint64_t job = 0;   // BatchJob::id
  int64_t first = 0;  // the index of its first task
  int64_t count = 0;  // tasks it covers
  std::string rows;   // report CSV rows (every task, or the failed ones)
};

// Seconds the job has been Active, at `now`.
int64_t ElapsedActiveSeconds(const BatchJob& job, TimeMs now);

}  // namespace drover::core
