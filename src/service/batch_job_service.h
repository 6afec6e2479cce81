// BatchJobService: OSS batch jobs (core/batch_job.h) — their records, the
// ListJobs list (the engine, service/batch_job_schema.h), status changes
// by users, and what the runner (runner/batch_job_runner.h) needs to move
// them and to record progress.
//
// A job's tasks are fixed when it is prepared: the manifest's rows (or the
// keys under its prefix), written to <dir>/<job id>.tasks and synced
// before the job leaves Preparing. Progress is committed in chunks: each
// chunk's object changes, its report rows (a BatchChunk record) and the
// job's counters are one store commit (ObjectService::ApplyBatch), so a
// restart resumes at the first task not committed — none skipped, none
// counted twice, the counters equal to the report. Thread-safe.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/batch_job.h"
#include "core/error.h"
#include "core/time.h"
#include "index/record_index.h"
#include "service/object_service.h"
#include "service/principal.h"
#include "store/store.h"

namespace drover::service {

// How one task's outcome reads in a report: the dialect's CSV row
// (bucket, key, version, status, code, HTTP status, message).
using ReportRow = std::function<std::string(const ObjectService::BatchTask& task,
                                            const std::optional<core::Error>& outcome)>;

class BatchJobService {
 public:
  BatchJobService(store::Store& store, index::RecordIndex& index, ObjectService& objects,
                  const core::Clock& clock, std::string dir, ReportRow report_row);

  // Reads the jobs into the index. Call once before serving.
  void Load();

  // Creates a job from `spec` (operation, manifest, report, …), checked.
  // With a ClientRequestToken already used by the tenant: the same request
  // (`spec.request_digest`) returns the first job, another is refused.
  core::BatchJob Create(const Principal& who, core::BatchJob spec);
  core::BatchJob Get(const Principal& who, const std::string& job_id) const;
  struct Page {
    std::vector<core::BatchJob> jobs;
    index::Snapshot snapshot;
    int64_t total = 0;
  };
  // Newest first; `query` carries the paging and snapshot.
  Page List(const Principal& who, const std::vector<core::BatchStatus>& statuses,
            index::Query query) const;
  core::BatchJob UpdatePriority(const Principal& who, const std::string& job_id, int64_t priority);
  // Ready (from Suspended or Preparing) or Cancelled (from any unfinished
  // status, through Cancelling); refused otherwise (kFailedPrecondition).
  core::BatchJob UpdateStatus(const Principal& who, const std::string& job_id,
                              core::BatchStatus requested, const std::string& reason);

  // ---- For the runner

  // Wakes the runner when something may have become runnable.
  void SetWake(std::function<void()> wake) { wake_ = std::move(wake); }
  // The job as it is now; nullopt for none.
  std::optional<core::BatchJob> Job(uint64_t id) const;
  // What the runner may act on: the Active jobs, the jobs to prepare or
  // end (New, Preparing, Completing, Failing, Cancelling), and the Ready
  // ones highest priority first (then oldest).
  struct Runnable {
    std::vector<uint64_t> active;
    std::vector<uint64_t> other;
    std::vector<uint64_t> ready;
  };
  Runnable RunnableJobs() const;
  // Moves a job (and lets `change` edit it) if the table allows; returns
  // the job as it is after, nullopt when the move is not allowed now.
  std::optional<core::BatchJob> Move(uint64_t id, core::BatchStatus to,
                                     const std::function<void(core::BatchJob&)>& change = {});
  // Prepares a New job: reads its manifest (or lists its prefix), writes
  // its task file, and moves it to Suspended or Ready; a bad manifest fails
  // it with FailureReasons.
  void Prepare(uint64_t id);
  // Runs up to `max_tasks` of an Active job's remaining tasks as one
  // chunk; false when there were none left.
  bool RunChunk(uint64_t id, int64_t max_tasks);
  // Writes the report of a job that ran (if enabled) and ends it: Complete
  // from Completing, Failed from Failing, Cancelled from Cancelling.
  void Finish(uint64_t id);
  std::string TaskFile(uint64_t id) const;

 private:
  core::BatchJob Find(const Principal& who, const std::string& job_id) const;
  store::Revision CommitJob(const core::BatchJob& job, std::vector<store::Mutation> also = {});
  std::vector<ObjectService::BatchTask> ReadTasks(uint64_t id, int64_t from, int64_t count);
  Principal Owner(const core::BatchJob& job) const;

  store::Store& store_;
  index::RecordIndex& index_;
  ObjectService& objects_;
  const core::Clock& clock_;
  std::string dir_;
  ReportRow report_row_;
  std::function<void()> wake_;
  mutable std::mutex mu_;
  void Track(const core::BatchJob& job);

  std::map<uint64_t, core::BatchJob> jobs_;
  std::set<uint64_t> runnable_;  // neither Suspended nor ended: what the runner scans
  std::map<std::string, uint64_t> by_public_id_;
  std::map<std::pair<std::string, std::string>, uint64_t> by_token_;  // tenant, token
  uint64_t next_id_ = 1;
  uint64_t next_chunk_ = 1;
  // A job's task file is read from where the last chunk ended.
  struct Cursor {
    int64_t task = 0;
    uint64_t offset = 0;
  };
  std::map<uint64_t, Cursor> cursors_;
};

}  // namespace drover::service
