#include "service/batch_job_service.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/base64.h"
#include "core/url.h"
#include "service/batch_job_schema.h"
#include "store/batch_job_codec.h"
#include "store/codec.h"

namespace drover::service {

namespace fs = std::filesystem;
using core::BatchJob;
using core::BatchStatus;
using core::Error;
using core::ErrorCode;

namespace {

// A JobId as OSS shows them: 32 random hex digits, base64 (44 characters).
std::string NewJobId() {
  unsigned char random[16];
  if (RAND_bytes(random, sizeof random) != 1) throw Error(ErrorCode::kInternal, "RAND_bytes");
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : random) {
    hex += kDigits[c >> 4];
    hex += kDigits[c & 15];
  }
  return core::Base64Encode(hex);
}

[[noreturn]] void Invalid(const std::string& parameter, const std::string& message) {
  throw Error(ErrorCode::kInvalidArgument, message, parameter);
}

// "acs:oss:::bucket" or "bucket" → "bucket".
std::string BucketOfArn(std::string text) {
  if (text.starts_with("acs:oss:::")) text.erase(0, 10);
  return text;
}

// The fields of one CSV line; quotes ("a","b""c") as inventories write them.
std::vector<std::string> CsvFields(std::string_view line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

struct ManifestError {
  std::string code;
  std::string reason;
};

}  // namespace

BatchJobService::BatchJobService(store::Store& store, index::RecordIndex& index,
                                 ObjectService& objects, const core::Clock& clock, std::string dir,
                                 ReportRow report_row)
    : store_(store),
      index_(index),
      objects_(objects),
      clock_(clock),
      dir_(std::move(dir)),
      report_row_(std::move(report_row)) {}

void BatchJobService::Load() {
  std::lock_guard lock(mu_);
  fs::create_directories(dir_);
  store_.ForEach(store::kBatchJob.id, [&](const store::RecordView& r) {
    BatchJob j = store::DecodeBatchJob(r.doc);
    index_.Upsert(BatchJobSchema().Extract(j));
    by_public_id_[j.public_id] = j.id;
    if (!j.client_token.empty()) by_token_[{j.tenant_id, j.client_token}] = j.id;
    Track(j);
    jobs_[j.id] = std::move(j);
  });
  next_id_ = store_.MaxNumber(store::kBatchJob.id) + 1;
  next_chunk_ = store_.MaxNumber(store::kBatchChunk.id) + 1;
}

std::string BatchJobService::TaskFile(uint64_t id) const {
  return dir_ + "/" + std::to_string(id) + ".tasks";
}

Principal BatchJobService::Owner(const BatchJob& job) const {
  Principal p;
  p.tenant_id = job.tenant_id;
  p.user_id = p.username = job.user_id;
  p.by_key = true;
  return p;
}

store::Revision BatchJobService::CommitJob(const BatchJob& job, std::vector<store::Mutation> also) {
  also.push_back(store::Put(job));
  store::Revision revision = store_.Commit(also);
  index_.Upsert(BatchJobSchema().Extract(job));
  Track(job);
  jobs_[job.id] = job;
  return revision;
}

// The runner's work is in the jobs not waiting for a user and not ended.
void BatchJobService::Track(const BatchJob& job) {
  bool runnable = !core::IsTerminal(job.status) && job.status != BatchStatus::kSuspended;
  if (runnable) {
    runnable_.insert(job.id);
  } else {
    runnable_.erase(job.id);
  }
}

// ==== Users ================================================================

BatchJob BatchJobService::Create(const Principal& who, BatchJob spec) {
  if (spec.priority < 0 || spec.priority > 2147483647) {
    Invalid("Priority", "Priority must be an integer from 0 to 2147483647.");
  }
  if (spec.description.size() > 256) Invalid("Description", "Description is 0 to 256 characters.");
  if (spec.client_token.size() > 64) {
    Invalid("ClientRequestToken", "ClientRequestToken is 1 to 64 characters.");
  }
  if (spec.by_prefix) {
    core::CheckBucketName(spec.prefix_bucket);
  } else {
    if (spec.manifest_bucket.empty() || spec.manifest_object.empty()) {
      throw Error(ErrorCode::kMissingArgument,
                  "A job needs a Manifest (Location Bucket and Object) or a "
                  "KeyPrefixManifestGenerator.",
                  "Manifest");
    }
    if (spec.manifest_format != core::kCsvManifest &&
        spec.manifest_format != core::kInventoryManifest) {
      Invalid("Manifest.Spec.Format", "The manifest format must be " +
                                          std::string(core::kCsvManifest) + " or " +
                                          std::string(core::kInventoryManifest) + ".");
    }
  }
  if (spec.report_enabled) {
    if (spec.report_bucket.empty()) Invalid("Report.Bucket", "An enabled report needs a Bucket.");
    if (spec.report_scope.empty()) spec.report_scope = "AllTasks";
    if (spec.report_scope != "AllTasks" && spec.report_scope != "FailedTasksOnly") {
      Invalid("Report.ReportScope", "ReportScope is AllTasks or FailedTasksOnly.");
    }
  }
  if (spec.operation == core::BatchOperation::kPutObjectTagging ||
      spec.operation == core::BatchOperation::kAddObjectTagging) {
    core::CheckTags(spec.tags);
  }
  if (spec.operation == core::BatchOperation::kRestoreObject &&
      (spec.restore_days < 1 || spec.restore_days > 365)) {
    Invalid("Days", "Days must be an integer from 1 to 365.");
  }
  std::unique_lock lock(mu_);
  if (!spec.client_token.empty()) {
    auto same = by_token_.find({who.tenant_id, spec.client_token});
    if (same != by_token_.end()) {
      const BatchJob& first = jobs_.at(same->second);
      if (first.request_digest == spec.request_digest) return first;
      throw Error(ErrorCode::kAlreadyExists,
                  "The ClientRequestToken was used for a different request.", "ClientRequestToken",
                  "IdempotencyConflict");
    }
  }
  spec.id = next_id_++;
  spec.public_id = NewJobId();
  spec.tenant_id = who.tenant_id;
  spec.user_id = who.user_id;
  spec.status = BatchStatus::kNew;
  spec.created = clock_.Now();
  spec.total = spec.succeeded = spec.failed = -1;
  store::Revision revision = CommitJob(spec);
  by_public_id_[spec.public_id] = spec.id;
  if (!spec.client_token.empty()) by_token_[{spec.tenant_id, spec.client_token}] = spec.id;
  lock.unlock();
  store_.Sync(revision);
  if (wake_) wake_();
  return spec;
}

BatchJob BatchJobService::Find(const Principal& who, const std::string& job_id) const {
  auto it = by_public_id_.find(job_id);
  if (it == by_public_id_.end() || jobs_.at(it->second).tenant_id != who.tenant_id) {
    throw Error(ErrorCode::kNotFound, "The specified job does not exist.", "batchJobId",
                "NoSuchJob");
  }
  return jobs_.at(it->second);
}

BatchJob BatchJobService::Get(const Principal& who, const std::string& job_id) const {
  std::lock_guard lock(mu_);
  return Find(who, job_id);
}

BatchJobService::Page BatchJobService::List(const Principal& who,
                                            const std::vector<BatchStatus>& statuses,
                                            index::Query query) const {
  query.exact[BatchJobStrings::kTenant] = {who.tenant_id};
  if (!statuses.empty()) {
    std::vector<int64_t>& values = query.values[BatchJobNumbers::kStatus];
    for (BatchStatus s : statuses) values.push_back(static_cast<int64_t>(s));
  }
  if (query.now == 0) query.now = clock_.Now();
  index::Page page = index_.Search(query);
  Page out;
  out.total = page.total;
  out.snapshot = page.snapshot;
  // The page's jobs as they are now (a status may have moved on).
  for (const store::Record& r : store_.GetMany(store::kBatchJob.id, page.ids)) {
    out.jobs.push_back(store::DecodeBatchJob(r.doc));
  }
  return out;
}

BatchJob BatchJobService::UpdatePriority(const Principal& who, const std::string& job_id,
                                         int64_t priority) {
  if (priority < 0 || priority > 2147483647) {
    Invalid("targetPriority", "targetPriority must be an integer from 0 to 2147483647.");
  }
  std::unique_lock lock(mu_);
  BatchJob job = Find(who, job_id);
  job.priority = priority;
  store::Revision revision = CommitJob(job);
  lock.unlock();
  store_.Sync(revision);
  if (wake_) wake_();
  return job;
}

BatchJob BatchJobService::UpdateStatus(const Principal& who, const std::string& job_id,
                                       BatchStatus requested, const std::string& reason) {
  if (requested != BatchStatus::kReady && requested != BatchStatus::kCancelled) {
    Invalid("requestedJobStatus", "requestedJobStatus is Ready or Cancelled.");
  }
  if (reason.size() > 256)
    Invalid("statusUpdateReason", "statusUpdateReason is 1 to 256 characters.");
  std::unique_lock lock(mu_);
  BatchJob job = Find(who, job_id);
  BatchStatus to = requested == BatchStatus::kCancelled ? BatchStatus::kCancelling : requested;
  if (requested == BatchStatus::kReady && job.status != BatchStatus::kSuspended &&
      job.status != BatchStatus::kPreparing) {
    to = BatchStatus::kNew;  // refused below
  }
  if (!core::CanMove(job.status, to)) {
    throw Error(ErrorCode::kFailedPrecondition,
                "A job in status " + std::string(core::BatchStatusName(job.status)) +
                    " cannot be moved to " + std::string(core::BatchStatusName(requested)) + ".",
                "requestedJobStatus", "JobStatusConflict");
  }
  job.status = to;
  if (!reason.empty()) job.status_reason = reason;
  if (job.active_since > 0) {
    job.active_ms += clock_.Now() - job.active_since;
    job.active_since = 0;
  }
  store::Revision revision = CommitJob(job);
  lock.unlock();
  store_.Sync(revision);
  if (wake_) wake_();
  return job;
}

// ==== Runner ================================================================

std::optional<BatchJob> BatchJobService::Job(uint64_t id) const {
  std::lock_guard lock(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  return it->second;
}

BatchJobService::Runnable BatchJobService::RunnableJobs() const {
  std::lock_guard lock(mu_);
  Runnable out;
  std::vector<std::pair<int64_t, uint64_t>> ready;  // -priority, id (ids grow with age)
  for (uint64_t id : runnable_) {
    const BatchJob& job = jobs_.at(id);
    if (job.status == BatchStatus::kReady) {
      ready.emplace_back(-job.priority, id);
    } else if (job.status == BatchStatus::kActive) {
      out.active.push_back(id);
    } else {
      out.other.push_back(id);
    }
  }
  std::sort(ready.begin(), ready.end());
  for (const auto& r : ready) out.ready.push_back(r.second);
  return out;
}

std::optional<BatchJob> BatchJobService::Move(uint64_t id, BatchStatus to,
                                              const std::function<void(BatchJob&)>& change) {
  std::unique_lock lock(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end() || !core::CanMove(it->second.status, to)) return std::nullopt;
  BatchJob job = it->second;
  core::TimeMs now = clock_.Now();
  if (to == BatchStatus::kActive) {
    job.active_since = now;
    if (job.succeeded < 0) job.succeeded = job.failed = 0;
  } else if (job.active_since > 0) {
    job.active_ms += now - job.active_since;
    job.active_since = 0;
  }
  if (core::IsTerminal(to)) job.terminated = now;
  job.status = to;
  if (change) change(job);
  store::Revision revision = CommitJob(job);
  lock.unlock();
  store_.Sync(revision);
  return job;
}

void BatchJobService::Prepare(uint64_t id) {
  std::optional<BatchJob> job = Move(id, BatchStatus::kPreparing);
  if (!job) {  // already Preparing when a restart cut it short: again
    job = Job(id);
    if (!job || job->status != BatchStatus::kPreparing) return;
  }
  // Read the manifest (or list the prefix) into the task file.
  std::string path = TaskFile(id);
  std::string partial = path + ".partial";
  int64_t total = 0;
  std::optional<ManifestError> failure;
  Principal owner = Owner(*job);
  {
    std::ofstream out(partial, std::ios::trunc);
    auto add = [&](const std::string& bucket, const std::string& key) {
      out << core::PercentEncodeKey(bucket) << ',' << core::PercentEncodeKey(key) << '\n';
      ++total;
    };
    try {
      if (job->by_prefix) {
        objects_.GetBucket(owner, job->prefix_bucket);  // NoSuchBucket fails the job
        ObjectService::ListQuery q{job->prefix, "", "", 1000};
        for (;;) {
          ObjectService::ListPage page = objects_.List(owner, job->prefix_bucket, q);
          for (const core::ObjectMeta& o : page.objects) add(job->prefix_bucket, o.key);
          if (!page.truncated) break;
          q.after = page.next;
        }
      } else {
        core::ObjectMeta manifest =
            objects_.Head(owner, BucketOfArn(job->manifest_bucket), job->manifest_object);
        if (!job->manifest_etag.empty()) {
          std::string etag = job->manifest_etag;
          std::erase(etag, '"');
          std::transform(etag.begin(), etag.end(), etag.begin(), ::toupper);
          if (etag != manifest.etag) {
            throw ManifestError{"ManifestETagMismatch",
                                "The manifest's ETag is " + manifest.etag + ", not " + etag + "."};
          }
        }
        std::vector<std::string> csvs;
        if (job->manifest_format == core::kInventoryManifest) {
          boost::system::error_code ec;
          boost::json::value doc = boost::json::parse(
              objects_.ReadAll(owner, BucketOfArn(job->manifest_bucket), job->manifest_object), ec);
          const boost::json::array* files = ec || !doc.is_object() ? nullptr
                                            : doc.as_object().if_contains("files")
                                                ? doc.as_object()["files"].if_array()
                                                : nullptr;
          if (!files) throw ManifestError{"InvalidManifest", "manifest.json has no files list."};
          for (const boost::json::value& f : *files) {
            const boost::json::value* key =
                f.is_object() ? f.as_object().if_contains("key") : nullptr;
            if (!key || !key->is_string()) {
              throw ManifestError{"InvalidManifest", "A file of manifest.json has no key."};
            }
            csvs.push_back(objects_.ReadAll(owner, BucketOfArn(job->manifest_bucket),
                                            std::string(key->as_string())));
          }
        } else {
          csvs.push_back(
              objects_.ReadAll(owner, BucketOfArn(job->manifest_bucket), job->manifest_object));
        }
        std::map<std::string, bool> buckets;  // seen, and whether it exists for the owner
        int64_t line_number = 0;
        for (const std::string& csv : csvs) {
          size_t start = 0;
          while (start < csv.size()) {
            size_t end = csv.find('\n', start);
            if (end == std::string::npos) end = csv.size();
            std::string_view line(csv.data() + start, end - start);
            start = end + 1;
            ++line_number;
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            if (line.empty()) continue;
            std::vector<std::string> fields = CsvFields(line);
            std::string where = "Line " + std::to_string(line_number) + " of the manifest";
            if (fields.size() < 2 || fields[0].empty() || fields[1].empty()) {
              throw ManifestError{"InvalidManifest", where + " is not Bucket,Key."};
            }
            std::string bucket = fields[0];
            std::string key = core::PercentDecode(fields[1], true);
            try {
              core::CheckBucketName(bucket);
              core::CheckObjectKey(key);
            } catch (const Error& e) {
              throw ManifestError{"InvalidManifest",
                                  where + " is not Bucket,Key (a header row?): " + e.what()};
            }
            auto seen = buckets.find(bucket);
            if (seen == buckets.end()) {
              bool exists = true;
              try {
                objects_.GetBucket(owner, bucket);
              } catch (const Error&) {
                exists = false;
              }
              seen = buckets.emplace(bucket, exists).first;
            }
            if (!seen->second) {
              where.append(" names the bucket ").append(bucket);
              throw ManifestError{"NoSuchBucket",
                                  where.append(", which does not exist or is not yours.")};
            }
            add(bucket, key);
          }
        }
      }
    } catch (const ManifestError& e) {
      failure = e;
    } catch (const Error& e) {
      failure = ManifestError{e.reason().empty() ? "InvalidManifest" : e.reason(),
                              std::string("The manifest cannot be read: ") + e.what()};
    }
    out.flush();
    if (!out) failure = ManifestError{"InternalError", "The task file cannot be written."};
  }
  if (failure) {
    fs::remove(partial);
    auto failed = Move(id, BatchStatus::kFailing, [&](BatchJob& j) {
      j.failures.push_back({failure->code, failure->reason});
    });
    if (failed) Move(id, BatchStatus::kFailed);
    return;
  }
  if (total == 0) {
    fs::remove(partial);  // nothing to run: no file to keep
  } else {
    int fd = ::open(partial.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) {
      if (fd >= 0) ::close(fd);
      throw Error(ErrorCode::kInternal, "fsync " + partial + ": " + std::strerror(errno));
    }
    ::close(fd);
    fs::rename(partial, path);
  }
  BatchStatus next = job->confirmation_required ? BatchStatus::kSuspended : BatchStatus::kReady;
  if (!Move(id, next, [&](BatchJob& j) {
        j.total = total;
        j.done = 0;
      })) {
    // Cancelled meanwhile: keep the count for DescribeJob.
    Move(id, BatchStatus::kCancelled);
  }
}

std::vector<ObjectService::BatchTask> BatchJobService::ReadTasks(uint64_t id, int64_t from,
                                                                 int64_t count) {
  Cursor& cursor = cursors_[id];
  std::ifstream in(TaskFile(id));
  if (!in) throw Error(ErrorCode::kInternal, "cannot read " + TaskFile(id));
  if (cursor.task != from) {  // a restart, or a first read: find the line
    cursor = Cursor{};
    std::string line;
    while (cursor.task < from && std::getline(in, line)) {
      cursor.offset += line.size() + 1;
      ++cursor.task;
    }
  } else {
    in.seekg(static_cast<std::streamoff>(cursor.offset));
  }
  std::vector<ObjectService::BatchTask> tasks;
  std::string line;
  uint64_t offset = cursor.offset;
  while (static_cast<int64_t>(tasks.size()) < count && std::getline(in, line)) {
    offset += line.size() + 1;
    size_t comma = line.find(',');
    tasks.push_back({core::PercentDecode(line.substr(0, comma), false),
                     core::PercentDecode(line.substr(comma + 1), false)});
  }
  cursor.offset = offset;
  cursor.task = from + static_cast<int64_t>(tasks.size());
  return tasks;
}

bool BatchJobService::RunChunk(uint64_t id, int64_t max_tasks) {
  BatchJob job;
  {
    std::lock_guard lock(mu_);
    job = jobs_.at(id);
  }
  if (job.status != BatchStatus::kActive || job.done >= job.total) return false;
  std::vector<ObjectService::BatchTask> tasks =
      ReadTasks(id, job.done, std::min(max_tasks, job.total - job.done));
  if (tasks.empty()) return false;
  ObjectService::Outcomes outcomes;
  std::unique_lock<std::mutex> held(mu_, std::defer_lock);
  BatchJob updated;
  objects_.ApplyBatch(Owner(job), job, tasks, outcomes, [&](const ObjectService::Outcomes& out) {
    held.lock();  // the job as it is now (a cancel may have come), with this chunk's counts
    updated = jobs_.at(id);
    core::BatchChunk chunk{0, id, updated.done, static_cast<int64_t>(tasks.size()), ""};
    for (size_t i = 0; i < tasks.size(); ++i) {
      if (out[i]) {
        ++updated.failed;
      } else {
        ++updated.succeeded;
      }
      if (updated.report_enabled && (updated.report_scope == "AllTasks" || out[i])) {
        chunk.rows += report_row_(tasks[i], out[i]);
      }
    }
    updated.done += static_cast<int64_t>(tasks.size());
    std::vector<store::Mutation> also{store::Put(updated)};
    if (!chunk.rows.empty()) {
      chunk.id = next_chunk_++;
      also.push_back(store::Put(chunk));
    }
    return also;
  });
  // Committed and synced: show it.
  index_.Upsert(BatchJobSchema().Extract(updated));
  Track(updated);
  jobs_[id] = updated;
  held.unlock();
  return true;
}

void BatchJobService::Finish(uint64_t id) {
  BatchJob job;
  {
    std::lock_guard lock(mu_);
    job = jobs_.at(id);
  }
  BatchStatus to = job.status == BatchStatus::kCompleting   ? BatchStatus::kComplete
                   : job.status == BatchStatus::kFailing    ? BatchStatus::kFailed
                   : job.status == BatchStatus::kCancelling ? BatchStatus::kCancelled
                                                            : job.status;
  if (to == job.status) return;
  std::string report_key;
  if (job.report_enabled && job.done > 0) {
    // The rows of every chunk, in task order.
    std::vector<core::BatchChunk> chunks;
    store_.ForEach(store::kBatchChunk.id, [&](const store::RecordView& r) {
      if (r.public_id.starts_with(std::to_string(id) + "/")) {
        chunks.push_back(store::DecodeBatchChunk(r.doc));
      }
    });
    std::sort(
        chunks.begin(), chunks.end(),
        [](const core::BatchChunk& a, const core::BatchChunk& b) { return a.first < b.first; });
    ObjectWrite csv;
    for (const core::BatchChunk& c : chunks) csv.body += c.rows;
    csv.headers["content-type"] = "text/csv";
    std::string base = job.report_prefix;
    if (!base.empty() && !base.ends_with('/')) base += '/';
    base += "job-" + job.public_id + "/";
    std::string bucket = BucketOfArn(job.report_bucket);
    Principal owner = Owner(job);
    try {
      core::ObjectMeta results =
          objects_.Put(owner, bucket, base + "results/results.csv", std::move(csv));
      boost::json::object manifest{
          {"Format", "Report_CSV_20180820"},
          {"ReportCreationDate", core::FormatIso8601(clock_.Now())},
          {"ReportSchema",
           "Bucket, Key, VersionId, TaskStatus, ErrorCode, HTTPStatusCode, "
           "ResultMessage"},
          {"Results",
           boost::json::array{boost::json::object{
               {"TaskExecutionStatus", job.report_scope == "AllTasks" ? "all" : "failed"},
               {"Bucket", bucket},
               {"MD5Checksum", results.etag},
               {"Key", base + "results/results.csv"}}}}};
      ObjectWrite m;
      m.body = boost::json::serialize(manifest);
      m.headers["content-type"] = "application/json";
      objects_.Put(owner, bucket, base + "manifest.json", std::move(m));
      report_key = base + "manifest.json";
    } catch (const Error& e) {
      job.failures.push_back(
          {"ReportWriteFailed", std::string("The report could not be written: ") + e.what()});
    }
  }
  Move(id, to, [&](BatchJob& j) {
    j.report_key = report_key;
    for (const core::BatchFailure& f : job.failures) {
      bool known = std::any_of(j.failures.begin(), j.failures.end(),
                               [&](const core::BatchFailure& g) { return g.code == f.code; });
      if (!known) j.failures.push_back(f);
    }
  });
  std::error_code ignored;
  fs::remove(TaskFile(id), ignored);
  std::lock_guard lock(mu_);
  cursors_.erase(id);
}

}  // namespace drover::service
