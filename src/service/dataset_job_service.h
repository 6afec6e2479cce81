// DatasetJobService: dataset jobs, their configs and the file catalogue —
// the use cases of PAI's dataset jobs, dataset job configs and dataset
// file metas, independent of HTTP. Every call names a dataset, which `who`
// must see (DatasetService::Get; a share shows it); changes need what
// changing the dataset needs. The work itself is the runner's
// (runner/dataset_job_runner.h): it claims pending jobs here, reports
// progress through Mutate, and writes the catalogue through PutFiles and
// DeleteFiles.
//
// Writes go through the one write path (service/record_writer.h) under
// the service's write mutex and are acknowledged once durable. Failures
// throw core::Error and change nothing.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/dataset_job.h"
#include "index/record_index.h"
#include "index/vector_index.h"
#include "service/dataset_service.h"
#include "service/model_endpoint.h"
#include "service/principal.h"
#include "service/record_writer.h"
#include "store/store.h"

namespace drover::service {

template <class T>
struct RecordList {
  std::vector<T> items;  // in the order of the query
  int64_t total = 0;
  index::Snapshot snapshot;
};

// What does the work hears of: a job to start, or one to stop (stopped or
// deleted). Called after the change is committed, without locks; must not block.
class DatasetJobObserver {
 public:
  virtual ~DatasetJobObserver() = default;
  virtual void OnPending() = 0;
  virtual void OnStopRequested(core::RecordNumber job) = 0;
};

class DatasetJobService {
 public:
  // Fills the three indexes from `store`. All must outlive the service.
  DatasetJobService(store::Store& store, DatasetService& datasets, index::RecordIndex& jobs,
                    index::RecordIndex& configs, index::RecordIndex& files,
                    const core::Clock& clock);

  // ---- jobs ------------------------------------------------------------------

  // Stores a new Pending job on the dataset's `draft.version` (the latest
  // when empty) in `draft.workspace_id` (the dataset's, or one it is
  // shared into). Throws kInvalidArgument for a job the rules refuse
  // (core::CheckDatasetJob), kNotFound for an unknown dataset or version.
  core::DatasetJob Create(const Principal& who, std::string_view dataset_id,
                          core::DatasetJob draft);
  core::DatasetJob Get(const Principal& who, std::string_view dataset_id, std::string_view job_id);
  // The dataset's jobs matching `query` (over DatasetJobSchema).
  RecordList<core::DatasetJob> List(const Principal& who, std::string_view dataset_id,
                                    index::Query query);
  void Describe(const Principal& who, std::string_view dataset_id, std::string_view job_id,
                const std::string& description);
  // Pending, Starting or Running → ManuallyStop; the work stops within a
  // second. Throws kFailedPrecondition for a job that has ended.
  void Stop(const Principal& who, std::string_view dataset_id, std::string_view job_id);
  // Deletes the job (stopping it first when it runs).
  void Delete(const Principal& who, std::string_view dataset_id, std::string_view job_id);

  // ---- configs ---------------------------------------------------------------

  core::DatasetJobConfig CreateConfig(const Principal& who, std::string_view dataset_id,
                                      core::DatasetJobConfig draft);
  core::DatasetJobConfig GetConfig(const Principal& who, std::string_view dataset_id,
                                   std::string_view config_id);
  RecordList<core::DatasetJobConfig> ListConfigs(const Principal& who, std::string_view dataset_id,
                                                 index::Query query);
  // Absent fields stay as they are.
  void UpdateConfig(const Principal& who, std::string_view dataset_id, std::string_view config_id,
                    const std::optional<std::string>& config_type,
                    const std::optional<std::string>& config);
  void DeleteConfig(const Principal& who, std::string_view dataset_id, std::string_view config_id);

  // ---- the catalogue -----------------------------------------------------------

  // The files of the dataset's `version` matching `query` (over
  // DatasetFileSchema). Throws kNotFound for an unknown version.
  RecordList<core::DatasetFile> ListFiles(const Principal& who, std::string_view dataset_id,
                                          std::string_view version, index::Query query);
  core::DatasetFile GetFile(const Principal& who, std::string_view dataset_id,
                            std::string_view file_id);
  // Where a catalogued file's bytes are on this machine (its URI through
  // the storage map), for who may read the file. Throws as GetFile, and
  // kFailedPrecondition for a file not on a mapped file system (OSS).
  std::filesystem::path FilePath(const Principal& who, std::string_view dataset_id,
                                 std::string_view file_id);
  // VECTOR and MIX queries: the version's files whose SemanticIndex vectors
  // are most similar to `text` (embedded by the dataset's
  // MultimodalSemanticIndex endpoint), at most `k`, scoring above
  // `threshold`, best first; with `filter` (MIX), only files it matches.
  // Throws kFailedPrecondition when no endpoint is configured or it fails.
  struct ScoredFile {
    core::DatasetFile file;
    float score;
  };
  std::vector<ScoredFile> SimilarFiles(const Principal& who, std::string_view dataset_id,
                                       std::string_view version, const std::string& text, size_t k,
                                       float threshold, const std::optional<index::Query>& filter);
  // How many of the version's files hold each value of a field (a file
  // dir, a file type; a tag of a tag group: words), and how many files
  // the version has. From the index's postings, not from the files.
  struct FileStats {
    std::vector<index::RecordIndex::FacetCount> counts;
    int64_t total = 0;
  };
  FileStats FileStatistics(const Principal& who, std::string_view dataset_id,
                           std::string_view version, index::RecordIndex::FacetOf of,
                           index::FieldId field);

  // Client writes of the catalogue, item by item: each item succeeds or
  // fails on its own (Result says why), as PAI's batch calls answer.
  struct FileResult {
    std::string id;
    std::string uri;
    std::string result;  // empty on success
  };
  struct FileResults {
    std::vector<FileResult> succeeded;
    std::vector<FileResult> failed;
  };
  // Edits of a file's user tag groups.
  struct TagEdit {
    std::vector<std::string> add_user, remove_user;
    std::vector<std::string> add_deleted_ai, remove_deleted_ai;
  };
  // What UpdateDatasetFileMetas may change; absent fields stay.
  struct FileUpdate {
    std::string id;
    std::optional<std::string> comment, content_type, file_name, file_type, fingerprint;
    std::optional<std::string> meta_attributes;
    std::optional<int64_t> size;
    std::optional<core::TimeMs> file_created, file_updated;
    TagEdit tags;
  };
  // New entries (`drafts` hold uri, name, types, fingerprint, times, size,
  // meta attributes, user tags and comment); one whose URI the version has
  // already fails.
  FileResults CreateFiles(const Principal& who, std::string_view dataset_id,
                          std::string_view version, std::vector<core::DatasetFile> drafts);
  FileResults UpdateFiles(const Principal& who, std::string_view dataset_id,
                          const std::vector<FileUpdate>& updates);
  FileResults DeleteFiles(const Principal& who, std::string_view dataset_id,
                          const std::vector<std::string>& ids);

  // ---- for the runner ------------------------------------------------------------

  void SetObserver(DatasetJobObserver* observer) { observer_ = observer; }
  // The oldest Pending job, moved to Starting (durably), or nullopt.
  std::optional<core::DatasetJob> ClaimNext();
  // Loads job `id`, applies `change` and commits it; nullopt when the job
  // is gone (deleted). `change` may throw core::Error to abort.
  std::optional<core::DatasetJob> Mutate(core::RecordNumber id,
                                         const std::function<void(core::DatasetJob&)>& change);
  // Jobs a restart interrupted (Starting or Running).
  std::vector<core::DatasetJob> Interrupted();
  // The model endpoint of the newest config of `config_type` of a dataset
  // that is for `version` or for no version (its Config's endpoint, model
  // and apiKey; `job_spec`'s modelId overrides the model). Throws
  // std::runtime_error saying how to make one, for `action`, when there is
  // none or it names no endpoint.
  ModelEndpointConfig EndpointFor(core::RecordNumber dataset, std::string_view version,
                                  std::string_view config_type, const std::string& action,
                                  const std::string& job_spec = "");
  // The version a job works on and its dataset, as stored.
  std::optional<core::DatasetVersion> VersionOf(const core::DatasetJob& job);
  // Entries read by a FileMetaImport job into its version: each replaces
  // the entry of its URI or adds one; an entry the rules refuse fails.
  // With `staged`, the batch is only staged (StageFiles), its revision
  // set there for the caller to acknowledge.
  FileResults ImportFiles(const core::DatasetJob& job, std::vector<core::DatasetFile> files,
                          store::Revision* staged = nullptr);
  // Makes `file` (with its uri) an entry of `job`'s dataset version: its
  // id (FileId), dataset, version and owners.
  static void PlaceInVersion(core::DatasetFile& file, const core::DatasetJob& job);
  // A catalogue entry's id, 64 hex digits: 24 of the SHA-256 of dataset
  // id, version and the URI's directory, then 40 of the SHA-256 of all
  // three and the URI. The files of a directory have ids next to each
  // other, so storing a directory's entries writes a few pages of the
  // store's id index, not one page each.
  static std::string FileId(std::string_view dataset_id, std::string_view version,
                            std::string_view uri);
  // What FileId was before 2026-11-28: the whole SHA-256 of the three.
  static std::string OldFileId(std::string_view dataset_id, std::string_view version,
                               std::string_view uri);
  // The catalogue entry of `uri` in a dataset version, whichever way its
  // id was made.
  std::optional<core::DatasetFile> EntryOf(std::string_view dataset_id, std::string_view version,
                                           std::string_view uri);
  // EntryOf for many URIs at once, by URI (those with none left out).
  std::unordered_map<std::string, core::DatasetFile> EntriesOf(
      std::string_view dataset_id, std::string_view version, const std::vector<std::string>& uris);
  // Calls `visit` with every catalogue entry of a dataset version (as it
  // stood when called; an entry deleted meanwhile is left out), until it
  // returns false; false then. At most 10,000 entries are in memory at
  // once, so a job can go through a version of millions.
  bool ForEachFile(core::RecordNumber dataset, const std::string& version,
                   const std::function<bool(core::DatasetFile&)>& visit);
  // The entries with these record numbers (those still stored).
  std::vector<core::DatasetFile> FilesByNumber(const std::vector<core::RecordNumber>& numbers);
  // Stores new and changed entries (a new one has id 0 and gets a number)
  // and deletes `gone`, in one durable batch.
  void PutFiles(std::vector<core::DatasetFile> files,
                const std::vector<core::RecordNumber>& gone = {});
  // PutFiles without waiting for stable storage: the batch is stored and
  // indexed (and seen by reads), and durable once Acknowledge(revision),
  // or any later revision's, returns. A job's batches are durable before
  // its counters are, which are written later.
  store::Revision StageFiles(std::vector<core::DatasetFile> files,
                             const std::vector<core::RecordNumber>& gone = {});
  void Acknowledge(store::Revision revision) { writer_.Acknowledge(revision); }

  const core::Clock& clock() const { return clock_; }
  DatasetService& datasets() { return datasets_; }

 private:
  core::DatasetJob FindJob(const core::Dataset& dataset, std::string_view job_id);
  core::DatasetJobConfig FindConfig(const core::Dataset& dataset, std::string_view config_id);
  // The dataset, changeable by `who`.
  core::Dataset DatasetForChange(const Principal& who, std::string_view dataset_id);
  // Commits one record (or its deletion), releases `lock`, then
  // acknowledges.
  template <class T>
  void CommitOne(const T& record, std::unique_lock<std::mutex>& lock);
  template <class T>
  void DeleteOne(core::RecordNumber number, std::unique_lock<std::mutex>& lock);

  // The newest config of `config_type` of `dataset` for `version` or for
  // no version; nullopt when there is none.
  std::optional<core::DatasetJobConfig> ConfigFor(core::RecordNumber dataset,
                                                  std::string_view version,
                                                  std::string_view config_type);

  store::Store& store_;
  DatasetService& datasets_;
  index::RecordIndex& jobs_;     // over DatasetJobSchema()
  index::RecordIndex& configs_;  // over DatasetJobConfigSchema()
  index::RecordIndex& files_;    // over DatasetFileSchema()
  index::VectorIndex vectors_;   // the files' SemanticIndex vectors
  RecordWriter writer_;
  const core::Clock& clock_;
  const uint64_t id_key_;
  DatasetJobObserver* observer_ = nullptr;

  std::mutex write_mu_;
  core::RecordNumber last_job_;     // guarded by write_mu_
  core::RecordNumber last_config_;  // guarded by write_mu_
  core::RecordNumber last_file_;    // guarded by write_mu_
};

}  // namespace drover::service
