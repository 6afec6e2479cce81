// DatasetJob, DatasetJobConfig and DatasetFile: work done on a dataset
// version's files, its settings, and the catalogue of those files (PAI's
// dataset jobs, job configs and file metas; api/dataset/). Plain values and
// rules, no I/O; the service owns the current copies
// (service/dataset_job_service.h) and the runner does the work
// (runner/dataset_job_runner.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/dataset.h"
#include "core/time.h"

namespace drover::core {

// A dataset job's life. Pending → Starting → Running → Succeeded | Failed |
// PartialFailed (some files failed); ManuallyStop from any of the first
// three. (Deleting and Deleted are the vendor's words for a delete in
// progress; a delete here is immediate, so they are never shown.)
enum class DatasetJobStatus {
  kPending,
  kStarting,
  kRunning,
  kSucceeded,
  kFailed,
  kPartialFailed,
  kManuallyStop,
  kDeleting,
  kDeleted,
};
inline constexpr std::string_view kDatasetJobStatusNames[] = {
    "Pending",       "Starting",     "Running",  "Succeeded", "Failed",
    "PartialFailed", "ManuallyStop", "Deleting", "Deleted"};
inline constexpr int kDatasetJobStatusCount = 9;

std::string_view DatasetJobStatusName(DatasetJobStatus status);
std::optional<DatasetJobStatus> ParseDatasetJobStatus(std::string_view name);
// Whether the job has ended (Succeeded, Failed, PartialFailed, ManuallyStop).
bool IsFinished(DatasetJobStatus status);
// The one table of legal moves.
bool CanMove(DatasetJobStatus from, DatasetJobStatus to);

inline constexpr std::string_view kJobActions[] = {"SemanticIndex",        "IntelligentTag",
                                                   "FileMetaExport",       "FileMetaBuild",
                                                   "IntelligentTagRevert", "FileMetaImport"};
inline constexpr std::string_view kJobModes[] = {"Full", "Increment"};
inline constexpr std::string_view kJobConfigTypes[] = {"MultimodalIntelligentTag",
                                                       "MultimodalSemanticIndex"};

inline constexpr size_t kMaxJobLogLines = 1000;  // the newest kept

struct DatasetJob {
  RecordNumber id = 0;
  std::string public_id;  // "dsjob-" and 18 base-36 characters
  RecordNumber dataset = 0;
  std::string dataset_id;
  std::string version;  // "v1"
  std::string tenant_id;
  std::string workspace_id;
  std::string user_id;

  std::string action;  // kJobActions
  std::string mode;    // Full or Increment
  std::string spec;    // JSON text (JobSpec)
  std::string description;
  DatasetJobStatus status = DatasetJobStatus::kPending;
  TimeMs created = 0;
  TimeMs started = 0;
  TimeMs finished = 0;
  TimeMs modified = 0;
  std::vector<std::string> logs;  // "2025-02-17 09:58:10.143 INFO: …", oldest first
  int64_t total_files = 0;
  int64_t completed_files = 0;
  int64_t failed_files = 0;
  std::string reason;  // why it failed, for the last log line

  bool operator==(const DatasetJob&) const = default;
};

// Appends a log line stamped `now` ("yyyy-MM-dd HH:mm:ss.SSS LEVEL: text"),
// keeping the newest kMaxJobLogLines.
void AddJobLog(DatasetJob& job, TimeMs now, std::string_view level, std::string_view text);

struct DatasetJobConfig {
  RecordNumber id = 0;
  std::string public_id;  // "dscfg-…"
  RecordNumber dataset = 0;
  std::string dataset_id;
  std::string version;  // may be empty: every version
  std::string tenant_id;
  std::string workspace_id;
  std::string user_id;
  std::string config_type;  // kJobConfigTypes
  std::string config;       // JSON text
  TimeMs created = 0;
  TimeMs modified = 0;

  bool operator==(const DatasetJobConfig&) const = default;
};

// One file of a dataset version (the catalogue, PAI's dataset file meta).
struct DatasetFile {
  RecordNumber id = 0;
  std::string public_id;  // 64 lowercase hex: SHA-256 of dataset id, version and URI
  RecordNumber dataset = 0;
  std::string dataset_id;
  std::string version;
  std::string tenant_id;
  std::string workspace_id;
  std::string user_id;

  std::string uri;        // nas://fsid/dir/name or file:///dir/name
  std::string file_name;  // "0001.png"
  std::string file_dir;   // "cars/20250221/": the directory under the version's root
  std::string file_type;  // image, text, audio, video, application
  std::string content_type;
  int64_t size = 0;
  std::string fingerprint;  // MD5 of the content (hex)
  TimeMs file_created = 0;
  TimeMs file_updated = 0;
  std::string meta_attributes;  // JSON text
  std::vector<std::string> ai_tags;
  std::vector<std::string> user_tags;
  std::vector<std::string> deleted_ai_tags;  // user-delete-ai-tags
  std::string comment;
  TimeMs tag_updated = 0;
  std::string status;  // as the client set it; empty otherwise
  TimeMs created = 0;  // in the catalogue
  // SemanticIndex: the job that embedded the file last, when, and the
  // vector (index::EncodeVector: float32s in base64; empty when none).
  std::string semantic_job_id;
  TimeMs semantic_indexed = 0;
  std::string embedding;

  bool operator==(const DatasetFile&) const = default;
};

// The file type PAI names for a MIME type ("image/png" → "image").
std::string_view FileTypeOf(std::string_view content_type);
// A content type from a file name's extension ("a.JPG" → "image/jpeg"),
// "application/octet-stream" when unknown.
std::string_view ContentTypeOf(std::string_view file_name);

// An image's width and height from the first bytes of its file (PNG,
// JPEG, GIF, BMP, WebP), or nullopt when `head` is none of them or is cut
// before its size.
struct ImageSize {
  int64_t width = 0;
  int64_t height = 0;
  bool operator==(const ImageSize&) const = default;
};
std::optional<ImageSize> ImageSizeOf(std::string_view head);

// One catalogue entry as a line of a FileMetaExport file (JSON, no
// newline): Uri, FileName, FileDir, FileType, ContentType, DataSize,
// FileFingerPrint, FileCreateTime, FileUpdateTime, MetaAttributes, Tags
// (the three groups), Comment.
std::string FileMetaLine(const DatasetFile& file);
// A line of such a file back: the fields above (Tags' ai group included);
// nullopt, with `why` said, for a line that is not one (not JSON, no Uri,
// a field of the wrong type, a bad time).
std::optional<DatasetFile> ParseFileMetaLine(std::string_view line, std::string& why);

// The rules of a new job: action and mode known, Increment only for
// SemanticIndex and IntelligentTag, spec JSON text of an object, a
// description of at most kMaxDescriptionChars. Throws kInvalidArgument.
void CheckDatasetJob(const DatasetJob& job);
void CheckDatasetJobConfig(const DatasetJobConfig& config);

}  // namespace drover::core
