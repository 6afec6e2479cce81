#include "service/dataset_job_service.h"

#include <openssl/evp.h>

#include <algorithm>
#include <boost/json.hpp>
#include <climits>
#include <limits>
#include <map>
#include <unordered_map>

#include "core/error.h"
#include "core/hex.h"
#include "core/ids.h"
#include "core/utf8.h"
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

// The first `digits` (at most 64) lowercase hex digits of the SHA-256 of `text`.
std::string Sha256Hex(std::string_view text, size_t digits = 64) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr);
  return core::Hex(digest, length).substr(0, digits);
}

// A file's SemanticIndex vector in (or out of) the vector index.
void PlaceVector(index::VectorIndex& vectors, const DatasetFile& file) {
  std::vector<float> vector = index::DecodeVector(file.embedding);
  if (vector.empty()) {
    vectors.Erase(file.id);
  } else {
    vectors.Put(file.id, {file.dataset, file.version}, vector);
  }
}

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
  auto place = [this](const DatasetFile& file) { PlaceVector(vectors_, file); };
  writer_.Watch<DatasetFile>(place, [this](uint64_t number) { vectors_.Erase(number); });
  LoadIndex(store_, jobs_, DatasetJobSchema());
  LoadIndex(store_, configs_, DatasetJobConfigSchema());
  LoadIndex(store_, files_, DatasetFileSchema(), std::function<void(const DatasetFile&)>(place));
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
    datasets_.GetVersionOf(dataset, draft.version);  // throws kNotFound
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
  DeleteOne<DatasetJob>(job.id, lock);
  if (!core::IsFinished(job.status) && observer_) observer_->OnStopRequested(job.id);
}

// ---- configs --------------------------------------------------------------------

DatasetJobConfig DatasetJobService::CreateConfig(const Principal& who, std::string_view dataset_id,
                                                 DatasetJobConfig draft) {
  core::CheckDatasetJobConfig(draft);
  Dataset dataset = DatasetForChange(who, dataset_id);
  if (!draft.version.empty()) datasets_.GetVersionOf(dataset, draft.version);
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
  DeleteOne<DatasetJobConfig>(FindConfig(dataset, config_id).id, lock);
}

// ---- the catalogue ------------------------------------------------------------------

RecordList<DatasetFile> DatasetJobService::ListFiles(const Principal& who,
                                                     std::string_view dataset_id,
                                                     std::string_view version, index::Query query) {
  Dataset dataset = datasets_.Get(who, dataset_id);
  datasets_.GetVersionOf(dataset, version);  // throws kNotFound
  query.values[DatasetFileNumbers::kDataset] = {static_cast<int64_t>(dataset.id)};
  query.exact[DatasetFileStrings::kVersion] = {std::string(version)};
  if (query.now == 0) query.now = clock_.Now();
  index::Page page = files_.Search(query);
  return {store::GetMany<DatasetFile>(store_, page.ids), page.total, page.snapshot};
}

std::filesystem::path DatasetJobService::FilePath(const Principal& who, std::string_view dataset_id,
                                                  std::string_view file_id) {
  DatasetFile file = GetFile(who, dataset_id, file_id);
  if (!file.uri.starts_with("file://") && !file.uri.starts_with("nas://")) {
    throw core::Error(core::ErrorCode::kFailedPrecondition,
                      "The file " + file.uri + " is not on a file system this server maps.");
  }
  return datasets_.storage().Resolve(file.uri, "NAS", "Uri");
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

DatasetJobService::FileStats DatasetJobService::FileStatistics(const Principal& who,
                                                               std::string_view dataset_id,
                                                               std::string_view version,
                                                               index::RecordIndex::FacetOf of,
                                                               index::FieldId field) {
  Dataset dataset = datasets_.Get(who, dataset_id);
  datasets_.GetVersionOf(dataset, version);  // throws kNotFound
  index::Query files;
  files.values[DatasetFileNumbers::kDataset] = {static_cast<int64_t>(dataset.id)};
  files.exact[DatasetFileStrings::kVersion] = {std::string(version)};
  files.limit = 0;
  FileStats stats;
  stats.total = files_.Search(files).total;
  if (field != index::kNoField) stats.counts = files_.Facet(of, field, files);
  return stats;
}

namespace {

constexpr size_t kMaxTagsPerFile = 100;
constexpr size_t kMaxTagChars = 128;

// Why a file's fields break the rules, or "".
std::string FileProblem(const DatasetFile& f) {
  if (f.uri.empty() || f.uri.size() > core::kMaxUriBytes) return "Uri must be 1 to 2048 bytes.";
  if (f.file_type.empty() || f.content_type.empty() || f.fingerprint.empty() ||
      f.file_updated == 0) {
    return "FileType, ContentType, FileFingerPrint and FileUpdateTime are required.";
  }
  for (const std::string* text : {&f.file_name, &f.file_type, &f.content_type, &f.fingerprint}) {
    if (core::CountCodePoints(*text) > core::kMaxIdChars) return "A field is over 256 characters.";
  }
  if (core::CountCodePoints(f.comment) > core::kMaxDescriptionChars) {
    return "Comment must be at most 1024 characters.";
  }
  if (f.size < 0) return "DataSize must not be negative.";
  try {
    core::CheckJsonObjectText("meta_attributes", f.meta_attributes);
  } catch (const Error&) {
    return "MetaAttributes must be a string holding a JSON object.";
  }
  for (const auto* group : {&f.user_tags, &f.deleted_ai_tags, &f.ai_tags}) {
    if (group->size() > kMaxTagsPerFile) return "A tag group holds at most 100 tags.";
    for (const std::string& tag : *group) {
      if (tag.empty() || core::CountCodePoints(tag) > kMaxTagChars) {
        return "A tag must be 1 to 128 characters.";
      }
    }
  }
  return "";
}

// "oss://bucket/cars/2025/0001.png" → "cars/2025/": the directory under
// the URI's bucket or file system.
std::string DirOf(std::string_view uri) {
  size_t scheme = uri.find("://");
  std::string_view path = scheme == std::string_view::npos ? uri : uri.substr(scheme + 3);
  size_t host_end = path.find('/');
  if (host_end == std::string_view::npos) return "";
  path = path.substr(host_end + 1);
  size_t last = path.rfind('/');
  return last == std::string_view::npos ? "" : std::string(path.substr(0, last + 1));
}

void AddEach(std::vector<std::string>& group, const std::vector<std::string>& add) {
  for (const std::string& tag : add) {
    if (std::find(group.begin(), group.end(), tag) == group.end()) group.push_back(tag);
  }
}

void RemoveEach(std::vector<std::string>& group, const std::vector<std::string>& remove) {
  std::erase_if(group, [&](const std::string& tag) {
    return std::find(remove.begin(), remove.end(), tag) != remove.end();
  });
}

}  // namespace

DatasetJobService::FileResults DatasetJobService::CreateFiles(const Principal& who,
                                                              std::string_view dataset_id,
                                                              std::string_view version,
                                                              std::vector<DatasetFile> drafts) {
  Dataset dataset = DatasetForChange(who, dataset_id);
  datasets_.GetVersionOf(dataset, version);  // throws kNotFound
  core::TimeMs now = clock_.Now();
  FileResults results;
  std::vector<DatasetFile> accepted;
  for (DatasetFile& f : drafts) {
    f.public_id = FileId(dataset.public_id, version, f.uri);
    std::string problem = FileProblem(f);
    bool twice = std::any_of(accepted.begin(), accepted.end(),
                             [&](const DatasetFile& a) { return a.public_id == f.public_id; });
    if (problem.empty() && (twice || EntryOf(dataset.public_id, version, f.uri))) {
      problem = "Already exists.";
    }
    if (!problem.empty()) {
      results.failed.push_back({"", f.uri, problem});
      continue;
    }
    f.dataset = dataset.id;
    f.dataset_id = dataset.public_id;
    f.version = std::string(version);
    f.file_dir = DirOf(f.uri);
    f.tenant_id = dataset.tenant_id;
    f.workspace_id = dataset.workspace_id;
    f.user_id = who.user_id;
    f.created = now;
    if (!f.user_tags.empty()) f.tag_updated = now;
    results.succeeded.push_back({f.public_id, f.uri, ""});
    accepted.push_back(std::move(f));
  }
  if (!accepted.empty()) PutFiles(std::move(accepted));
  return results;
}

DatasetJobService::FileResults DatasetJobService::UpdateFiles(
    const Principal& who, std::string_view dataset_id, const std::vector<FileUpdate>& updates) {
  Dataset dataset = DatasetForChange(who, dataset_id);
  core::TimeMs now = clock_.Now();
  FileResults results;
  std::vector<DatasetFile> changed;
  for (const FileUpdate& u : updates) {
    std::optional<DatasetFile> file = store::Find<DatasetFile>(store_, u.id);
    if (!file || file->dataset != dataset.id) {
      results.failed.push_back({u.id, "", "Not Found"});
      continue;
    }
    DatasetFile f = std::move(*file);
    if (u.comment) f.comment = *u.comment;
    if (u.content_type) f.content_type = *u.content_type;
    if (u.file_name) f.file_name = *u.file_name;
    if (u.file_type) f.file_type = *u.file_type;
    if (u.fingerprint) f.fingerprint = *u.fingerprint;
    if (u.meta_attributes) f.meta_attributes = *u.meta_attributes;
    if (u.size) f.size = *u.size;
    if (u.file_created) f.file_created = *u.file_created;
    if (u.file_updated) f.file_updated = *u.file_updated;
    const TagEdit& t = u.tags;
    if (!t.add_user.empty() || !t.remove_user.empty() || !t.add_deleted_ai.empty() ||
        !t.remove_deleted_ai.empty()) {
      AddEach(f.user_tags, t.add_user);
      RemoveEach(f.user_tags, t.remove_user);
      AddEach(f.deleted_ai_tags, t.add_deleted_ai);
      RemoveEach(f.deleted_ai_tags, t.remove_deleted_ai);
      f.tag_updated = now;
    }
    if (std::string problem = FileProblem(f); !problem.empty()) {
      results.failed.push_back({u.id, f.uri, problem});
      continue;
    }
    results.succeeded.push_back({f.public_id, f.uri, ""});
    changed.push_back(std::move(f));
  }
  if (!changed.empty()) PutFiles(std::move(changed));
  return results;
}

DatasetJobService::FileResults DatasetJobService::DeleteFiles(const Principal& who,
                                                              std::string_view dataset_id,
                                                              const std::vector<std::string>& ids) {
  Dataset dataset = DatasetForChange(who, dataset_id);
  FileResults results;
  std::vector<core::RecordNumber> gone;
  for (const std::string& id : ids) {
    std::optional<DatasetFile> file = store::Find<DatasetFile>(store_, id);
    if (!file || file->dataset != dataset.id) {
      results.failed.push_back({id, "", "Not Found"});
      continue;
    }
    if (std::find(gone.begin(), gone.end(), file->id) != gone.end()) continue;
    gone.push_back(file->id);
    results.succeeded.push_back({id, file->uri, ""});
  }
  if (!gone.empty()) PutFiles({}, gone);
  return results;
}

DatasetJobService::FileResults DatasetJobService::ImportFiles(const DatasetJob& job,
                                                              std::vector<DatasetFile> files,
                                                              store::Revision* staged) {
  core::TimeMs now = clock_.Now();
  FileResults results;
  std::vector<std::string> uris;
  uris.reserve(files.size());
  for (const DatasetFile& f : files) uris.push_back(f.uri);
  std::unordered_map<std::string, DatasetFile> existing =
      EntriesOf(job.dataset_id, job.version, uris);
  std::vector<DatasetFile> accepted;
  std::unordered_map<std::string, size_t> position;  // in accepted, by URI
  for (DatasetFile& f : files) {
    if (std::string problem = FileProblem(f); !problem.empty()) {
      results.failed.push_back({"", f.uri, problem});
      continue;
    }
    PlaceInVersion(f, job);
    auto entry = existing.find(f.uri);
    if (entry != existing.end()) f.public_id = entry->second.public_id;
    f.id = entry != existing.end() ? entry->second.id : 0;
    f.created = entry != existing.end() ? entry->second.created : now;
    if (f.file_dir.empty()) f.file_dir = DirOf(f.uri);
    f.tag_updated = now;
    results.succeeded.push_back({f.public_id, f.uri, ""});
    auto [at, fresh] = position.emplace(f.uri, accepted.size());
    if (fresh) {
      accepted.push_back(std::move(f));
    } else {
      accepted[at->second] = std::move(f);  // the same URI twice: the later line wins
    }
  }
  if (staged) {
    *staged = accepted.empty() ? 0 : StageFiles(std::move(accepted));
  } else if (!accepted.empty()) {
    PutFiles(std::move(accepted));
  }
  return results;
}

void DatasetJobService::PlaceInVersion(DatasetFile& file, const DatasetJob& job) {
  file.public_id = FileId(job.dataset_id, job.version, file.uri);
  file.dataset = job.dataset;
  file.dataset_id = job.dataset_id;
  file.version = job.version;
  file.tenant_id = job.tenant_id;
  file.workspace_id = job.workspace_id;
  file.user_id = job.user_id;
}

std::string DatasetJobService::FileId(std::string_view dataset_id, std::string_view version,
                                      std::string_view uri) {
  std::string key(dataset_id);
  key += '/';
  key += version;
  key += '/';
  key += uri;
  size_t dir_end = key.size() - uri.size() + uri.substr(0, uri.rfind('/') + 1).size();
  return Sha256Hex(std::string_view(key).substr(0, dir_end), 24) + Sha256Hex(key, 40);
}

// Before 2026-11-28 an entry's id was the whole SHA-256 (hex) of the three.
std::string DatasetJobService::OldFileId(std::string_view dataset_id, std::string_view version,
                                         std::string_view uri) {
  return Sha256Hex(std::string(dataset_id) + '/' + std::string(version) + '/' + std::string(uri));
}

std::optional<DatasetFile> DatasetJobService::EntryOf(std::string_view dataset_id,
                                                      std::string_view version,
                                                      std::string_view uri) {
  if (auto entry = store::Find<DatasetFile>(store_, FileId(dataset_id, version, uri))) return entry;
  return store::Find<DatasetFile>(store_, OldFileId(dataset_id, version, uri));
}

std::unordered_map<std::string, DatasetFile> DatasetJobService::EntriesOf(
    std::string_view dataset_id, std::string_view version, const std::vector<std::string>& uris) {
  index::Query query;  // one search of the index's ids for the lot
  for (const std::string& uri : uris) {
    query.public_ids.push_back(FileId(dataset_id, version, uri));
    query.public_ids.push_back(OldFileId(dataset_id, version, uri));
  }
  query.limit = INT32_MAX;
  std::unordered_map<std::string, DatasetFile> entries;
  for (DatasetFile& file : store::GetMany<DatasetFile>(store_, files_.Search(query).ids)) {
    std::string uri = file.uri;
    entries.emplace(std::move(uri), std::move(file));
  }
  return entries;
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

bool DatasetJobService::ForEachFile(core::RecordNumber dataset, const std::string& version,
                                    const std::function<bool(DatasetFile&)>& visit) {
  constexpr size_t kChunk = 10'000;  // entries in memory at once
  index::Query all;
  all.values[DatasetFileNumbers::kDataset] = {static_cast<int64_t>(dataset)};
  all.exact[DatasetFileStrings::kVersion] = {version};
  all.limit = INT32_MAX;
  std::vector<uint64_t> numbers = files_.Search(all).ids;
  for (size_t at = 0; at < numbers.size(); at += kChunk) {
    std::vector<uint64_t> chunk(
        numbers.begin() + static_cast<std::ptrdiff_t>(at),
        numbers.begin() + static_cast<std::ptrdiff_t>(std::min(numbers.size(), at + kChunk)));
    for (DatasetFile& file : store::GetMany<DatasetFile>(store_, chunk)) {
      if (!visit(file)) return false;
    }
  }
  return true;
}

std::vector<DatasetFile> DatasetJobService::FilesByNumber(
    const std::vector<core::RecordNumber>& numbers) {
  return store::GetMany<DatasetFile>(store_, numbers);
}

void DatasetJobService::PutFiles(std::vector<DatasetFile> files,
                                 const std::vector<core::RecordNumber>& gone) {
  writer_.Acknowledge(StageFiles(std::move(files), gone));
}

store::Revision DatasetJobService::StageFiles(std::vector<DatasetFile> files,
                                              const std::vector<core::RecordNumber>& gone) {
  std::lock_guard lock(write_mu_);
  RecordWriter::Batch batch(writer_);
  for (DatasetFile& file : files) {
    if (file.id == 0) file.id = ++last_file_;
    batch.Put(file);
  }
  for (core::RecordNumber number : gone) batch.Delete<DatasetFile>(number);
  return writer_.Commit(batch);
}

// ---- helpers ---------------------------------------------------------------------------

DatasetJob DatasetJobService::FindJob(const Dataset& dataset, std::string_view job_id) {
  std::optional<DatasetJob> job = store::Find<DatasetJob>(store_, job_id);
  if (!job || job->dataset != dataset.id) ThrowNoJob(job_id);
  return std::move(*job);
}

std::optional<DatasetJobConfig> DatasetJobService::ConfigFor(core::RecordNumber dataset,
                                                             std::string_view version,
                                                             std::string_view config_type) {
  index::Query query;
  query.values[JobConfigNumbers::kDataset] = {static_cast<int64_t>(dataset)};
  query.limit = 1000;  // a dataset's configs: a handful
  std::optional<DatasetJobConfig> newest;
  for (DatasetJobConfig& config :
       store::GetMany<DatasetJobConfig>(store_, configs_.Search(query).ids)) {
    if (config.config_type != config_type) continue;
    if (!config.version.empty() && config.version != version) continue;
    if (!newest || config.modified > newest->modified) newest = std::move(config);
  }
  return newest;
}

ModelEndpointConfig DatasetJobService::EndpointFor(core::RecordNumber dataset,
                                                   std::string_view version,
                                                   std::string_view config_type,
                                                   const std::string& action,
                                                   const std::string& job_spec) {
  std::optional<core::DatasetJobConfig> config = ConfigFor(dataset, version, config_type);
  std::string example = R"({"endpoint": "http://127.0.0.1:8000/v1", "model": "…", "apiKey": "…"})";
  if (!config) {
    throw std::runtime_error(action + " needs a model endpoint: create a " +
                             std::string(config_type) + " job config for the dataset whose " +
                             "Config is " + example);
  }
  auto field = [](const std::string& text, const char* key) -> std::string {
    boost::system::error_code ec;
    boost::json::value doc = boost::json::parse(text, ec);
    const boost::json::value* v =
        !ec && doc.is_object() ? doc.as_object().if_contains(key) : nullptr;
    return v && v->is_string() ? std::string(v->get_string()) : "";
  };
  ModelEndpointConfig endpoint;
  endpoint.base_url = field(config->config, "endpoint");
  endpoint.api_key = field(config->config, "apiKey");
  endpoint.model = field(config->config, "model");
  if (std::string model = field(job_spec, "modelId"); !model.empty()) endpoint.model = model;
  if (endpoint.base_url.empty()) {
    throw std::runtime_error("the " + std::string(config_type) + " job config " +
                             config->public_id + " names no endpoint; its Config must be " +
                             example);
  }
  return endpoint;
}

std::vector<DatasetJobService::ScoredFile> DatasetJobService::SimilarFiles(
    const Principal& who, std::string_view dataset_id, std::string_view version,
    const std::string& text, size_t k, float threshold, const std::optional<index::Query>& filter) {
  Dataset dataset = datasets_.Get(who, dataset_id);
  datasets_.GetVersionOf(dataset, version);  // throws kNotFound
  std::vector<float> query;
  try {
    ModelEndpoint model(
        EndpointFor(dataset.id, version, "MultimodalSemanticIndex", "A VECTOR query"));
    query = model.Embed({text}).at(0);
  } catch (const std::runtime_error& e) {
    throw Error(ErrorCode::kFailedPrecondition, e.what(), "query_text");
  }
  std::optional<std::vector<uint64_t>> among;
  if (filter) {
    index::Query scoped = *filter;
    scoped.values[DatasetFileNumbers::kDataset] = {static_cast<int64_t>(dataset.id)};
    scoped.exact[DatasetFileStrings::kVersion] = {std::string(version)};
    scoped.offset = 0;
    scoped.limit = std::numeric_limits<int32_t>::max();
    if (scoped.now == 0) scoped.now = clock_.Now();
    among = files_.Search(scoped).ids;
    std::sort(among->begin(), among->end());
  }
  std::vector<index::VectorIndex::Hit> hits = vectors_.Search(
      {dataset.id, std::string(version)}, query, k, threshold, among ? &*among : nullptr);
  std::vector<uint64_t> numbers;
  for (const auto& hit : hits) numbers.push_back(hit.number);
  std::map<uint64_t, DatasetFile> files;
  for (DatasetFile& file : store::GetMany<DatasetFile>(store_, numbers)) {
    files.emplace(file.id, std::move(file));
  }
  std::vector<ScoredFile> out;
  for (const auto& hit : hits) {
    auto it = files.find(hit.number);
    if (it != files.end()) out.push_back({std::move(it->second), hit.score});
  }
  return out;
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
void DatasetJobService::DeleteOne(core::RecordNumber number, std::unique_lock<std::mutex>& lock) {
  RecordWriter::Batch batch(writer_);
  batch.Delete<T>(number);
  store::Revision revision = writer_.Commit(batch);
  lock.unlock();
  writer_.Acknowledge(revision);
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
