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
#include <vector>

#include "core/dataset_job.h"
#include "index/record_index.h"
#include "service/dataset_service.h"
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
  // The version a job works on and its dataset, as stored.
  std::optional<core::DatasetVersion> VersionOf(const core::DatasetJob& job);
  // Every catalogue entry of a dataset version.
  std::vector<core::DatasetFile> FilesOf(core::RecordNumber dataset, const std::string& version);
  // Stores new and changed entries (a new one has id 0 and gets a number)
  // and deletes `gone`, in one durable batch.
  void PutFiles(std::vector<core::DatasetFile> files,
                const std::vector<core::RecordNumber>& gone = {});

  const core::Clock& clock() const { return clock_; }
  DatasetService& datasets() { return datasets_; }

 private:
  core::DatasetJob FindJob(const core::Dataset& dataset, std::string_view job_id);
  core::DatasetJobConfig FindConfig(const core::Dataset& dataset, std::string_view config_id);
  // The dataset, changeable by `who`.
  core::Dataset DatasetForChange(const Principal& who, std::string_view dataset_id);
  template <class T>
  void CommitOne(const T& record, std::unique_lock<std::mutex>& lock);

  store::Store& store_;
  DatasetService& datasets_;
  index::RecordIndex& jobs_;     // over DatasetJobSchema()
  index::RecordIndex& configs_;  // over DatasetJobConfigSchema()
  index::RecordIndex& files_;    // over DatasetFileSchema()
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
