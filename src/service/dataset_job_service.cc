#include "service/dataset_job_service.h"

#include <algorithm>
#include <climits>

#include "core/error.h"
#include "core/ids.h"
#include "service/dataset_job_schema.h"
#include "service/load_index.h"
#include "store/dataset_codec.h"
#include "store/dataset_job_codec.h"

namespace drover::service {

using core::Dataset;
using core::DatasetFile;
using core::DatasetJob;
using core::DatasetJobConfig;
using core::DatasetJobStatus;
using core::Error;
using core::ErrorCode;

namespace {

// Jobs and configs name their dataset's workspace (the SDK requires it).
void CheckWorkspace(const Dataset& dataset, const std::string& workspace) {
  if (workspace.empty()) core::ThrowMissing("workspace");
  if (workspace != dataset.workspace_id) {
    throw Error(ErrorCode::kInvalidArgument,
                "WorkspaceId must be the dataset's workspace, " + dataset.workspace_id + ".",
                "workspace");
  }
}

[[noreturn]] void ThrowNoJob(std::string_view id) {
  throw Error(ErrorCode::kNotFound, "The dataset job " + std::string(id) + " does not exist.",
              "dataset_job_id");
}

}  // namespace

DatasetJobService::DatasetJobService(store::Store& store, DatasetService& datasets,
                                     index::RecordIndex& jobs, index::RecordIndex& configs,
                                     index::RecordIndex& files, const core::Clock& clock)
    : store_(store),
      datasets_(datasets),
      jobs_(jobs),
      configs_(configs),
      files_(files),
      writer_(store),
      clock_(clock),
      id_key_(store.InstallationKey()),
      last_job_(store::MaxNumber<DatasetJob>(store)),
      last_config_(store::MaxNumber<DatasetJobConfig>(store)),
      last_file_(store::MaxNumber<DatasetFile>(store)) {
  writer_.Follow(DatasetJobSchema(), jobs_);
  writer_.Follow(DatasetJobConfigSchema(), configs_);
  writer_.Follow(DatasetFileSchema(), files_);
  LoadIndex(store_, jobs_, DatasetJobSchema());
  LoadIndex(store_, configs_, DatasetJobConfigSchema());
  LoadIndex(store_, files_, DatasetFileSchema());
}

// ---- jobs ---------------------------------------------------------------------

DatasetJob DatasetJobService::Create(const Principal& who, std::string_view dataset_id,
                                     DatasetJob draft) {
  if (draft.mode.empty()) draft.mode = "Full";
  core::CheckDatasetJob(draft);
  Dataset dataset = DatasetForChange(who, dataset_id);
  if (draft.version.empty()) {
    std::optional<core::DatasetVersion> latest = datasets_.Latest(dataset);
    if (!latest) core::ThrowMissing("dataset_version");
    draft.version = latest->name;
  } else {
    datasets_.GetVersion(who, dataset_id, draft.version);  // throws kNotFound
  }
  CheckWorkspace(dataset, draft.workspace_id);
  std::unique_lock lock(write_mu_);
  DatasetJob job = std::move(draft);
  job.id = last_job_ + 1;
  job.public_id = core::DatasetJobPublicId(job.id, id_key_);
  job.dataset = dataset.id;
  job.dataset_id = dataset.public_id;
  job.tenant_id = dataset.tenant_id;
  job.user_id = who.user_id;
  job.status = DatasetJobStatus::kPending;
  job.created = job.modified = clock_.Now();
  core::AddJobLog(job, job.created, "INFO",
                  "Job created: " + job.action + " on " + job.dataset_id + " " + job.version + ".");
  last_job_ = job.id;
  CommitOne(job, lock);  // releases the lock
  if (observer_) observer_->OnPending();
  return job;
}

DatasetJob DatasetJobService::Get(const Principal& who, std::string_view dataset_id,
                                  std::string_view job_id) {
  return FindJob(datasets_.Get(who, dataset_id), job_id);
}

RecordList<DatasetJob> DatasetJobService::List(const Principal& who, std::string_view dataset_id,
                                               index::Query query) {
  Dataset dataset = datasets_.Get(who, dataset_id);
  query.values[DatasetJobNumbers::kDataset] = {static_cast<int64_t>(dataset.id)};
  if (query.now == 0) query.now = clock_.Now();
  index::Page page = jobs_.Search(query);
  return {store::GetMany<DatasetJob>(store_, page.ids), page.total, page.snapshot};
}

void DatasetJobService::Describe(const Principal& who, std::string_view dataset_id,
                                 std::string_view job_id, const std::string& description) {
  core::CheckLength("description", description, core::kMaxDescriptionChars);
  Dataset dataset = DatasetForChange(who, dataset_id);
  std::unique_lock lock(write_mu_);
  DatasetJob job = FindJob(dataset, job_id);
  job.description = description;
  job.modified = clock_.Now();
  CommitOne(job, lock);
}

void DatasetJobService::Stop(const Principal& who, std::string_view dataset_id,
                             std::string_view job_id) {
  Dataset dataset = DatasetForChange(who, dataset_id);
  std::unique_lock lock(write_mu_);
  DatasetJob job = FindJob(dataset, job_id);
  if (!core::CanMove(job.status, DatasetJobStatus::kManuallyStop)) {
    throw Error(ErrorCode::kFailedPrecondition,
                "The dataset job " + job.public_id + " has ended (" +
                    std::string(core::DatasetJobStatusName(job.status)) + ").",
                "dataset_job_id");
  }
  core::TimeMs now = clock_.Now();
  job.status = DatasetJobStatus::kManuallyStop;
  job.finished = job.modified = now;
  core::AddJobLog(job, now, "INFO", "Job stopped by user.");
  CommitOne(job, lock);
  if (observer_) observer_->OnStopRequested(job.id);
}

void DatasetJobService::Delete(const Principal& who, std::string_view dataset_id,
                               std::string_view job_id) {
  Dataset dataset = DatasetForChange(who, dataset_id);
  std::unique_lock lock(write_mu_);
  DatasetJob job = FindJob(dataset, job_id);
  RecordWriter::Batch batch(writer_);
  batch.Delete<DatasetJob>(job.id);
  store::Revision revision = writer_.Commit(batch);
  lock.unlock();
  writer_.Acknowledge(revision);
  if (!core::IsFinished(job.status) && observer_) observer_->OnStopRequested(job.id);
}

// ---- configs --------------------------------------------------------------------

DatasetJobConfig DatasetJobService::CreateConfig(const Principal& who, std::string_view dataset_id,
                                                 DatasetJobConfig draft) {
  core::CheckDatasetJobConfig(draft);
  Dataset dataset = DatasetForChange(who, dataset_id);
  if (!draft.version.empty()) datasets_.GetVersion(who, dataset_id, draft.version);
  CheckWorkspace(dataset, draft.workspace_id);
  std::unique_lock lock(write_mu_);
  DatasetJobConfig config = std::move(draft);
  config.id = last_config_ + 1;
  config.public_id = core::DatasetJobConfigPublicId(config.id, id_key_);
  config.dataset = dataset.id;
  config.dataset_id = dataset.public_id;
  config.tenant_id = dataset.tenant_id;
  config.user_id = who.user_id;
  config.created = config.modified = clock_.Now();
  last_config_ = config.id;
  CommitOne(config, lock);  // releases the lock
  return config;
}

DatasetJobConfig DatasetJobService::GetConfig(const Principal& who, std::string_view dataset_id,
                                              std::string_view config_id) {
  return FindConfig(datasets_.Get(who, dataset_id), config_id);
}

RecordList<DatasetJobConfig> DatasetJobService::ListConfigs(const Principal& who,
                                                            std::string_view dataset_id,
                                                            index::Query query) {
  Dataset dataset = datasets_.Get(who, dataset_id);
  query.values[JobConfigNumbers::kDataset] = {static_cast<int64_t>(dataset.id)};
  index::Page page = configs_.Search(query);
  return {store::GetMany<DatasetJobConfig>(store_, page.ids), page.total, page.snapshot};
}

void DatasetJobService::UpdateConfig(const Principal& who, std::string_view dataset_id,
                                     std::string_view config_id,
                                     const std::optional<std::string>& config_type,
                                     const std::optional<std::string>& config) {
  Dataset dataset = DatasetForChange(who, dataset_id);
  std::unique_lock lock(write_mu_);
  DatasetJobConfig stored = FindConfig(dataset, config_id);
  if (config_type && !config_type->empty()) stored.config_type = *config_type;
  if (config && !config->empty()) stored.config = *config;
  core::CheckDatasetJobConfig(stored);
  stored.modified = clock_.Now();
  CommitOne(stored, lock);
}

void DatasetJobService::DeleteConfig(const Principal& who, std::string_view dataset_id,
                                     std::string_view config_id) {
  Dataset dataset = DatasetForChange(who, dataset_id);
  std::unique_lock lock(write_mu_);
  DatasetJobConfig config = FindConfig(dataset, config_id);
  RecordWriter::Batch batch(writer_);
  batch.Delete<DatasetJobConfig>(config.id);
  store::Revision revision = writer_.Commit(batch);
  lock.unlock();
  writer_.Acknowledge(revision);
}

// ---- the catalogue ------------------------------------------------------------------

RecordList<DatasetFile> DatasetJobService::ListFiles(const Principal& who,
                                                     std::string_view dataset_id,
                                                     std::string_view version, index::Query query) {
  Dataset dataset = datasets_.Get(who, dataset_id);
  datasets_.GetVersion(who, dataset_id, version);  // throws kNotFound
  query.values[DatasetFileNumbers::kDataset] = {static_cast<int64_t>(dataset.id)};
  query.exact[DatasetFileStrings::kVersion] = {std::string(version)};
  if (query.now == 0) query.now = clock_.Now();
  index::Page page = files_.Search(query);
  return {store::GetMany<DatasetFile>(store_, page.ids), page.total, page.snapshot};
}

DatasetFile DatasetJobService::GetFile(const Principal& who, std::string_view dataset_id,
                                       std::string_view file_id) {
  Dataset dataset = datasets_.Get(who, dataset_id);
  std::optional<DatasetFile> file = store::Find<DatasetFile>(store_, file_id);
  if (!file || file->dataset != dataset.id) {
    throw Error(ErrorCode::kNotFound,
                "The dataset file meta " + std::string(file_id) + " does not exist.",
                "dataset_file_meta_id");
  }
  return std::move(*file);
}

// ---- for the runner --------------------------------------------------------------------

std::optional<DatasetJob> DatasetJobService::ClaimNext() {
  index::Query pending;
  pending.values[DatasetJobNumbers::kStatus] = {static_cast<int64_t>(DatasetJobStatus::kPending)};
  pending.descending = false;
  pending.limit = 1;
  for (;;) {
    index::Page page = jobs_.Search(pending);
    if (page.ids.empty()) return std::nullopt;
    std::optional<DatasetJob> claimed = Mutate(page.ids[0], [this](DatasetJob& job) {
      if (job.status != DatasetJobStatus::kPending) {
        throw Error(ErrorCode::kFailedPrecondition, "taken");
      }
      job.status = DatasetJobStatus::kStarting;
      job.modified = clock_.Now();
    });
    if (claimed) return claimed;
  }
}

std::optional<DatasetJob> DatasetJobService::Mutate(
    core::RecordNumber id, const std::function<void(DatasetJob&)>& change) {
  std::unique_lock lock(write_mu_);
  std::optional<DatasetJob> job = store::Get<DatasetJob>(store_, id);
  if (!job) return std::nullopt;
  try {
    change(*job);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kFailedPrecondition) return std::nullopt;
    throw;
  }
  CommitOne(*job, lock);
  return job;
}

std::vector<DatasetJob> DatasetJobService::Interrupted() {
  index::Query active;
  active.values[DatasetJobNumbers::kStatus] = {static_cast<int64_t>(DatasetJobStatus::kStarting),
                                               static_cast<int64_t>(DatasetJobStatus::kRunning)};
  active.limit = INT32_MAX;
  return store::GetMany<DatasetJob>(store_, jobs_.Search(active).ids);
}

std::optional<core::DatasetVersion> DatasetJobService::VersionOf(const DatasetJob& job) {
  return store::Find<core::DatasetVersion>(store_, job.dataset_id + "/" + job.version);
}

std::vector<DatasetFile> DatasetJobService::FilesOf(core::RecordNumber dataset,
                                                    const std::string& version) {
  index::Query all;
  all.values[DatasetFileNumbers::kDataset] = {static_cast<int64_t>(dataset)};
  all.exact[DatasetFileStrings::kVersion] = {version};
  all.limit = INT32_MAX;
  return store::GetMany<DatasetFile>(store_, files_.Search(all).ids);
}

void DatasetJobService::PutFiles(std::vector<DatasetFile> files,
                                 const std::vector<core::RecordNumber>& gone) {
  std::unique_lock lock(write_mu_);
  RecordWriter::Batch batch(writer_);
  for (DatasetFile& file : files) {
    if (file.id == 0) file.id = ++last_file_;
    batch.Put(file);
  }
  for (core::RecordNumber number : gone) batch.Delete<DatasetFile>(number);
  store::Revision revision = writer_.Commit(batch);
  lock.unlock();
  writer_.Acknowledge(revision);
}

// ---- helpers ---------------------------------------------------------------------------

DatasetJob DatasetJobService::FindJob(const Dataset& dataset, std::string_view job_id) {
  std::optional<DatasetJob> job = store::Find<DatasetJob>(store_, job_id);
  if (!job || job->dataset != dataset.id) ThrowNoJob(job_id);
  return std::move(*job);
}

DatasetJobConfig DatasetJobService::FindConfig(const Dataset& dataset, std::string_view config_id) {
  std::optional<DatasetJobConfig> config = store::Find<DatasetJobConfig>(store_, config_id);
  if (!config || config->dataset != dataset.id) {
    throw Error(ErrorCode::kNotFound,
                "The dataset job config " + std::string(config_id) + " does not exist.",
                "dataset_job_config_id");
  }
  return std::move(*config);
}

Dataset DatasetJobService::DatasetForChange(const Principal& who, std::string_view dataset_id) {
  Dataset dataset = datasets_.Get(who, dataset_id);
  if (!core::CanChange(who.AsViewer(), dataset)) {
    throw Error(ErrorCode::kPermissionDenied,
                "Only the owner of dataset " + dataset.public_id +
                    " or an admin of its workspace may run jobs on it.");
  }
  return dataset;
}

template <class T>
void DatasetJobService::CommitOne(const T& record, std::unique_lock<std::mutex>& lock) {
  RecordWriter::Batch batch(writer_);
  batch.Put(record);
  store::Revision revision = writer_.Commit(batch);
  lock.unlock();
  writer_.Acknowledge(revision);
}

}  // namespace drover::service
