// JobService: the use cases of training jobs — create, get, list, update,
// stop, delete — independent of HTTP and of any vendor's field names.
//
// Writes go through the one write path (service/record_writer.h): committed
// to the store, then applied to the index, under the service's write mutex;
// then, outside it, acknowledged once the store has them on stable storage
// (group commit). Reads run concurrently.
// Failures throw core::Error and change nothing.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "core/training_job.h"
#include "index/record_index.h"
#include "service/data_sources.h"
#include "service/principal.h"
#include "service/record_writer.h"
#include "store/store.h"

namespace drover::service {

struct PodLog {
  core::PodState pod;
  std::vector<std::string> lines;
  int64_t first_line = 0;  // range reads: the number (from 1) of lines[0] in the whole log
};

// Which lines of a pod's log to read, numbered from 1.
struct LogRange {
  int64_t first = 0;  // 0: the last `count` lines
  int64_t count = 0;
};

struct JobList {
  std::vector<core::TrainingJob> jobs;  // as they are now, in the order of the snapshot
  int64_t total = 0;
  index::Snapshot snapshot;  // what membership and order were read from
};

// The fields UpdateJob may change; absent ones stay as they are.
struct JobUpdate {
  std::optional<int64_t> priority;
  std::optional<core::Visibility> visibility;  // may only widen to PUBLIC
  std::optional<std::string> description;
  std::optional<std::vector<core::RoleSpec>> roles;  // only before the job runs
  std::optional<std::string> extras;                 // the dialect's pass-through, replaced whole
};

// What runs the jobs (the runner) hears from the service. Called after the
// change is committed, without service locks held; must not block.
class JobObserver {
 public:
  virtual ~JobObserver() = default;
  virtual void OnCreated(const core::TrainingJob& job) = 0;
  // The job is now Stopping; the observer ends its processes and moves it
  // to Stopped.
  virtual void OnStopRequested(const core::TrainingJob& job) = 0;
  virtual void OnUpdated(const core::TrainingJob& job) = 0;
};

// Reads a pod's log (the runner knows where logs live).
class PodLogReader {
 public:
  virtual ~PodLogReader() = default;
  // The last `max_lines` lines the pod wrote, oldest first.
  virtual std::vector<std::string> Tail(const core::TrainingJob& job, const core::PodState& pod,
                                        int64_t max_lines) const = 0;
  // The lines of `range` (fewer at the log's end), oldest first, and the
  // number of the first one; reads the log from its start.
  virtual PodLog Lines(const core::TrainingJob& job, const core::PodState& pod,
                       LogRange range) const = 0;
};

// What the runner knows of a queued job that is not stored: its place in
// the queue and what it waits for. Called from any thread.
class QueueReader {
 public:
  virtual ~QueueReader() = default;
  // "3rd in the queue. Waiting for …", or "" when the job is not queued.
  virtual std::string WaitReason(core::JobNumber id) const = 0;
};

struct CreateOptions {
  // Refuse (kAlreadyExists) when the newest version of another job in the
  // tenant has the same name (ModelArts names are unique; DLC's are not).
  bool unique_name = false;
};

class JobService {
 public:
  // Fills `index` from `store`. Both must outlive the service.
  JobService(store::Store& store, index::RecordIndex& index, const core::Clock& clock);

  // Stores a new job from `draft` (identity, status and times are assigned
  // here) in status Creating. Throws kInvalidArgument for a job that breaks
  // the core rules (no name, no command, no roles, PodCount < 1, Priority
  // outside 1–9).
  core::TrainingJob Create(const Principal& who, core::TrainingJob draft,
                           CreateOptions options = {});

  // Stores `draft` as the next version of the lineage of `pre_version`: it
  // takes the lineage's name and becomes its latest version. Throws
  // kNotFound for an unknown pre_version.
  core::TrainingJob CreateVersion(const Principal& who, core::JobNumber pre_version,
                                  core::TrainingJob draft);

  // By internal number (ModelArts ids are numbers). Throws kNotFound.
  core::TrainingJob Get(const Principal& who, core::JobNumber id);

  // Every version of a lineage, oldest first; empty when none is visible.
  std::vector<core::TrainingJob> Versions(const Principal& who, core::JobNumber lineage);

  // Sets the description of every version of a lineage. Throws kNotFound.
  void DescribeLineage(const Principal& who, core::JobNumber lineage,
                       const std::string& description);

  // Deletes every version of a lineage; all must have finished
  // (kFailedPrecondition otherwise, and nothing is deleted).
  void DeleteLineage(const Principal& who, core::JobNumber lineage);

  // Throws kNotFound when no job with this public id is visible to `who`.
  core::TrainingJob Get(const Principal& who, std::string_view public_id);
  // Get, plus what only the runner knows now, for showing the job: a
  // Queuing job without a stored reason gets its place in the queue and
  // what it waits for as its ReasonMessage (not stored).
  core::TrainingJob Show(const Principal& who, std::string_view public_id);

  // Adds the caller's tenant to `query` and answers it from the index.
  JobList List(const Principal& who, index::Query query);

  core::TrainingJob Update(const Principal& who, std::string_view public_id,
                           const JobUpdate& update);

  // Stops an active job: Stopping, then — at once when no observer runs
  // jobs, else when the observer has ended its processes — Stopped
  // (ReasonCode JobStoppedByUser). Throws kFailedPrecondition for a job
  // that has already finished.
  core::TrainingJob Stop(const Principal& who, std::string_view public_id);

  // Deletes a finished job (one version: its lineage's newest remaining
  // version becomes the latest). Throws kFailedPrecondition for an active one.
  void Delete(const Principal& who, std::string_view public_id);

  // The last `max_lines` log lines of pod `pod_id` of the job: its current
  // run, or the run with `pod_uid` when given (earlier runs stay readable
  // after restarts). Throws kNotFound for an unknown job, pod or uid.
  PodLog PodLogs(const Principal& who, std::string_view job_id, std::string_view pod_id,
                 std::string_view pod_uid, int64_t max_lines);
  // Lines of the current run of pod `pod_id` by number (ModelArts' aom-log).
  // Throws kNotFound for an unknown job or pod.
  PodLog PodLogLines(const Principal& who, std::string_view job_id, std::string_view pod_id,
                     LogRange range);
  // One pod of the job, found as PodLogs finds it. Throws kNotFound.
  core::PodState Pod(const Principal& who, std::string_view job_id, std::string_view pod_id,
                     std::string_view pod_uid);

  // ---- for the runner -----------------------------------------------------

  // Connects the runner; both must outlive the service's use of them.
  void SetObserver(JobObserver* observer) { observer_ = observer; }
  void SetPodLogReader(const PodLogReader* reader) { log_reader_ = reader; }
  void SetQueueReader(const QueueReader* reader) { queue_reader_ = reader; }
  // Connects what resolves data sources (the dataset service); without one
  // a job with data sources is refused. Must outlive the service.
  void SetDataSources(DataSourceResolver* resolver) { data_sources_ = resolver; }

  // Loads job `id`, applies `change` and commits the result, atomically with
  // respect to other writes. `change` may throw core::Error to abort (and
  // nothing is written). Returns the committed job.
  core::TrainingJob Mutate(core::JobNumber id,
                           const std::function<void(core::TrainingJob&)>& change);
  // Mutate for many jobs (each id at most once) in one durable batch: one
  // commit, one fsync, all or nothing. Jobs that no longer exist are skipped. Returns the
  // committed jobs in the order given.
  using Change = std::pair<core::JobNumber, std::function<void(core::TrainingJob&)>>;
  std::vector<core::TrainingJob> MutateBatch(const std::vector<Change>& changes);

  // Applies a status change. Throws kFailedPrecondition for a step the
  // lifecycle does not allow.
  core::TrainingJob Transition(core::JobNumber id, core::TrainingStatus to,
                               std::string reason_code = {}, std::string reason_message = {});

  // Every job in an active status that Drover runs (imported history excluded).
  std::vector<core::TrainingJob> ActiveJobs();

  // How many writes have been committed since start; WaitForWrite blocks
  // until that count exceeds `seen` or `timeout_ms` passes, and returns the
  // new count. For tests and tools that wait on state, not on time.
  uint64_t WriteCount();
  uint64_t WaitForWrite(uint64_t seen, int64_t timeout_ms);

  const core::Clock& clock() const { return clock_; }

 private:
  // Commits the jobs (through writer_) and notes the write; caller holds
  // write_mu_, and must writer_.Acknowledge(the revision) after releasing
  // it and before acknowledging.
  store::Revision Commit(const core::TrainingJob& job) { return CommitAll({job}); }
  store::Revision CommitAll(const std::vector<core::TrainingJob>& jobs,
                            const std::vector<core::JobNumber>& deletes = {});
  // Versions of a lineage from the store, oldest first; caller holds write_mu_
  // or accepts a snapshot.
  std::vector<core::TrainingJob> LoadVersions(const Principal& who, core::JobNumber lineage);
  // Deletes `doomed` (all of one lineage) and repairs the lineage's latest
  // version and count; caller holds write_mu_.
  store::Revision DeleteVersions(const Principal& who,
                                 const std::vector<core::TrainingJob>& doomed);
  void NoteWrite();
  // Resolves the job's data sources in place (DataSourceResolver).
  void ResolveMounts(const Principal& who, core::TrainingJob& job);

  store::Store& store_;
  index::RecordIndex& index_;  // over JobSchema()
  RecordWriter writer_;
  const core::Clock& clock_;

  JobObserver* observer_ = nullptr;
  const PodLogReader* log_reader_ = nullptr;
  const QueueReader* queue_reader_ = nullptr;
  DataSourceResolver* data_sources_ = nullptr;

  std::mutex write_mu_;
  core::JobNumber last_number_;  // guarded by write_mu_
  const uint64_t id_key_;        // the store's installation key

  std::mutex writes_mu_;
  std::condition_variable writes_cv_;
  uint64_t writes_ = 0;  // guarded by writes_mu_
};

}  // namespace drover::service
