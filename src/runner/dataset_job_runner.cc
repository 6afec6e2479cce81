#include "runner/dataset_job_runner.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <unordered_map>

#include "core/error.h"
#include "core/json_reader.h"
#include "core/utf8.h"
#include "index/vector_index.h"
#include "runner/file_scan.h"

namespace drover::runner {

namespace fs = std::filesystem;
using core::DatasetFile;
using core::DatasetJob;
using core::DatasetJobStatus;

namespace {

constexpr int64_t kFlushMs = 250;
constexpr size_t kBatchFiles = 1000;
constexpr int64_t kLoggedFailures = 20;  // a job's log names at most this many failed files

// Makes a job's staged batches (DatasetJobService::StageFiles) durable on
// a thread of its own, so that the next batch is read and indexed while
// the last one is written. Stage waits for the batch before; a failure to
// write is thrown to the job at its next Stage.
class BackgroundSync {
 public:
  explicit BackgroundSync(service::DatasetJobService& jobs)
      : jobs_(jobs), thread_([this] { Loop(); }) {}
  ~BackgroundSync() {
    {
      std::lock_guard lock(mu_);
      quit_ = true;
    }
    changed_.notify_all();
    thread_.join();
  }
  BackgroundSync(const BackgroundSync&) = delete;
  BackgroundSync& operator=(const BackgroundSync&) = delete;

  void Stage(store::Revision revision) {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return synced_ >= staged_ || failure_; });
    if (failure_) std::rethrow_exception(failure_);
    staged_ = revision;
    changed_.notify_all();
  }

 private:
  void Loop() {
    std::unique_lock lock(mu_);
    for (;;) {
      changed_.wait(lock, [&] { return staged_ > synced_ || quit_; });
      if (staged_ <= synced_) return;
      store::Revision target = staged_;
      lock.unlock();
      std::exception_ptr failure;
      try {
        jobs_.Acknowledge(target);
      } catch (...) {
        failure = std::current_exception();
      }
      lock.lock();
      synced_ = target;
      if (failure) failure_ = failure;
      changed_.notify_all();
    }
  }

  service::DatasetJobService& jobs_;
  std::mutex mu_;
  std::condition_variable changed_;
  store::Revision staged_ = 0;  // guarded by mu_
  store::Revision synced_ = 0;  // guarded by mu_
  std::exception_ptr failure_;  // guarded by mu_
  bool quit_ = false;           // guarded by mu_
  std::thread thread_;
};

// The `uri` of a JobSpec (JSON text); throws when it has none.
std::string SpecUri(const DatasetJob& job) {
  core::JsonReader r(job.spec);
  r.BeginObject();
  for (std::string_view key; r.NextKey(key);) {
    if (key == "uri" && r.Peek() == core::JsonReader::Kind::kString) return r.String();
    r.Skip();
  }
  throw std::runtime_error(job.action +
                           " needs the file's URI as JobSpec's \"uri\" (file:// or nas://).");
}

}  // namespace

// Where a version's catalogued files are on this machine.
struct VersionFiles {
  fs::path root;
  bool single = false;  // a FILE version: the root is the one file

  fs::path Of(const DatasetFile& file) const {
    return single ? root : root / fs::path(file.file_dir + file.file_name);
  }
  // A file's first `limit` bytes; with `whole`, a file longer than that is
  // an error.
  std::string Read(const DatasetFile& file, std::streamsize limit, bool whole) const {
    fs::path path = Of(file);
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    std::string bytes(static_cast<size_t>(limit) + 1, '\0');
    in.read(bytes.data(), limit + 1);
    if (in.gcount() > limit && whole) {
      throw std::runtime_error("larger than " + std::to_string(limit >> 20) + " MiB");
    }
    bytes.resize(static_cast<size_t>(std::min(in.gcount(), limit)));
    return bytes;
  }
};

// What a running job reports: its counters and new log lines, committed
// every kFlushMs; Flush says whether to go on.
struct DatasetJobRunner::Progress {
  Progress(DatasetJobRunner& r, core::RecordNumber j) : runner(r), job(j) {}

  DatasetJobRunner& runner;
  core::RecordNumber job;
  int64_t total = 0;
  int64_t completed = 0;
  int64_t failed = 0;
  std::vector<std::pair<std::string, std::string>> logs;  // level, text
  std::chrono::steady_clock::time_point flushed = std::chrono::steady_clock::now();

  void Log(std::string level, std::string text) {
    logs.emplace_back(std::move(level), std::move(text));
  }

  // A file the work failed on: counted, and the first kLoggedFailures
  // logged (`line` says which and why).
  void Failed(std::string line) {
    if (failed++ < kLoggedFailures) Log("WARN", std::move(line));
  }
  std::string first_failure;
  void Fail(const DatasetFile& file, const std::string& why) {
    if (first_failure.empty()) first_failure = why;
    Failed(file.file_dir + file.file_name + ": " + why);
  }
  // Says how many failures were not logged one by one.
  void LogUnlogged() {
    if (failed > kLoggedFailures) {
      Log("WARN", std::to_string(failed - kLoggedFailures) + " more files failed likewise.");
    }
  }
  // After a model job's last file: LogUnlogged, and throws `none_done`
  // when no file came through at all.
  void Conclude(const std::string& none_done) {
    LogUnlogged();
    if (completed == 0 && failed > 0) {
      throw std::runtime_error(none_done + "; the first failure: " + first_failure);
    }
  }

  // False once the job was stopped or deleted.
  bool Step() {
    if (runner.stop_current_) return false;
    if (std::chrono::steady_clock::now() - flushed < std::chrono::milliseconds(kFlushMs)) {
      return true;
    }
    return Flush();
  }

  bool Flush() {
    flushed = std::chrono::steady_clock::now();
    core::TimeMs now = runner.jobs_.clock().Now();
    bool running = false;
    runner.jobs_.Mutate(job, [&](DatasetJob& j) {
      running = j.status == DatasetJobStatus::kRunning;
      if (!running) throw core::Error(core::ErrorCode::kFailedPrecondition, "stopped");
      j.total_files = total;
      j.completed_files = completed;
      j.failed_files = failed;
      for (const auto& [level, text] : logs) core::AddJobLog(j, now, level, text);
      j.modified = now;
    });
    logs.clear();
    return running && !runner.stop_current_;
  }
};

DatasetJobRunner::DatasetJobRunner(service::DatasetJobService& jobs,
                                   const service::StorageMap& storage)
    : jobs_(jobs), storage_(storage) {
  jobs_.SetObserver(this);
}

DatasetJobRunner::~DatasetJobRunner() {
  {
    std::lock_guard lock(mu_);
    quit_ = true;
  }
  stop_current_ = true;
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  jobs_.SetObserver(nullptr);
}

void DatasetJobRunner::Start() {
  Reconcile();
  thread_ = std::thread([this] { Loop(); });
}

void DatasetJobRunner::Reconcile() {
  core::TimeMs now = jobs_.clock().Now();
  for (const DatasetJob& job : jobs_.Interrupted()) {
    jobs_.Mutate(job.id, [now](DatasetJob& j) {
      j.status = DatasetJobStatus::kPending;
      j.total_files = j.completed_files = j.failed_files = 0;
      core::AddJobLog(j, now, "WARN", "The server restarted; the job runs again.");
    });
  }
}

void DatasetJobRunner::RunPending() {
  while (std::optional<DatasetJob> job = jobs_.ClaimNext()) Run(*job);
}

void DatasetJobRunner::OnPending() {
  {
    std::lock_guard lock(mu_);
    pending_ = true;
  }
  wake_.notify_one();
}

void DatasetJobRunner::OnStopRequested(core::RecordNumber job) {
  if (current_ == job) stop_current_ = true;
}

void DatasetJobRunner::Loop() {
  for (;;) {
    {
      std::unique_lock lock(mu_);
      wake_.wait_for(lock, std::chrono::seconds(1), [this] { return pending_ || quit_; });
      if (quit_) return;
      pending_ = false;
    }
    try {
      RunPending();
    } catch (const std::exception& e) {
      spdlog::error("dataset jobs: {}", e.what());
    }
  }
}

void DatasetJobRunner::Run(const DatasetJob& job) {
  current_ = job.id;
  stop_current_ = false;
  core::TimeMs now = jobs_.clock().Now();
  std::optional<DatasetJob> running = jobs_.Mutate(job.id, [now](DatasetJob& j) {
    if (j.status != DatasetJobStatus::kStarting) {
      throw core::Error(core::ErrorCode::kFailedPrecondition, "stopped");
    }
    j.status = DatasetJobStatus::kRunning;
    j.started = j.modified = now;
    core::AddJobLog(j, now, "INFO", "Job started.");
  });
  if (!running) {
    current_ = 0;
    return;
  }
  Progress progress(*this, job.id);
  std::string failure;
  bool finished = false;
  try {
    if (job.action == "FileMetaBuild") {
      finished = BuildCatalogue(*running, progress);
    } else if (job.action == "IntelligentTagRevert") {
      finished = RevertTags(*running, progress);
    } else if (job.action == "FileMetaExport") {
      finished = ExportCatalogue(*running, progress);
    } else if (job.action == "FileMetaImport") {
      finished = ImportCatalogue(*running, progress);
    } else if (job.action == "IntelligentTag") {
      finished = TagImages(*running, progress);
    } else if (job.action == "SemanticIndex") {
      finished = IndexFiles(*running, progress);
    } else {
      failure = job.action + " is not a job action.";
      finished = true;
    }
  } catch (const std::exception& e) {
    failure = e.what();
    finished = true;
  }
  if (!finished) {
    // Stopped by the user (the job says so already), deleted, or the server
    // is shutting down (the job stays Running, and the next start runs it
    // again).
    current_ = 0;
    return;
  }
  progress.Flush();
  now = jobs_.clock().Now();
  jobs_.Mutate(job.id, [&](DatasetJob& j) {
    if (j.status != DatasetJobStatus::kRunning) {
      throw core::Error(core::ErrorCode::kFailedPrecondition, "stopped");
    }
    j.total_files = progress.total;
    j.completed_files = progress.completed;
    j.failed_files = progress.failed;
    j.finished = j.modified = now;
    if (!failure.empty()) {
      j.status = DatasetJobStatus::kFailed;
      j.reason = failure;
      core::AddJobLog(j, now, "ERROR", "Job failed: " + failure);
    } else if (progress.failed > 0) {
      j.status = DatasetJobStatus::kPartialFailed;
      core::AddJobLog(j, now, "WARN",
                      "Job completed with " + std::to_string(progress.failed) + " failed files.");
    } else {
      j.status = DatasetJobStatus::kSucceeded;
      core::AddJobLog(j, now, "INFO", "Job completed successfully.");
    }
  });
  current_ = 0;
}

bool DatasetJobRunner::BuildCatalogue(const DatasetJob& job, Progress& progress) {
  std::optional<core::DatasetVersion> version = jobs_.VersionOf(job);
  if (!version) throw std::runtime_error("the version " + job.version + " no longer exists");
  fs::path root =
      storage_.ResolveExisting(version->uri, version->data_source_type, version->property);
  std::string base = version->uri;
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  bool single = version->property == "FILE";
  // What the catalogue holds, by path under the root: a file still at its
  // size and time is not read again.
  std::unordered_map<std::string, KnownFile> known;
  std::vector<core::RecordNumber> numbers;  // the entries', by KnownFile::position
  jobs_.ForEachFile(job.dataset, job.version, [&](const DatasetFile& file) {
    std::string relative = single                             ? root.filename().string()
                           : file.uri.starts_with(base + "/") ? file.uri.substr(base.size() + 1)
                                                              : file.uri;
    known.emplace(std::move(relative), KnownFile{file.size, file.file_updated, numbers.size()});
    numbers.push_back(file.id);
    return true;
  });
  std::vector<bool> seen(numbers.size());
  core::TimeMs now = jobs_.clock().Now();
  int64_t added = 0, changed = 0;
  std::vector<DatasetFile> batch;

  progress.Log("INFO", "Scanning " + version->uri);
  BackgroundSync sync(jobs_);
  FileScan scan(root, single, known, stop_current_);
  for (std::vector<ScannedFile> chunk = scan.Next(); !chunk.empty(); chunk = scan.Next()) {
    using Outcome = ScannedFile::Outcome;
    // The stored entries of the chunk's changed files: their tags, comment
    // and numbers are kept.
    std::vector<core::RecordNumber> changed_numbers;
    for (const ScannedFile& scanned : chunk) {
      if (scanned.known && scanned.outcome == Outcome::kRead) {
        changed_numbers.push_back(numbers[scanned.known->position]);
      }
    }
    std::unordered_map<core::RecordNumber, DatasetFile> stored;
    for (DatasetFile& file : jobs_.FilesByNumber(changed_numbers)) {
      core::RecordNumber number = file.id;
      stored.emplace(number, std::move(file));
    }
    for (ScannedFile& scanned : chunk) {
      if (scanned.known) seen[scanned.known->position] = true;
      if (scanned.outcome == Outcome::kBadDirectory) {
        if (scanned.relative.empty()) {
          throw std::runtime_error("cannot read " + root.string() + ": " + scanned.error);
        }
        progress.Failed("Cannot read the directory " + scanned.relative + ": " + scanned.error);
        continue;
      }
      progress.total++;
      if (scanned.outcome == Outcome::kNotRegular) {
        progress.Failed("Not a readable regular file: " + scanned.relative);
      } else if (scanned.outcome == Outcome::kUnreadable) {
        progress.Failed("Cannot read: " + scanned.relative);
      } else if (scanned.outcome == Outcome::kUnchanged) {
        progress.completed++;
      } else {
        DatasetFile file;
        if (scanned.known) {
          auto entry = stored.find(numbers[scanned.known->position]);
          if (entry != stored.end()) file = std::move(entry->second);
        }
        bool kept = file.id != 0;  // else new, or deleted since the walk began
        (kept ? changed : added)++;
        file.uri = single ? base : base + "/" + scanned.relative;
        std::string id = std::move(file.public_id);
        service::DatasetJobService::PlaceInVersion(file, job);
        if (kept) file.public_id = std::move(id);  // however it was made
        size_t slash = scanned.relative.rfind('/');
        file.file_name = scanned.relative.substr(slash + 1);
        file.file_dir = slash == std::string::npos ? "" : scanned.relative.substr(0, slash + 1);
        file.content_type = scanned.content_type;
        file.file_type = std::string(core::FileTypeOf(file.content_type));
        file.size = scanned.size;
        file.fingerprint = scanned.md5;
        if (scanned.image) {
          file.meta_attributes = "{\"ImageWidth\":" + std::to_string(scanned.image->width) +
                                 ",\"ImageHeight\":" + std::to_string(scanned.image->height) + "}";
        }
        file.file_created = scanned.created;
        file.file_updated = scanned.updated;
        if (file.created == 0) file.created = now;
        batch.push_back(std::move(file));
        progress.completed++;
      }
      if (!progress.Step()) {
        if (!batch.empty()) jobs_.PutFiles(std::move(batch));
        return false;
      }
    }
    scan.GiveBack(std::move(chunk));
    if (batch.size() >= kBatchFiles) {
      sync.Stage(jobs_.StageFiles(std::move(batch)));
      batch.clear();
    }
  }
  if (stop_current_) {
    if (!batch.empty()) jobs_.PutFiles(std::move(batch));
    return false;
  }
  std::vector<core::RecordNumber> gone;
  for (size_t i = 0; i < numbers.size(); ++i) {
    if (!seen[i]) gone.push_back(numbers[i]);
  }
  jobs_.PutFiles(std::move(batch), gone);
  progress.LogUnlogged();
  progress.Log("INFO", "Catalogue built: " + std::to_string(added) + " added, " +
                           std::to_string(changed) + " changed, " + std::to_string(gone.size()) +
                           " removed, " + std::to_string(progress.failed) + " failed.");
  return true;
}

bool DatasetJobRunner::ExportCatalogue(const DatasetJob& job, Progress& progress) {
  std::string uri = SpecUri(job);
  fs::path target = storage_.Resolve(uri, "NAS", "job_spec.uri");
  fs::path aside = target;
  aside += ".drover-tmp";
  std::ofstream out(aside, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + uri);
  bool going = jobs_.ForEachFile(job.dataset, job.version, [&](const DatasetFile& file) {
    out << core::FileMetaLine(file) << '\n';
    progress.total++;
    progress.completed++;
    return progress.Step();
  });
  if (!going) {
    out.close();
    fs::remove(aside);
    return false;
  }
  out.flush();
  if (!out) throw std::runtime_error("cannot write " + uri);
  out.close();
  fs::rename(aside, target);
  progress.Log("INFO", "Exported " + std::to_string(progress.completed) + " file metas to " + uri);
  return true;
}

bool DatasetJobRunner::ImportCatalogue(const DatasetJob& job, Progress& progress) {
  std::string uri = SpecUri(job);
  fs::path source = storage_.ResolveExisting(uri, "NAS", "FILE", "job_spec.uri");
  std::ifstream in(source, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + uri);
  std::vector<DatasetFile> batch;
  BackgroundSync sync(jobs_);
  auto flush = [&] {
    store::Revision staged = 0;
    for (const auto& failed : jobs_.ImportFiles(job, std::move(batch), &staged).failed) {
      progress.completed--;
      progress.failed++;
      progress.Log("WARN", failed.uri + ": " + failed.result);
    }
    if (staged != 0) sync.Stage(staged);
    batch.clear();
  };
  int64_t line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    if (line.empty()) continue;
    progress.total++;
    std::string why;
    std::optional<DatasetFile> file = core::ParseFileMetaLine(line, why);
    if (!file) {
      progress.failed++;
      progress.Log("WARN", "Line " + std::to_string(line_number) + " is not a file meta: " + why);
    } else {
      progress.completed++;
      batch.push_back(std::move(*file));
      if (batch.size() >= kBatchFiles) flush();
    }
    if (!progress.Step()) {
      if (!batch.empty()) flush();
      return false;
    }
  }
  if (!batch.empty()) flush();
  progress.Log("INFO", "Imported " + std::to_string(progress.completed) + " file metas from " +
                           uri + "; " + std::to_string(progress.failed) + " lines failed.");
  return true;
}

VersionFiles DatasetJobRunner::FilesOnDisk(const DatasetJob& job) {
  std::optional<core::DatasetVersion> version = jobs_.VersionOf(job);
  if (!version) throw std::runtime_error("the version " + job.version + " no longer exists");
  return {storage_.ResolveExisting(version->uri, version->data_source_type, version->property),
          version->property == "FILE"};
}

bool DatasetJobRunner::IndexFiles(const DatasetJob& job, Progress& progress) {
  service::ModelEndpoint model(
      jobs_.EndpointFor(job.dataset, job.version, "MultimodalSemanticIndex", job.action, job.spec));
  VersionFiles disk = FilesOnDisk(job);
  constexpr size_t kTextBatch = 16;                // texts per /embeddings request
  constexpr std::streamsize kMaxTextBytes = 8192;  // of a text file, embedded
  constexpr std::streamsize kMaxImageBytes = 32 << 20;
  std::vector<DatasetFile> done;   // embedded, to store
  std::vector<DatasetFile> texts;  // waiting for a batch
  auto embedded = [&](DatasetFile& file, const std::vector<float>& vector) {
    file.embedding = index::EncodeVector(vector);
    file.semantic_job_id = job.public_id;
    file.semantic_indexed = jobs_.clock().Now();
    done.push_back(std::move(file));
    progress.completed++;
  };
  auto embed_texts = [&] {
    if (texts.empty()) return;
    try {
      std::vector<std::string> inputs;
      for (const DatasetFile& file : texts) {
        inputs.push_back(core::ToValidUtf8(disk.Read(file, kMaxTextBytes, false)));
      }
      std::vector<std::vector<float>> vectors = model.Embed(inputs);
      for (size_t i = 0; i < texts.size(); ++i) embedded(texts[i], vectors[i]);
    } catch (const std::exception& e) {
      for (const DatasetFile& file : texts) progress.Fail(file, e.what());
    }
    texts.clear();
  };
  auto save = [&] {
    jobs_.PutFiles(std::move(done));
    done.clear();
  };
  bool increment = job.mode == "Increment";
  bool going = jobs_.ForEachFile(job.dataset, job.version, [&](DatasetFile& file) {
    bool text = file.file_type == "text" || file.content_type == "application/json";
    bool image = file.file_type == "image";
    if (!text && !image) return true;  // audio, video, other binaries: not embedded
    if (increment && !file.embedding.empty() && file.semantic_indexed >= file.file_updated) {
      return true;  // embedded since it last changed
    }
    progress.total++;
    if (text) {
      texts.push_back(std::move(file));
      if (texts.size() >= kTextBatch) embed_texts();
    } else {
      try {
        embedded(file, model.EmbedImage(disk.Read(file, kMaxImageBytes, true), file.content_type));
      } catch (const std::exception& e) {
        progress.Fail(file, e.what());
      }
    }
    if (done.size() >= kBatchFiles) save();
    return progress.Step();
  });
  if (!going) {
    save();  // what the model already answered is kept
    return false;
  }
  embed_texts();
  save();
  progress.Conclude("no file could be embedded");
  return true;
}

bool DatasetJobRunner::TagImages(const DatasetJob& job, Progress& progress) {
  service::ModelEndpoint model(jobs_.EndpointFor(job.dataset, job.version,
                                                 "MultimodalIntelligentTag", job.action, job.spec));
  VersionFiles disk = FilesOnDisk(job);
  constexpr std::streamsize kMaxImageBytes = 32 << 20;
  bool increment = job.mode == "Increment";
  std::vector<DatasetFile> batch;
  auto save = [&] {
    jobs_.PutFiles(std::move(batch));
    batch.clear();
  };
  bool going = jobs_.ForEachFile(job.dataset, job.version, [&](DatasetFile& file) {
    if (file.file_type != "image") return true;
    if (increment && !file.ai_tags.empty()) return true;  // tagged before
    progress.total++;
    try {
      file.ai_tags = model.TagImage(disk.Read(file, kMaxImageBytes, true), file.content_type);
      file.tag_updated = jobs_.clock().Now();
      batch.push_back(std::move(file));
      progress.completed++;
    } catch (const std::exception& e) {
      progress.Fail(file, e.what());
    }
    if (batch.size() >= kBatchFiles) save();
    return progress.Step();
  });
  save();  // what the model already answered is kept
  if (!going) return false;
  progress.Conclude("no image could be tagged");
  return true;
}

bool DatasetJobRunner::RevertTags(const DatasetJob& job, Progress& progress) {
  std::vector<DatasetFile> batch;
  core::TimeMs now = jobs_.clock().Now();
  bool going = jobs_.ForEachFile(job.dataset, job.version, [&](DatasetFile& file) {
    progress.total++;
    progress.completed++;
    if (file.ai_tags.empty() && file.deleted_ai_tags.empty()) return progress.Step();
    file.ai_tags.clear();
    file.deleted_ai_tags.clear();
    file.tag_updated = now;
    batch.push_back(std::move(file));
    if (batch.size() >= kBatchFiles) {
      jobs_.PutFiles(std::move(batch));
      batch.clear();
    }
    return progress.Step();
  });
  if (!going) return false;
  jobs_.PutFiles(std::move(batch));
  return true;
}

}  // namespace drover::runner
