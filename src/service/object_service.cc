#include "service/object_service.h"

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

#include "core/base64.h"
#include "core/error.h"
#include "service/object_internal.h"
#include "store/object_codec.h"

namespace drover::service {

namespace fs = std::filesystem;
using core::Error;
using core::ErrorCode;
using core::MultipartUpload;
using core::ObjectMeta;
using namespace object_internal;  // NOLINT(google-build-using-namespace): this service's own
                                  // helpers

namespace {

// The first string greater than every string starting with `prefix`
// ("" when there is none).
std::string PrefixEnd(std::string prefix) {
  while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) == 0xFF) prefix.pop_back();
  if (!prefix.empty()) prefix.back() = static_cast<char>(prefix.back() + 1);
  return prefix;
}

}  // namespace

ObjectService::ObjectService(store::Store& store, const core::Clock& clock,
                             ObjectServiceOptions options)
    : store_(store), clock_(clock), options_(std::move(options)) {}

// ==== Loading ===============================================================

void ObjectService::Load() {
  std::unique_lock lock(mu_);
  fs::create_directories(options_.dir + "/data");
  std::set<std::string> referenced;
  store_.ForEach(store::kBucket.id, [&](const store::RecordView& r) {
    core::Bucket b = store::DecodeBucket(r.doc);
    bucket_names_[b.id] = b.name;
    buckets_[b.name].bucket = std::move(b);
  });
  store_.ForEach(store::kObject.id, [&](const store::RecordView& r) {
    ObjectMeta o = store::DecodeObject(r.doc);
    referenced.insert(o.data);
    auto name = bucket_names_.find(o.bucket);
    if (name != bucket_names_.end()) Index(buckets_[name->second], o);
  });
  store_.ForEach(store::kMultipartUpload.id, [&](const store::RecordView& r) {
    MultipartUpload u = store::DecodeUpload(r.doc);
    for (const core::UploadPart& p : u.parts) referenced.insert(p.data);
    uploads_[u.upload_id] = std::move(u);
  });
  for (const store::RecordKind& kind : {store::kBucket, store::kObject, store::kMultipartUpload}) {
    next_id_[kind.id] = store_.MaxNumber(kind.id) + 1;
  }
  // Files of writes that crashed before their commit.
  std::string root = options_.dir + "/data/";
  size_t orphans = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    std::string name = entry.path().string().substr(root.size());
    if (!referenced.contains(name)) {
      fs::remove(entry.path());
      ++orphans;
    }
  }
  (void)orphans;
}

// ==== Helpers ===============================================================

uint64_t ObjectService::NextId(store::KindId kind) { return next_id_[kind]++; }

std::string ObjectService::NewDataName() const {
  unsigned char random[16];
  if (RAND_bytes(random, sizeof random) != 1) throw Error(ErrorCode::kInternal, "RAND_bytes");
  std::string hex = Hex(random, sizeof random);
  return hex.substr(0, 2) + "/" + hex.substr(2);
}

std::string ObjectService::DataPath(const ObjectMeta& object) const {
  return object.data.empty() ? std::string() : options_.dir + "/data/" + object.data;
}

std::string ObjectService::InlineBytes(const ObjectMeta& object) {
  std::optional<std::string> bytes = core::Base64Decode(object.inline_data);
  if (!bytes) throw Error(ErrorCode::kInternal, "bad inline data of " + object.key);
  return std::move(*bytes);
}

void ObjectService::Remove(const std::vector<std::string>& data_names) const {
  for (const std::string& name : data_names) {
    if (!name.empty()) ::unlink((options_.dir + "/data/" + name).c_str());
  }
}

ObjectService::DataFile ObjectService::Adopt(ObjectWrite& write, bool allow_inline) const {
  uint64_t size = write.body_file.empty() ? write.body.size() : write.size;
  if (size > options_.max_object_size) {
    Fail(ErrorCode::kInvalidArgument,
         "Your proposed upload exceeds the maximum allowed size of " +
             std::to_string(options_.max_object_size) + " bytes.",
         kTooLarge, "Content-Length");
  }
  Md5 md5;
  if (write.body_file.empty()) {
    md5.Add(write.body.data(), write.body.size());
  } else {
    Fd in(::open(write.body_file.c_str(), O_RDONLY | O_CLOEXEC));
    if (in.get() < 0) IoFailed("open " + write.body_file);
    Pump(in.get(), 0, size, &md5, -1, write.body_file);
  }
  std::string digest = md5.Finish();
  const auto* raw = reinterpret_cast<const unsigned char*>(digest.data());
  if (!write.content_md5.empty() && write.content_md5 != Base64(raw, digest.size())) {
    Fail(ErrorCode::kInvalidArgument,
         "The Content-MD5 you specified did not match what was received.", kBadDigest,
         "Content-MD5");
  }
  if (allow_inline && size <= kInlineLimit) {
    std::string bytes;
    if (write.body_file.empty()) {
      bytes = std::move(write.body);
    } else {
      Fd in(::open(write.body_file.c_str(), O_RDONLY | O_CLOEXEC));
      bytes.resize(size);
      if (in.get() < 0 || ::pread(in.get(), bytes.data(), size, 0) != static_cast<ssize_t>(size))
        IoFailed("read " + write.body_file);
    }
    return DataFile{"", Base64(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()),
                    Hex(raw, digest.size()), size};
  }
  DataFile file{NewDataName(), "", Hex(raw, digest.size()), size};
  std::string dir = options_.dir + "/data/" + file.name.substr(0, 2);
  fs::create_directories(dir);
  std::string path = options_.dir + "/data/" + file.name;
  if (write.body_file.empty()) {
    Fd out(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (out.get() < 0) IoFailed("create " + path);
    WriteAll(out.get(), write.body.data(), write.body.size(), path);
    if (::fsync(out.get()) != 0) IoFailed("fsync " + path);
  } else {
    if (::rename(write.body_file.c_str(), path.c_str()) != 0) IoFailed("rename to " + path);
    write.body_file.clear();
    SyncPath(path, false);
  }
  SyncPath(dir, true);
  return file;
}

ObjectService::BucketState& ObjectService::Owned(const Principal& who, const std::string& name) {
  return const_cast<BucketState&>(std::as_const(*this).Owned(who, name));
}

const ObjectService::BucketState& ObjectService::Owned(const Principal& who,
                                                       const std::string& name) const {
  auto it = buckets_.find(name);
  if (it == buckets_.end()) {
    Fail(ErrorCode::kNotFound, "The specified bucket does not exist.", kNoSuchBucket, name);
  }
  if (who.anonymous || it->second.bucket.tenant_id != who.tenant_id) {
    Fail(ErrorCode::kPermissionDenied, "You have no right to access this bucket.", "", name);
  }
  return it->second;
}

const ObjectService::BucketState& ObjectService::Readable(const Principal& who,
                                                          const std::string& name) const {
  if (!who.anonymous) return Owned(who, name);
  auto it = buckets_.find(name);
  if (it == buckets_.end()) {
    Fail(ErrorCode::kNotFound, "The specified bucket does not exist.", kNoSuchBucket, name);
  }
  return it->second;
}

ObjectMeta ObjectService::Fetch(const BucketState& bucket, const std::string& key) const {
  auto it = bucket.objects.find(key);
  if (it == bucket.objects.end()) {
    Fail(ErrorCode::kNotFound, "The specified key does not exist.", kNoSuchKey, key);
  }
  std::optional<store::Record> record = store_.Get(store::kObject.id, it->second.id);
  if (!record) throw Error(ErrorCode::kInternal, "object record missing: " + key);
  return store::DecodeObject(record->doc);
}

void ObjectService::Index(BucketState& bucket, const ObjectMeta& o) {
  Entry& e = bucket.objects[o.key];
  bucket.bytes -= e.size;
  e = Entry{o.id,   o.size, o.modified,     o.restore_ready, o.restore_expires,
            o.etag, o.type, o.storage_class};
  bucket.bytes += o.size;
}

store::Revision ObjectService::CommitObject(BucketState& bucket, const ObjectMeta& object,
                                            bool write_data) {
  std::vector<store::Mutation> batch{store::Put(object)};
  if (write_data && !object.inline_data.empty()) {
    batch.push_back(store::Put(core::ObjectData{object.id, object.inline_data}));
  } else if (write_data) {
    batch.push_back(store::Delete<core::ObjectData>(object.id));  // none, or a replaced one
  }
  store::Revision revision = store_.Commit(batch);
  Index(bucket, object);
  return revision;
}

// ==== Buckets ===============================================================

core::Bucket ObjectService::CreateBucket(const Principal& who, const std::string& name,
                                         core::StorageClass storage_class, core::Acl acl) {
  core::CheckBucketName(name);
  if (acl == core::Acl::kDefault) acl = core::Acl::kPrivate;
  std::unique_lock lock(mu_);
  if (buckets_.contains(name)) {
    Fail(ErrorCode::kAlreadyExists, "The requested bucket name is not available.", "", name);
  }
  core::Bucket b{NextId(store::kBucket.id),
                 name,
                 who.tenant_id,
                 who.user_id,
                 clock_.Now(),
                 storage_class,
                 acl};
  store::Revision revision = store_.Commit({store::Put(b)});
  bucket_names_[b.id] = name;
  buckets_[name].bucket = b;
  lock.unlock();
  store_.Sync(revision);
  return b;
}

ObjectService::BucketPage ObjectService::ListBuckets(const Principal& who,
                                                     const std::string& prefix,
                                                     const std::string& marker,
                                                     int max_keys) const {
  std::shared_lock lock(mu_);
  BucketPage page;
  for (auto it = buckets_.upper_bound(marker); it != buckets_.end(); ++it) {
    const core::Bucket& b = it->second.bucket;
    if (b.tenant_id != who.tenant_id || !b.name.starts_with(prefix)) continue;
    if (static_cast<int>(page.buckets.size()) == max_keys) {
      page.truncated = true;
      page.next_marker = page.buckets.back().name;
      break;
    }
    page.buckets.push_back(b);
  }
  return page;
}

core::Bucket ObjectService::GetBucket(const Principal& who, const std::string& name) const {
  std::shared_lock lock(mu_);
  return Owned(who, name).bucket;
}

ObjectService::BucketUsage ObjectService::Usage(const Principal& who,
                                                const std::string& name) const {
  std::shared_lock lock(mu_);
  const BucketState& b = Owned(who, name);
  return {b.objects.size(), b.bytes};
}

void ObjectService::SetBucketAcl(const Principal& who, const std::string& name, core::Acl acl) {
  std::unique_lock lock(mu_);
  BucketState& b = Owned(who, name);
  core::Bucket changed = b.bucket;
  changed.acl = acl == core::Acl::kDefault ? core::Acl::kPrivate : acl;
  store::Revision revision = store_.Commit({store::Put(changed)});
  b.bucket = changed;
  lock.unlock();
  store_.Sync(revision);
}

void ObjectService::DeleteBucket(const Principal& who, const std::string& name) {
  std::unique_lock lock(mu_);
  BucketState& b = Owned(who, name);
  bool uploads = std::any_of(uploads_.begin(), uploads_.end(),
                             [&](const auto& u) { return u.second.bucket == b.bucket.id; });
  if (!b.objects.empty() || uploads) {
    Fail(ErrorCode::kFailedPrecondition, "The bucket you tried to delete is not empty.",
         kBucketNotEmpty, name);
  }
  store::Revision revision = store_.Commit({store::Delete<core::Bucket>(b.bucket.id)});
  bucket_names_.erase(b.bucket.id);
  buckets_.erase(name);
  lock.unlock();
  store_.Sync(revision);
}

// ==== Objects ===============================================================

ObjectMeta ObjectService::Place(const Principal& who, const std::string& bucket,
                                const std::string& key, const std::string& new_data,
                                const std::function<void(ObjectMeta&, const BucketState&)>& fill) {
  std::unique_lock lock(mu_);
  std::string replaced;
  ObjectMeta o;
  try {
    BucketState& b = Owned(who, bucket);
    auto existing = b.objects.find(key);
    if (existing != b.objects.end()) {
      replaced = Fetch(b, key).data;
      o.id = existing->second.id;
    } else {
      o.id = NextId(store::kObject.id);
    }
    o.bucket = b.bucket.id;
    o.key = key;
    o.modified = clock_.Now();
    fill(o, b);
    store::Revision revision = CommitObject(b, o, true);
    lock.unlock();
    store_.Sync(revision);
  } catch (...) {
    if (lock.owns_lock()) Remove({new_data});
    throw;
  }
  Remove({replaced});
  return o;
}

ObjectMeta ObjectService::Put(const Principal& who, const std::string& bucket,
                              const std::string& key, ObjectWrite write) {
  core::CheckObjectKey(key);
  core::CheckUserMeta(write.meta);
  {
    std::shared_lock lock(mu_);
    Owned(who, bucket);  // before the bytes are stored
  }
  DataFile file = Adopt(write);
  return Place(who, bucket, key, file.name, [&](ObjectMeta& o, const BucketState& b) {
    o.size = file.size;
    o.etag = file.md5_hex;
    o.storage_class = write.storage_class.value_or(b.bucket.storage_class);
    o.acl = write.acl;
    o.headers = std::move(write.headers);
    o.meta = std::move(write.meta);
    o.tags = write.tags.value_or(std::vector<core::ObjectTag>{});
    o.data = file.name;
    o.inline_data = std::move(file.inline_data);
  });
}

ObjectMeta ObjectService::Append(const Principal& who, const std::string& bucket,
                                 const std::string& key, uint64_t position, ObjectWrite write) {
  core::CheckObjectKey(key);
  core::CheckUserMeta(write.meta);
  // Appends are rare: the whole append holds the lock, so two at one
  // position cannot both write.
  std::unique_lock lock(mu_);
  BucketState& b = Owned(who, bucket);
  auto existing = b.objects.find(key);
  ObjectMeta o;
  if (existing != b.objects.end()) {
    o = Fetch(b, key);
    if (o.type != core::ObjectType::kAppendable) {
      Fail(ErrorCode::kFailedPrecondition, "The object is not appendable.", kNotAppendable, key);
    }
  } else {
    o.id = NextId(store::kObject.id);
    o.bucket = b.bucket.id;
    o.key = key;
    o.type = core::ObjectType::kAppendable;
    o.storage_class = write.storage_class.value_or(b.bucket.storage_class);
    o.acl = write.acl;
    o.headers = std::move(write.headers);
    o.meta = std::move(write.meta);
    o.tags = write.tags.value_or(std::vector<core::ObjectTag>{});
    o.data = NewDataName();
  }
  if (position != o.size) {
    Fail(ErrorCode::kFailedPrecondition,
         "Position is not equal to file length: the next position is " + std::to_string(o.size) +
             ".",
         kBadPosition, std::to_string(o.size));
  }
  uint64_t size = write.body_file.empty() ? write.body.size() : write.size;
  if (o.size + size > options_.max_object_size) {
    Fail(ErrorCode::kInvalidArgument, "The object would exceed the maximum allowed size.",
         kTooLarge, "Content-Length");
  }
  // Written past the committed length: a crash before the commit leaves
  // bytes no read reaches, which the next append at that position
  // overwrites.
  std::string path = DataPath(o);
  fs::create_directories(fs::path(path).parent_path());
  Fd out(::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
  if (out.get() < 0) IoFailed("open " + path);
  Md5 md5;
  {
    Fd whole(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    Pump(whole.get(), 0, o.size, &md5, -1, path);
  }
  if (::lseek(out.get(), static_cast<off_t>(o.size), SEEK_SET) < 0) IoFailed("seek " + path);
  if (write.body_file.empty()) {
    md5.Add(write.body.data(), write.body.size());
    WriteAll(out.get(), write.body.data(), write.body.size(), path);
  } else {
    Fd in(::open(write.body_file.c_str(), O_RDONLY | O_CLOEXEC));
    if (in.get() < 0) IoFailed("open " + write.body_file);
    Pump(in.get(), 0, size, &md5, out.get(), path);
  }
  if (::fsync(out.get()) != 0) IoFailed("fsync " + path);
  SyncPath(fs::path(path).parent_path().string(), true);
  std::string digest = md5.Finish();
  o.size += size;
  o.etag = Hex(reinterpret_cast<const unsigned char*>(digest.data()), digest.size());
  o.modified = clock_.Now();
  store::Revision revision = CommitObject(b, o, true);
  lock.unlock();
  store_.Sync(revision);
  return o;
}

ObjectMeta ObjectService::Copy(const Principal& who, const std::string& source_bucket,
                               const std::string& source_key, const std::string& bucket,
                               const std::string& key, CopyOptions options) {
  core::CheckObjectKey(key);
  ObjectMeta source = Read(who, source_bucket, source_key);
  ObjectWrite write;
  if (options.replace_meta) {
    write = std::move(*options.replace_meta);
  } else {
    write.headers = source.headers;
    write.meta = source.meta;
  }
  core::CheckUserMeta(write.meta);
  write.tags = options.replace_tags ? std::move(options.replace_tags) : source.tags;
  write.acl = options.acl;
  write.storage_class = options.storage_class;
  bool same = source_bucket == bucket && source_key == key;
  {
    std::shared_lock lock(mu_);
    Owned(who, bucket);
  }
  // The source's bytes into a new file: opened now, so a concurrent
  // overwrite of the source does not change what is copied.
  bool small = !source.inline_data.empty() || source.size == 0;
  std::string copy_name = small ? "" : NewDataName();
  std::string copy_path = options_.dir + "/data/" + copy_name;
  if (!small) {
    Fd in(::open(DataPath(source).c_str(), O_RDONLY | O_CLOEXEC));
    if (in.get() < 0) {
      Fail(ErrorCode::kNotFound, "The specified key does not exist.", kNoSuchKey, source_key);
    }
    fs::create_directories(fs::path(copy_path).parent_path());
    Fd out(::open(copy_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (out.get() < 0) IoFailed("create " + copy_path);
    Pump(in.get(), 0, source.size, nullptr, out.get(), copy_path);
    if (::fsync(out.get()) != 0) IoFailed("fsync " + copy_path);
    SyncPath(fs::path(copy_path).parent_path().string(), true);
  }
  return Place(who, bucket, key, copy_name, [&](ObjectMeta& o, const BucketState& b) {
    o.size = source.size;
    o.etag = source.etag;
    o.type = source.type == core::ObjectType::kAppendable ? core::ObjectType::kNormal : source.type;
    o.storage_class =
        write.storage_class.value_or(same ? source.storage_class : b.bucket.storage_class);
    o.acl = write.acl == core::Acl::kDefault && same ? source.acl : write.acl;
    o.headers = std::move(write.headers);
    o.meta = std::move(write.meta);
    o.tags = write.tags.value_or(std::vector<core::ObjectTag>{});
    o.data = copy_name;
    o.inline_data = source.inline_data;
  });
}

ObjectMeta ObjectService::Head(const Principal& who, const std::string& bucket,
                               const std::string& key) const {
  std::shared_lock lock(mu_);
  return HeadLocked(who, bucket, key);
}

ObjectMeta ObjectService::HeadLocked(const Principal& who, const std::string& bucket,
                                     const std::string& key) const {
  const BucketState& b = Readable(who, bucket);
  ObjectMeta o = Fetch(b, key);
  if (who.anonymous) {
    core::Acl acl = o.acl == core::Acl::kDefault ? b.bucket.acl : o.acl;
    if (acl != core::Acl::kPublicRead && acl != core::Acl::kPublicReadWrite) {
      Fail(ErrorCode::kPermissionDenied, "You have no right to access this object.", "", key);
    }
  }
  return o;
}

ObjectMeta ObjectService::Read(const Principal& who, const std::string& bucket,
                               const std::string& key) const {
  std::shared_lock lock(mu_);
  ObjectMeta o = HeadLocked(who, bucket, key);
  if (!core::Readable(o, clock_.Now())) {
    Fail(ErrorCode::kFailedPrecondition,
         "The operation is not valid for the object's state: restore it first.", kFrozen, key);
  }
  if (o.data.empty() && o.size > 0) {  // the bytes, read with the metadata they belong to
    std::optional<store::Record> data = store_.Get(store::kObjectData.id, o.id);
    if (!data) throw Error(ErrorCode::kInternal, "object data missing: " + key);
    o.inline_data = store::DecodeObjectData(data->doc).bytes;
  }
  return o;
}

bool ObjectService::Delete(const Principal& who, const std::string& bucket,
                           const std::string& key) {
  std::unique_lock lock(mu_);
  BucketState& b = Owned(who, bucket);
  auto it = b.objects.find(key);
  if (it == b.objects.end()) return false;
  std::string data = Fetch(b, key).data;
  std::vector<store::Mutation> batch{store::Delete<ObjectMeta>(it->second.id),
                                     store::Delete<core::ObjectData>(it->second.id)};
  store::Revision revision = store_.Commit(batch);
  b.bytes -= it->second.size;
  b.objects.erase(it);
  lock.unlock();
  store_.Sync(revision);
  Remove({data});
  return true;
}

ObjectMeta ObjectService::SetTags(const Principal& who, const std::string& bucket,
                                  const std::string& key, std::vector<core::ObjectTag> tags) {
  core::CheckTags(tags);
  std::unique_lock lock(mu_);
  BucketState& b = Owned(who, bucket);
  ObjectMeta o = Fetch(b, key);
  o.tags = std::move(tags);  // Last-Modified stays
  store::Revision revision = CommitObject(b, o);
  lock.unlock();
  store_.Sync(revision);
  return o;
}

ObjectMeta ObjectService::SetAcl(const Principal& who, const std::string& bucket,
                                 const std::string& key, core::Acl acl) {
  std::unique_lock lock(mu_);
  BucketState& b = Owned(who, bucket);
  ObjectMeta o = Fetch(b, key);
  o.acl = acl;
  store::Revision revision = CommitObject(b, o);
  lock.unlock();
  store_.Sync(revision);
  return o;
}

bool ObjectService::Restore(const Principal& who, const std::string& bucket, const std::string& key,
                            int days) {
  std::unique_lock lock(mu_);
  BucketState& b = Owned(who, bucket);
  ObjectMeta o = Fetch(b, key);
  if (!core::IsFrozenClass(o.storage_class)) {
    Fail(ErrorCode::kFailedPrecondition,
         "The operation is not supported for this resource: the object is not archived.",
         kNotFrozen, key);
  }
  core::TimeMs now = clock_.Now();
  bool started = false;
  switch (core::RestoreStateAt(o, now)) {
    case core::RestoreState::kRestoring:
      Fail(ErrorCode::kFailedPrecondition, "The restore operation is in progress.", kRestoring,
           key);
    case core::RestoreState::kRestored:
      o.restore_expires = now + days * options_.restore_day;
      break;
    case core::RestoreState::kFrozen:
      o.restore_ready = now + options_.restore_time[static_cast<size_t>(o.storage_class)];
      o.restore_expires = o.restore_ready + days * options_.restore_day;
      started = true;
      break;
  }
  store::Revision revision = CommitObject(b, o);
  lock.unlock();
  store_.Sync(revision);
  return started;
}

ObjectService::ListPage ObjectService::List(const Principal& who, const std::string& bucket,
                                            const ListQuery& q) const {
  std::shared_lock lock(mu_);
  const BucketState& b = Owned(who, bucket);
  ListPage page;
  auto it = q.after < q.prefix ? b.objects.lower_bound(q.prefix) : b.objects.upper_bound(q.after);
  int count = 0;
  std::string last;
  while (it != b.objects.end() && it->first.starts_with(q.prefix)) {
    const std::string& key = it->first;
    std::string common;
    if (!q.delimiter.empty()) {
      size_t at = key.find(q.delimiter, q.prefix.size());
      if (at != std::string::npos) common = key.substr(0, at + q.delimiter.size());
    }
    if (!common.empty() && common <= q.after) {  // the marker is inside it
      std::string end = PrefixEnd(common);
      it = end.empty() ? b.objects.end() : b.objects.lower_bound(end);
      continue;
    }
    if (count == q.max_keys) {
      page.truncated = true;
      page.next = last;
      break;
    }
    ++count;
    if (!common.empty()) {
      page.prefixes.push_back(common);
      last = common;
      std::string end = PrefixEnd(common);
      it = end.empty() ? b.objects.end() : b.objects.lower_bound(end);
      continue;
    }
    const Entry& e = it->second;
    ObjectMeta o;
    o.id = e.id;
    o.key = key;
    o.size = e.size;
    o.etag = e.etag;
    o.modified = e.modified;
    o.type = e.type;
    o.storage_class = e.storage_class;
    o.restore_ready = e.restore_ready;
    o.restore_expires = e.restore_expires;
    page.objects.push_back(std::move(o));
    last = key;
    ++it;
  }
  return page;
}

}  // namespace drover::service
