#include <fcntl.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include "core/error.h"
#include "service/object_internal.h"
#include "service/object_service.h"
#include "store/object_codec.h"

namespace drover::service {

namespace fs = std::filesystem;
using core::Error;
using core::ErrorCode;
using core::MultipartUpload;
using core::ObjectMeta;
using namespace object_internal;  // NOLINT(google-build-using-namespace): this service's own
                                  // helpers

// ==== Batch operations ======================================================

namespace {

// Runs fn(0..n-1) split over the machine's cores (a chunk's decoding and
// encoding); the calling thread takes the first share.
void InParallel(size_t n, const std::function<void(size_t)>& fn) {
  size_t threads = std::min<size_t>(std::max(1u, std::thread::hardware_concurrency()), 8);
  if (n < 64 || threads == 1) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  size_t share = (n + threads - 1) / threads;
  std::vector<std::thread> helpers;
  std::vector<std::exception_ptr> failed(threads);
  auto run = [&](size_t t) {
    try {
      for (size_t i = t * share; i < std::min(n, (t + 1) * share); ++i) fn(i);
    } catch (...) {
      failed[t] = std::current_exception();
    }
  };
  for (size_t t = 1; t < threads && t * share < n; ++t) helpers.emplace_back(run, t);
  run(0);
  for (std::thread& h : helpers) h.join();
  for (const std::exception_ptr& e : failed) {
    if (e) std::rethrow_exception(e);
  }
}

}  // namespace

std::string ObjectService::ReadAll(const Principal& who, const std::string& bucket,
                                   const std::string& key) {
  ObjectMeta o = Read(who, bucket, key);
  if (o.data.empty()) return InlineBytes(o);
  std::string bytes(o.size, '\0');
  Fd in(::open(DataPath(o).c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) {
    Fail(ErrorCode::kNotFound, "The specified key does not exist.", kNoSuchKey, key);
  }
  uint64_t at = 0;
  while (at < o.size) {
    ssize_t n = ::pread(in.get(), bytes.data() + at, o.size - at, static_cast<off_t>(at));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) IoFailed("read " + DataPath(o));
    at += static_cast<uint64_t>(n);
  }
  return bytes;
}

void ObjectService::ApplyBatch(
    const Principal& who, const core::BatchJob& job, const std::vector<BatchTask>& tasks,
    Outcomes& outcomes, const std::function<std::vector<store::Mutation>(const Outcomes&)>& also) {
  outcomes.assign(tasks.size(), std::nullopt);
  std::unique_lock lock(mu_);
  core::TimeMs now = clock_.Now();
  // The chunk's objects, read at once; a key named twice is changed twice.
  std::vector<uint64_t> ids;
  std::vector<BucketState*> owners(tasks.size(), nullptr);
  for (size_t i = 0; i < tasks.size(); ++i) {
    try {
      BucketState& b = Owned(who, tasks[i].bucket);
      auto it = b.objects.find(tasks[i].key);
      if (it == b.objects.end()) {
        Fail(ErrorCode::kNotFound, "The specified key does not exist.", kNoSuchKey, tasks[i].key);
      }
      owners[i] = &b;
      ids.push_back(it->second.id);
    } catch (const Error& e) {
      outcomes[i] = e;
    }
  }
  std::unordered_map<uint64_t, ObjectMeta> changed;
  std::vector<store::Record> records = store_.GetMany(store::kObject.id, ids);
  std::vector<ObjectMeta> decoded(records.size());
  InParallel(records.size(), [&](size_t i) { decoded[i] = store::DecodeObject(records[i].doc); });
  for (ObjectMeta& o : decoded) changed.emplace(o.id, std::move(o));
  std::vector<uint64_t> touched;
  for (size_t i = 0; i < tasks.size(); ++i) {
    if (!owners[i]) continue;
    auto found = changed.find(owners[i]->objects.find(tasks[i].key)->second.id);
    if (found == changed.end()) {
      outcomes[i] =
          Error(ErrorCode::kNotFound, "The specified key does not exist.", "", kNoSuchKey);
      continue;
    }
    ObjectMeta& o = found->second;
    try {
      switch (job.operation) {
        case core::BatchOperation::kPutObjectTagging:
          o.tags = job.tags;
          break;
        case core::BatchOperation::kDeleteObjectTagging:
          o.tags.clear();
          break;
        case core::BatchOperation::kAddObjectTagging: {
          std::vector<core::ObjectTag> merged = o.tags;
          for (const core::ObjectTag& t : job.tags) {
            auto same = std::find_if(merged.begin(), merged.end(),
                                     [&](const core::ObjectTag& m) { return m.key == t.key; });
            if (same != merged.end()) {
              same->value = t.value;
            } else {
              merged.push_back(t);
            }
          }
          core::CheckTags(merged);  // more than 10: this task fails
          o.tags = std::move(merged);
          break;
        }
        case core::BatchOperation::kPutObjectAcl:
          o.acl = job.acl;
          break;
        case core::BatchOperation::kRestoreObject:
          if (!core::IsFrozenClass(o.storage_class)) {
            Fail(ErrorCode::kFailedPrecondition,
                 "The operation is not supported for this resource: the object is not archived.",
                 kNotFrozen, o.key);
          }
          if (core::RestoreStateAt(o, now) == core::RestoreState::kRestoring) {
            Fail(ErrorCode::kFailedPrecondition, "The restore operation is in progress.",
                 kRestoring, o.key);
          }
          if (core::RestoreStateAt(o, now) == core::RestoreState::kFrozen) {
            o.restore_ready = now + options_.restore_time[static_cast<size_t>(o.storage_class)];
            o.restore_expires = o.restore_ready + job.restore_days * options_.restore_day;
          } else {
            o.restore_expires = now + job.restore_days * options_.restore_day;
          }
          break;
      }
      touched.push_back(o.id);
    } catch (const Error& e) {
      outcomes[i] = e;
    }
  }
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
  std::vector<store::Mutation> batch;
  batch.reserve(touched.size() + 2);
  batch.resize(touched.size());
  InParallel(touched.size(), [&](size_t i) { batch[i] = store::Put(changed.at(touched[i])); });
  for (store::Mutation& m : also(outcomes)) batch.push_back(std::move(m));
  store::Revision revision = store_.Commit(batch);
  for (uint64_t id : touched) {
    const ObjectMeta& o = changed.at(id);
    Index(buckets_.at(bucket_names_.at(o.bucket)), o);
  }
  lock.unlock();
  store_.Sync(revision);
}

}  // namespace drover::service
