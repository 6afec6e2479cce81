// DatasetJobRunner: does the work of dataset jobs, one at a time, on its
// own thread. It claims the oldest Pending job (service/dataset_job_service.h),
// runs it, and reports TotalFileCount / CompletedFileCount /
// FailedFileCount and log lines as it goes (durably, every quarter
// second), ending Succeeded, PartialFailed (some files failed) or Failed
// (with the reason in its last log line).
//
//   - FileMetaBuild walks the version's data (service/storage_map.h) and
//     records each regular file in the catalogue: name, directory, size,
//     content type (libmagic, then the extension), MD5 fingerprint, times,
//     an image's width and height. A file whose size and modification
//     time are unchanged is not read again; entries of files that are gone
//     are dropped. What is not a readable regular file (a dangling link, a
//     FIFO, a file it may not read) counts as failed. Three threads share
//     the work: the walk reads files ahead (runner/file_scan.h), this one
//     stores and indexes them in batches of 1,000, and a third makes the
//     last batch durable meanwhile.
//   - IntelligentTag asks the model endpoint of the dataset's
//     MultimodalIntelligentTag job config (service/model_endpoint.h: an
//     OpenAI-compatible chat-completions server) for each image's tags and
//     writes them into its ai tag group; Increment mode tags only images
//     that have none. An image that cannot be read or tagged counts as
//     failed; with no image tagged at all the job fails.
//   - SemanticIndex embeds each text file (its first 8 KiB) and image
//     through the /embeddings endpoint of the dataset's
//     MultimodalSemanticIndex job config and keeps the vector with the
//     file (index::VectorIndex serves VECTOR queries over them); Increment
//     embeds only files changed since they were embedded.
//   - IntelligentTagRevert removes the ai tags of every file of the version.
//   - FileMetaExport writes the version's catalogue as JSON lines to the
//     file its JobSpec's `uri` names (file:// or nas://; written aside and
//     renamed, so a reader never sees half of it); FileMetaImport reads
//     such a file into the version, each line replacing the entry of its
//     URI, a line that is not one counting as a failed file.
//
// A stop (StopDatasetJob, or a delete) is seen within one file. A restart
// finds jobs that were Starting or Running and runs them again from the
// start (FileMetaBuild is incremental, so a rerun redoes only what is
// missing).
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "service/dataset_job_service.h"
#include "service/model_endpoint.h"
#include "service/storage_map.h"

namespace drover::runner {

struct VersionFiles;

class DatasetJobRunner final : public service::DatasetJobObserver {
 public:
  // All must outlive the runner. Connects itself to `jobs`.
  DatasetJobRunner(service::DatasetJobService& jobs, const service::StorageMap& storage);
  ~DatasetJobRunner() override;

  // Puts jobs a restart interrupted back in the queue.
  void Reconcile();
  // Reconcile, then start the thread.
  void Start();
  // Runs queued jobs on the calling thread until none is left (tests; no
  // thread started).
  void RunPending();

  void OnPending() override;
  void OnStopRequested(core::RecordNumber job) override;

 private:
  struct Progress;
  void Loop();
  void Run(const core::DatasetJob& job);
  // The work of each action; true unless stopped.
  bool BuildCatalogue(const core::DatasetJob& job, Progress& progress);
  bool RevertTags(const core::DatasetJob& job, Progress& progress);
  // Where the job's version's files are on this machine.
  VersionFiles FilesOnDisk(const core::DatasetJob& job);
  bool TagImages(const core::DatasetJob& job, Progress& progress);
  bool IndexFiles(const core::DatasetJob& job, Progress& progress);

  bool ExportCatalogue(const core::DatasetJob& job, Progress& progress);
  bool ImportCatalogue(const core::DatasetJob& job, Progress& progress);

  service::DatasetJobService& jobs_;
  const service::StorageMap& storage_;

  std::mutex mu_;
  std::condition_variable wake_;
  bool pending_ = false;  // guarded by mu_
  bool quit_ = false;     // guarded by mu_
  std::atomic<core::RecordNumber> current_{0};
  std::atomic<bool> stop_current_{false};
  std::thread thread_;
};

}  // namespace drover::runner
