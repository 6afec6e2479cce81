#include "service/job_service.h"

#include <algorithm>
#include <map>

#include "core/error.h"
#include "core/ids.h"
#include "service/job_schema.h"
#include "service/load_index.h"
#include "store/job_codec.h"
#include "text/text.h"

namespace drover::service {

using core::Error;
using core::ErrorCode;
using core::TrainingJob;
using core::TrainingStatus;

namespace {

void CheckPriority(int64_t priority) {
  if (priority < 1 || priority > 9) {
    core::ThrowInvalidField("priority", " must be an integer from 1 to 9.");
  }
}

void CheckRoles(const std::vector<core::RoleSpec>& roles) {
  if (roles.empty()) core::ThrowMissing("roles");
}

bool VisibleTo(const Principal& who, const TrainingJob& job) {
  return core::CanSee(who.AsViewer(), job);
}

// For stop, update and delete of a job `who` can see.
void CheckCanChange(const Principal& who, const TrainingJob& job) {
  if (!core::CanChange(who.AsViewer(), job)) {
    throw Error(ErrorCode::kPermissionDenied, "Only the owner of job " + job.public_id +
                                                  " or an admin of its workspace may change it.");
  }
}

}  // namespace

JobService::JobService(store::Store& store, index::RecordIndex& index, const core::Clock& clock)
    : store_(store),
      index_(index),
      writer_(store),
      clock_(clock),
      last_number_(store::MaxNumber<TrainingJob>(store)),
      id_key_(store.InstallationKey()) {
  writer_.Follow(JobSchema(), index_);
  LoadIndex(store_, index_, JobSchema());
}

void JobService::ResolveMounts(const Principal& who, TrainingJob& job) {
  for (size_t i = 0; i < job.mounts.size(); ++i) {
    if (!data_sources_) {
      core::ThrowInvalid("data_sources", "This server does not resolve data sources.");
    }
    job.mounts[i] =
        data_sources_->Resolve(who, job.mounts[i], "data_sources[" + std::to_string(i) + "]");
  }
}

TrainingJob JobService::Create(const Principal& who, TrainingJob draft, CreateOptions options) {
  if (draft.display_name.empty()) core::ThrowMissing("display_name");
  if (draft.user_command.empty()) core::ThrowMissing("user_command");
  CheckRoles(draft.roles);
  CheckPriority(draft.priority);
  core::CheckJobLimits(draft);
  ResolveMounts(who, draft);
  core::CheckJobLimits(draft);  // the mount paths resolved

  std::unique_lock lock(write_mu_);
  if (options.unique_name) {
    index::Query same_name;
    same_name.exact[JobStrings::kTenant] = {who.tenant_id};
    same_name.name = {index::NameMatch::kTerm, text::Fold(draft.display_name)};
    same_name.values[JobNumbers::kLatest] = {1};
    same_name.limit = 100;
    for (core::JobNumber id : index_.Search(same_name).ids) {
      std::optional<TrainingJob> other = store::Get<TrainingJob>(store_, id);
      if (other && other->display_name == draft.display_name) {
        throw Error(ErrorCode::kAlreadyExists,
                    "A job named " + draft.display_name + " exists already.", "display_name",
                    core::kNameTaken, draft.display_name);
      }
    }
  }
  TrainingJob job = std::move(draft);
  job.lineage = job.pre_version = 0;
  job.version = job.version_count = 1;
  job.latest = true;
  job.id = last_number_ + 1;
  job.public_id = core::JobPublicId(job.id, id_key_);
  job.tenant_id = who.tenant_id;
  job.user_id = who.user_id;
  job.username = who.username;
  if (job.workspace_id.empty()) job.workspace_id = who.default_workspace_id;
  if (!who.admin && !who.workspaces.count(job.workspace_id)) {
    throw Error(ErrorCode::kPermissionDenied,
                "You are not a member of workspace " + job.workspace_id + ".", "workspace");
  }
  job.status = TrainingStatus::kCreating;
  job.created = job.modified = clock_.Now();
  job.history = {core::StatusEvent{TrainingStatus::kCreating, job.created, 0, "", ""}};
  // A unique name is checked against the index, so such a job must be in it
  // before the lock is released. Any other new job is committed and
  // indexed after, in parallel with other requests (no one can know of it
  // before the reply; its number is its own once taken), and indexed while
  // its commit is synced.
  RecordWriter::Batch batch(writer_);
  batch.Put(job);
  last_number_ = job.id;
  store::Revision revision = 0;
  if (options.unique_name) {
    revision = writer_.Commit(batch);
    lock.unlock();
  } else {
    lock.unlock();
    revision = writer_.CommitUnindexed(batch);
    writer_.Index(batch);
  }
  NoteWrite();
  writer_.Acknowledge(revision);
  if (observer_) observer_->OnCreated(job);
  return job;
}

TrainingJob JobService::CreateVersion(const Principal& who, core::JobNumber pre_version,
                                      TrainingJob draft) {
  if (draft.user_command.empty()) core::ThrowMissing("user_command");
  CheckRoles(draft.roles);
  CheckPriority(draft.priority);
  core::CheckJobLimits(draft);
  ResolveMounts(who, draft);
  core::CheckJobLimits(draft);

  std::unique_lock lock(write_mu_);
  TrainingJob pre = Get(who, pre_version);
  std::vector<TrainingJob> versions = LoadVersions(who, pre.Lineage());
  TrainingJob latest = versions.back();
  CheckCanChange(who, latest);
  TrainingJob job = std::move(draft);
  job.id = last_number_ + 1;
  job.public_id = core::JobPublicId(job.id, id_key_);
  job.tenant_id = who.tenant_id;
  job.user_id = who.user_id;
  job.username = who.username;
  job.display_name = latest.display_name;
  if (job.workspace_id.empty()) job.workspace_id = latest.workspace_id;
  job.lineage = pre.Lineage();
  job.pre_version = pre.id;
  job.version = latest.version + 1;
  job.version_count = latest.version_count + 1;
  job.latest = true;
  job.status = TrainingStatus::kCreating;
  job.created = job.modified = clock_.Now();
  job.history = {core::StatusEvent{TrainingStatus::kCreating, job.created, 0, "", ""}};
  latest.latest = false;
  store::Revision revision = CommitAll({latest, job});
  last_number_ = job.id;
  lock.unlock();
  writer_.Acknowledge(revision);
  if (observer_) observer_->OnCreated(job);
  return job;
}

TrainingJob JobService::Get(const Principal& who, core::JobNumber id) {
  std::optional<TrainingJob> job = store::Get<TrainingJob>(store_, id);
  if (!job || !VisibleTo(who, *job)) {
    core::ThrowNotFound("The job " + std::to_string(id) + " does not exist.");
  }
  return std::move(*job);
}

std::vector<TrainingJob> JobService::LoadVersions(const Principal& who, core::JobNumber lineage) {
  index::Query query;
  query.exact[JobStrings::kTenant] = {who.tenant_id};
  query.viewer = who.AsViewer();
  query.group = lineage;
  query.sort = index::SortBy::Number(JobNumbers::kVersion);
  query.descending = false;
  query.limit = INT64_MAX;
  std::vector<TrainingJob> versions;
  for (core::JobNumber id : index_.Search(query).ids) {
    if (std::optional<TrainingJob> job = store::Get<TrainingJob>(store_, id))
      versions.push_back(std::move(*job));
  }
  if (versions.empty())
    core::ThrowNotFound("The job " + std::to_string(lineage) + " does not exist.");
  return versions;
}

std::vector<TrainingJob> JobService::Versions(const Principal& who, core::JobNumber lineage) {
  return LoadVersions(who, lineage);
}

void JobService::DescribeLineage(const Principal& who, core::JobNumber lineage,
                                 const std::string& description) {
  std::unique_lock lock(write_mu_);
  std::vector<TrainingJob> versions = LoadVersions(who, lineage);
  for (const TrainingJob& v : versions) CheckCanChange(who, v);
  for (TrainingJob& v : versions) {
    v.description = description;
    v.modified = clock_.Now();
  }
  store::Revision revision = CommitAll(versions);
  lock.unlock();
  writer_.Acknowledge(revision);
}

void JobService::DeleteLineage(const Principal& who, core::JobNumber lineage) {
  std::unique_lock lock(write_mu_);
  store::Revision revision = DeleteVersions(who, LoadVersions(who, lineage));
  lock.unlock();
  writer_.Acknowledge(revision);
}

store::Revision JobService::DeleteVersions(const Principal& who,
                                           const std::vector<TrainingJob>& doomed) {
  for (const TrainingJob& job : doomed) CheckCanChange(who, job);
  for (const TrainingJob& job : doomed) {
    if (!core::IsTerminal(job.status)) {
      throw Error(ErrorCode::kFailedPrecondition,
                  "The job " + job.public_id + " is " +
                      std::string(core::TrainingStatusName(job.status)) +
                      "; only a succeeded, failed or stopped job can be deleted. Stop it first.");
    }
  }
  std::vector<core::JobNumber> deletes;
  for (const TrainingJob& job : doomed) deletes.push_back(job.id);
  std::vector<TrainingJob> survivors;
  for (TrainingJob& v : LoadVersions(who, doomed.front().Lineage())) {
    if (std::find(deletes.begin(), deletes.end(), v.id) == deletes.end())
      survivors.push_back(std::move(v));
  }
  std::vector<TrainingJob> puts;
  if (!survivors.empty()) {
    TrainingJob newest = survivors.back();
    newest.latest = true;
    newest.version_count = static_cast<int64_t>(survivors.size());
    puts.push_back(std::move(newest));
  }
  return CommitAll(puts, deletes);
}

TrainingJob JobService::Get(const Principal& who, std::string_view public_id) {
  std::optional<TrainingJob> job = store::Find<TrainingJob>(store_, public_id);
  if (!job || !VisibleTo(who, *job)) {
    core::ThrowNotFound("The job " + std::string(public_id) + " does not exist.");
  }
  return std::move(*job);
}

TrainingJob JobService::Show(const Principal& who, std::string_view public_id) {
  TrainingJob job = Get(who, public_id);
  if (job.status == TrainingStatus::kQueuing && job.reason_message.empty() && queue_reader_) {
    job.reason_message = queue_reader_->WaitReason(job.id);
  }
  return job;
}

JobList JobService::List(const Principal& who, index::Query query) {
  query.exact[JobStrings::kTenant] = {who.tenant_id};
  query.viewer = who.AsViewer();
  if (query.now == 0) query.now = clock_.Now();
  index::Page page = index_.Search(query);
  JobList list;
  list.total = page.total;
  list.snapshot = page.snapshot;
  // A job deleted between the search and this read is simply left out.
  list.jobs = store::GetMany<TrainingJob>(store_, page.ids);
  return list;
}

TrainingJob JobService::Update(const Principal& who, std::string_view public_id,
                               const JobUpdate& update) {
  std::unique_lock lock(write_mu_);
  TrainingJob job = Get(who, public_id);
  CheckCanChange(who, job);
  if (update.priority) {
    CheckPriority(*update.priority);
    job.priority = *update.priority;
  }
  if (update.visibility) {
    if (job.visibility == core::Visibility::kPublic &&
        *update.visibility == core::Visibility::kPrivate) {
      core::ThrowInvalid("visibility",
                         "The visibility of a job can only be widened from PRIVATE to PUBLIC.");
    }
    job.visibility = *update.visibility;
  }
  if (update.description) job.description = *update.description;
  if (update.roles) {
    CheckRoles(*update.roles);
    if (job.status != TrainingStatus::kCreating && job.status != TrainingStatus::kQueuing) {
      throw Error(ErrorCode::kFailedPrecondition,
                  "JobSpecs can only be changed before the job starts; the job is " +
                      std::string(core::TrainingStatusName(job.status)) + ".",
                  "JobSpecs");
    }
    job.roles = *update.roles;
    core::CheckJobLimits(job);
  }
  if (update.extras) job.extras = *update.extras;
  job.modified = clock_.Now();
  store::Revision revision = Commit(job);
  lock.unlock();
  writer_.Acknowledge(revision);
  if (observer_) observer_->OnUpdated(job);
  return job;
}

TrainingJob JobService::Stop(const Principal& who, std::string_view public_id) {
  std::unique_lock lock(write_mu_);
  TrainingJob job = Get(who, public_id);
  CheckCanChange(who, job);
  if (core::IsTerminal(job.status)) {
    throw Error(ErrorCode::kFailedPrecondition,
                "The job " + job.public_id + " has already finished (" +
                    std::string(core::TrainingStatusName(job.status)) + ") and cannot be stopped.");
  }
  if (job.status == TrainingStatus::kStopping) return job;  // stopping twice is harmless
  core::TimeMs now = clock_.Now();
  TransitionJob(job, TrainingStatus::kStopping, now);
  if (!observer_ || job.imported) {
    // Nothing runs the job, so stopping completes at once.
    TransitionJob(job, TrainingStatus::kStopped, now, "JobStoppedByUser",
                  "Job is stopped by user.");
  }
  store::Revision revision = Commit(job);
  lock.unlock();
  writer_.Acknowledge(revision);
  if (observer_ && !job.imported) observer_->OnStopRequested(job);
  return job;
}

void JobService::Delete(const Principal& who, std::string_view public_id) {
  std::unique_lock lock(write_mu_);
  TrainingJob job = Get(who, public_id);
  if (!core::IsTerminal(job.status)) {
    throw Error(ErrorCode::kFailedPrecondition,
                "The job " + job.public_id + " is " +
                    std::string(core::TrainingStatusName(job.status)) +
                    "; only a succeeded, failed or stopped job can be deleted. Stop it first.");
  }
  store::Revision revision = DeleteVersions(who, {job});
  lock.unlock();
  writer_.Acknowledge(revision);
}

namespace {

// The pod of `job` named `pod_id` (its run `pod_uid`, else the newest).
const core::PodState& FindPod(const TrainingJob& job, std::string_view pod_id,
                              std::string_view pod_uid) {
  for (const auto* pods : {&job.pods, &job.history_pods}) {
    for (auto it = pods->rbegin(); it != pods->rend(); ++it) {
      if (it->name == pod_id && (pod_uid.empty() || it->uid == pod_uid)) return *it;
    }
  }
  core::ThrowNotFound("The pod " + std::string(pod_id) + " does not exist in job " + job.public_id +
                      ".");
}

}  // namespace

PodLog JobService::PodLogs(const Principal& who, std::string_view job_id, std::string_view pod_id,
                           std::string_view pod_uid, int64_t max_lines) {
  TrainingJob job = Get(who, job_id);
  PodLog log{FindPod(job, pod_id, pod_uid), {}};
  if (log_reader_) log.lines = log_reader_->Tail(job, log.pod, max_lines);
  return log;
}

PodLog JobService::PodLogLines(const Principal& who, std::string_view job_id,
                               std::string_view pod_id, LogRange range) {
  TrainingJob job = Get(who, job_id);
  core::PodState pod = FindPod(job, pod_id, "");
  if (!log_reader_) return PodLog{pod, {}, 0};
  PodLog log = log_reader_->Lines(job, pod, range);
  log.pod = std::move(pod);
  return log;
}

core::PodState JobService::Pod(const Principal& who, std::string_view job_id,
                               std::string_view pod_id, std::string_view pod_uid) {
  return FindPod(Get(who, job_id), pod_id, pod_uid);
}

TrainingJob JobService::Mutate(core::JobNumber id,
                               const std::function<void(TrainingJob&)>& change) {
  std::vector<TrainingJob> done = MutateBatch({{id, change}});
  if (done.empty()) core::ThrowNotFound("The job does not exist.");
  return std::move(done.front());
}

std::vector<TrainingJob> JobService::MutateBatch(const std::vector<Change>& changes) {
  std::unique_lock lock(write_mu_);
  std::vector<TrainingJob> jobs;
  std::map<core::JobNumber, size_t> position;  // a later change of a job builds on the earlier
  for (const auto& [id, change] : changes) {
    if (auto it = position.find(id); it != position.end()) {
      change(jobs[it->second]);
      continue;
    }
    std::optional<TrainingJob> job = store::Get<TrainingJob>(store_, id);
    if (!job) continue;
    change(*job);
    position[id] = jobs.size();
    jobs.push_back(std::move(*job));
  }
  if (jobs.empty()) return jobs;
  store::Revision revision = CommitAll(jobs);
  lock.unlock();
  writer_.Acknowledge(revision);
  return jobs;
}

TrainingJob JobService::Transition(core::JobNumber id, TrainingStatus to, std::string reason_code,
                                   std::string reason_message) {
  return Mutate(id, [&](TrainingJob& job) {
    TransitionJob(job, to, clock_.Now(), std::move(reason_code), std::move(reason_message));
  });
}

std::vector<TrainingJob> JobService::ActiveJobs() {
  index::Query query;
  query.limit = INT64_MAX;
  query.values[JobNumbers::kImported] = {0};
  std::vector<int64_t>& statuses = query.values[JobNumbers::kStatus];
  for (int s = 0; s < core::kTrainingStatusCount; ++s) {
    if (!core::IsTerminal(static_cast<TrainingStatus>(s))) statuses.push_back(s);
  }
  std::vector<TrainingJob> jobs;
  for (core::JobNumber id : index_.Search(query).ids) {
    std::optional<TrainingJob> job = store::Get<TrainingJob>(store_, id);
    if (job && !job->imported) jobs.push_back(std::move(*job));
  }
  return jobs;
}

void JobService::NoteWrite() {
  {
    std::lock_guard lock(writes_mu_);
    ++writes_;
  }
  writes_cv_.notify_all();
}

uint64_t JobService::WriteCount() {
  std::lock_guard lock(writes_mu_);
  return writes_;
}

uint64_t JobService::WaitForWrite(uint64_t seen, int64_t timeout_ms) {
  std::unique_lock lock(writes_mu_);
  writes_cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return writes_ > seen; });
  return writes_;
}

store::Revision JobService::CommitAll(const std::vector<TrainingJob>& jobs,
                                      const std::vector<core::JobNumber>& deletes) {
  RecordWriter::Batch batch(writer_);
  for (const TrainingJob& job : jobs) batch.Put(job);
  for (core::JobNumber id : deletes) batch.Delete<TrainingJob>(id);
  store::Revision revision = writer_.Commit(batch);
  NoteWrite();
  return revision;
}

}  // namespace drover::service
