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

namespace {

std::string StripQuotes(std::string etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"')
    etag = etag.substr(1, etag.size() - 2);
  std::transform(etag.begin(), etag.end(), etag.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return etag;
}

}  // namespace

// ==== Multipart uploads =====================================================

MultipartUpload ObjectService::Initiate(const Principal& who, const std::string& bucket,
                                        const std::string& key, const ObjectWrite& meta) {
  core::CheckObjectKey(key);
  core::CheckUserMeta(meta.meta);
  std::unique_lock lock(mu_);
  BucketState& b = Owned(who, bucket);
  MultipartUpload u;
  u.id = NextId(store::kMultipartUpload.id);
  unsigned char random[16];
  if (RAND_bytes(random, sizeof random) != 1) throw Error(ErrorCode::kInternal, "RAND_bytes");
  u.upload_id = Hex(random, sizeof random);
  u.bucket = b.bucket.id;
  u.key = key;
  u.initiated = clock_.Now();
  u.storage_class = meta.storage_class.value_or(b.bucket.storage_class);
  u.acl = meta.acl;
  u.headers = meta.headers;
  u.meta = meta.meta;
  u.tags = meta.tags.value_or(std::vector<core::ObjectTag>{});
  store::Revision revision = store_.Commit({store::Put(u)});
  uploads_[u.upload_id] = u;
  lock.unlock();
  store_.Sync(revision);
  return u;
}

namespace {

[[noreturn]] void NoSuchUpload(const std::string& upload_id) {
  Fail(ErrorCode::kNotFound,
       "The specified upload does not exist. The upload ID may be invalid, or the upload may "
       "have been aborted or completed.",
       kNoSuchUpload, upload_id);
}

// The upload of that bucket and key (a const or mutable one, as the map).
template <class Map>
auto& FindUpload(Map& uploads, uint64_t bucket, const std::string& key,
                 const std::string& upload_id) {
  auto it = uploads.find(upload_id);
  if (it == uploads.end() || it->second.bucket != bucket || it->second.key != key) {
    NoSuchUpload(upload_id);
  }
  return it->second;
}

}  // namespace

core::UploadPart ObjectService::PutPart(const Principal& who, const std::string& bucket,
                                        const std::string& key, const std::string& upload_id,
                                        int number, ObjectWrite write) {
  if (number < 1 || number > core::kMaxParts) {
    core::ThrowInvalid("partNumber", "The part number must be an integer from 1 to 10000.");
  }
  {
    std::shared_lock lock(mu_);
    FindUpload(uploads_, Owned(who, bucket).bucket.id, key, upload_id);
  }
  DataFile file = Adopt(write, false);  // parts are joined as files
  std::unique_lock lock(mu_);
  std::string replaced;
  core::UploadPart part{number, file.size, file.md5_hex, file.name, clock_.Now()};
  try {
    MultipartUpload& u = FindUpload(uploads_, Owned(who, bucket).bucket.id, key, upload_id);
    MultipartUpload changed = u;
    auto at = std::lower_bound(changed.parts.begin(), changed.parts.end(), number,
                               [](const core::UploadPart& p, int n) { return p.number < n; });
    if (at != changed.parts.end() && at->number == number) {
      replaced = at->data;
      *at = part;
    } else {
      changed.parts.insert(at, part);
    }
    store::Revision revision = store_.Commit({store::Put(changed)});
    u = std::move(changed);
    lock.unlock();
    store_.Sync(revision);
  } catch (...) {
    if (lock.owns_lock()) Remove({file.name});
    throw;
  }
  Remove({replaced});
  return part;
}

ObjectMeta ObjectService::Complete(const Principal& who, const std::string& bucket,
                                   const std::string& key, const std::string& upload_id,
                                   const std::vector<std::pair<int, std::string>>& wanted) {
  if (wanted.empty()) {
    core::ThrowInvalid("CompleteMultipartUpload", "The XML you provided names no part.");
  }
  std::vector<core::UploadPart> chosen;
  {
    std::shared_lock lock(mu_);
    const MultipartUpload& u = FindUpload(uploads_, Owned(who, bucket).bucket.id, key, upload_id);
    int previous = 0;
    for (const auto& [number, etag] : wanted) {
      if (number <= previous) {
        Fail(ErrorCode::kInvalidArgument,
             "The list of parts was not in ascending order. The parts list must be specified in "
             "order by part number.",
             kPartOrder, "PartNumber");
      }
      previous = number;
      auto at = std::find_if(u.parts.begin(), u.parts.end(),
                             [n = number](const core::UploadPart& p) { return p.number == n; });
      if (at == u.parts.end() || at->etag != StripQuotes(etag)) {
        Fail(ErrorCode::kInvalidArgument,
             "One or more of the specified parts could not be found or the specified entity tag "
             "might not have matched the part's entity tag (part " +
                 std::to_string(number) + ").",
             kBadPart, "PartNumber");
      }
      chosen.push_back(*at);
    }
    for (size_t i = 0; i + 1 < chosen.size(); ++i) {
      if (chosen[i].size < core::kMinPartSize) {
        Fail(ErrorCode::kInvalidArgument,
             "Your proposed upload is smaller than the minimum allowed size: every part but the "
             "last must be at least 100 KB (part " +
                 std::to_string(chosen[i].number) + ").",
             kPartTooSmall, "PartNumber");
      }
    }
  }
  // The parts, joined into the object's file.
  std::string name = NewDataName();
  std::string path = options_.dir + "/data/" + name;
  uint64_t size = 0;
  {
    fs::create_directories(fs::path(path).parent_path());
    Fd out(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (out.get() < 0) IoFailed("create " + path);
    for (const core::UploadPart& p : chosen) {
      Fd in(::open((options_.dir + "/data/" + p.data).c_str(), O_RDONLY | O_CLOEXEC));
      if (in.get() < 0) {
        Remove({name});
        NoSuchUpload(upload_id);  // aborted or completed meanwhile
      }
      Pump(in.get(), 0, p.size, nullptr, out.get(), path);
      size += p.size;
    }
    if (::fsync(out.get()) != 0) IoFailed("fsync " + path);
    SyncPath(fs::path(path).parent_path().string(), true);
  }
  std::unique_lock lock(mu_);
  std::vector<std::string> dropped;
  ObjectMeta o;
  try {
    BucketState& b = Owned(who, bucket);
    MultipartUpload& u = FindUpload(uploads_, b.bucket.id, key, upload_id);
    for (const core::UploadPart& p : chosen) {  // a part re-sent meanwhile changes the object
      auto at = std::find_if(u.parts.begin(), u.parts.end(),
                             [&](const core::UploadPart& q) { return q.number == p.number; });
      if (at == u.parts.end() || at->data != p.data) {
        Fail(ErrorCode::kInvalidArgument, "A part changed while the upload completed.", kBadPart,
             "PartNumber");
      }
    }
    auto existing = b.objects.find(key);
    if (existing != b.objects.end()) {
      dropped.push_back(Fetch(b, key).data);
      o.id = existing->second.id;
    } else {
      o.id = NextId(store::kObject.id);
    }
    o.bucket = b.bucket.id;
    o.key = key;
    o.size = size;
    o.etag = MultipartEtag(chosen);
    o.modified = clock_.Now();
    o.type = core::ObjectType::kMultipart;
    o.storage_class = u.storage_class;
    o.acl = u.acl;
    o.headers = u.headers;
    o.meta = u.meta;
    o.tags = u.tags;
    o.data = name;
    for (const core::UploadPart& p : u.parts) dropped.push_back(p.data);
    std::vector<store::Mutation> batch{store::Put(o), store::Delete<MultipartUpload>(u.id),
                                       store::Delete<core::ObjectData>(o.id)};
    store::Revision revision = store_.Commit(batch);
    Index(b, o);
    uploads_.erase(upload_id);
    lock.unlock();
    store_.Sync(revision);
  } catch (...) {
    if (lock.owns_lock()) Remove({name});
    throw;
  }
  Remove(dropped);
  return o;
}

void ObjectService::Abort(const Principal& who, const std::string& bucket, const std::string& key,
                          const std::string& upload_id) {
  std::unique_lock lock(mu_);
  MultipartUpload& u = FindUpload(uploads_, Owned(who, bucket).bucket.id, key, upload_id);
  std::vector<std::string> dropped;
  for (const core::UploadPart& p : u.parts) dropped.push_back(p.data);
  store::Revision revision = store_.Commit({store::Delete<MultipartUpload>(u.id)});
  uploads_.erase(upload_id);
  lock.unlock();
  store_.Sync(revision);
  Remove(dropped);
}

MultipartUpload ObjectService::GetUpload(const Principal& who, const std::string& bucket,
                                         const std::string& key,
                                         const std::string& upload_id) const {
  std::shared_lock lock(mu_);
  return FindUpload(uploads_, Owned(who, bucket).bucket.id, key, upload_id);
}

ObjectService::UploadPage ObjectService::ListUploads(
    const Principal& who, const std::string& bucket, const std::string& prefix,
    const std::string& key_marker, const std::string& upload_id_marker, int max) const {
  std::shared_lock lock(mu_);
  uint64_t id = Owned(who, bucket).bucket.id;
  std::vector<const MultipartUpload*> found;
  for (const auto& [upload_id, u] : uploads_) {
    if (u.bucket != id || !u.key.starts_with(prefix)) continue;
    if (!key_marker.empty() &&
        (u.key < key_marker || (u.key == key_marker && u.upload_id <= upload_id_marker))) {
      continue;
    }
    found.push_back(&u);
  }
  std::sort(found.begin(), found.end(), [](const MultipartUpload* a, const MultipartUpload* b) {
    return std::tie(a->key, a->upload_id) < std::tie(b->key, b->upload_id);
  });
  UploadPage page;
  for (const MultipartUpload* u : found) {
    if (static_cast<int>(page.uploads.size()) == max) {
      page.truncated = true;
      break;
    }
    MultipartUpload shown = *u;
    shown.parts.clear();
    page.uploads.push_back(std::move(shown));
  }
  return page;
}

std::string ObjectService::MultipartEtag(const std::vector<core::UploadPart>& parts) {
  Md5 md5;
  for (const core::UploadPart& p : parts) {
    std::string raw;
    for (size_t i = 0; i + 1 < p.etag.size(); i += 2)
      raw += static_cast<char>(std::stoi(p.etag.substr(i, 2), nullptr, 16));
    md5.Add(raw.data(), raw.size());
  }
  std::string digest = md5.Finish();
  return Hex(reinterpret_cast<const unsigned char*>(digest.data()), digest.size()) + "-" +
         std::to_string(parts.size());
}

}  // namespace drover::service
