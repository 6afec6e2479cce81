// ObjectService: buckets and objects (core/object.h), kept the way OSS
// keeps them (api/oss/ speaks its wire format).
//
// Durability: a small object's bytes (at most kInlineLimit) are kept in
// its record, so a put is one group-committed write to the store. A larger
// object's data is a file under `dir`, written (or moved there from the
// server's spool), fsynced and renamed into place before its metadata is
// committed; an acknowledged write is on stable storage, data and
// metadata. A file replaced or removed is deleted
// only after the commit that dropped it is synced, so a crash never leaves
// metadata naming a missing file. A crash between a file's rename and its
// commit leaves a file no record names: Load removes those.
//
// Reads: every bucket's keys are held in order in memory with what a
// listing shows (size, ETag, time, class), so ListObjects never reads the
// store; GET and HEAD read the object's full record by number.
//
// Tenancy: a bucket belongs to the tenant that created it; another
// tenant's request for it is AccessDenied, an anonymous one may only read
// objects whose ACL (or their bucket's) is public-read or
// public-read-write. Thread-safe.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/batch_job.h"
#include "core/error.h"
#include "core/object.h"
#include "core/time.h"
#include "service/principal.h"
#include "store/store.h"

namespace drover::service {

struct ObjectServiceOptions {
  std::string dir;  // where data files live (created if missing)
  // How long a restore takes, per storage class (core::StorageClass order);
  // a few seconds by default so tests and demos finish.
  core::TimeMs restore_time[5] = {0, 0, 1000, 2000, 3000};
  core::TimeMs restore_day = 24 * 3600 * core::kMsPerSecond;  // a restore's "Days" unit
  uint64_t max_object_size = uint64_t{5} << 30;
};

// What a write brings: the bytes (in memory, or a spooled file the
// service takes over) and what OSS keeps beside them.
struct ObjectWrite {
  std::string body;
  std::string body_file;  // when set, the bytes are here, not in `body`
  uint64_t size = 0;
  std::string content_md5;  // base64, checked against the bytes when given
  std::map<std::string, std::string> headers;
  std::map<std::string, std::string> meta;
  std::optional<std::vector<core::ObjectTag>> tags;
  core::Acl acl = core::Acl::kDefault;
  std::optional<core::StorageClass> storage_class;  // else the bucket's
};

// Reasons (core::Error::reason) the dialect maps to its codes.
inline constexpr char kNoSuchBucket[] = "NoSuchBucket";
inline constexpr char kNoSuchKey[] = "NoSuchKey";
inline constexpr char kNoSuchUpload[] = "NoSuchUpload";
inline constexpr char kBucketNotEmpty[] = "BucketNotEmpty";
inline constexpr char kBadDigest[] = "BadDigest";
inline constexpr const char* kTooLarge = core::kTooLarge;
inline constexpr char kFrozen[] = "Frozen";
inline constexpr char kRestoring[] = "Restoring";
inline constexpr char kNotFrozen[] = "NotFrozen";
inline constexpr char kNotAppendable[] = "NotAppendable";
inline constexpr char kBadPosition[] = "BadPosition";
inline constexpr char kBadPart[] = "BadPart";
inline constexpr char kPartOrder[] = "PartOrder";
inline constexpr char kPartTooSmall[] = "PartTooSmall";

class ObjectService {
 public:
  ObjectService(store::Store& store, const core::Clock& clock, ObjectServiceOptions options);

  // Reads buckets, objects and uploads from the store and removes data
  // files no record names. Call once before serving.
  void Load();

  // ---- Buckets
  core::Bucket CreateBucket(const Principal& who, const std::string& name,
                            core::StorageClass storage_class, core::Acl acl);
  struct BucketPage {
    std::vector<core::Bucket> buckets;
    bool truncated = false;
    std::string next_marker;
  };
  // The caller's buckets, by name, after `marker`.
  BucketPage ListBuckets(const Principal& who, const std::string& prefix, const std::string& marker,
                         int max_keys) const;
  core::Bucket GetBucket(const Principal& who, const std::string& name) const;
  struct BucketUsage {
    uint64_t objects = 0;
    uint64_t bytes = 0;
  };
  BucketUsage Usage(const Principal& who, const std::string& name) const;
  void SetBucketAcl(const Principal& who, const std::string& name, core::Acl acl);
  // Refused (kFailedPrecondition, kBucketNotEmpty) while it holds objects
  // or unfinished multipart uploads.
  void DeleteBucket(const Principal& who, const std::string& name);

  // ---- Objects
  core::ObjectMeta Put(const Principal& who, const std::string& bucket, const std::string& key,
                       ObjectWrite write);
  // Appends at `position`, which must be the object's length (0 creates
  // an appendable object). Refused for an object not made by appends.
  core::ObjectMeta Append(const Principal& who, const std::string& bucket, const std::string& key,
                          uint64_t position, ObjectWrite write);
  // Copies data (and, unless `replace` is given, the source's headers, meta
  // and tags) to the target; copying an object onto itself with `replace`
  // changes its metadata.
  struct CopyOptions {
    std::optional<ObjectWrite> replace_meta;  // REPLACE directive
    std::optional<std::vector<core::ObjectTag>> replace_tags;
    core::Acl acl = core::Acl::kDefault;
    std::optional<core::StorageClass> storage_class;
  };
  core::ObjectMeta Copy(const Principal& who, const std::string& source_bucket,
                        const std::string& source_key, const std::string& bucket,
                        const std::string& key, CopyOptions options);
  // The object's record, for HEAD and GET; anonymous callers only see
  // public-read ones.
  core::ObjectMeta Head(const Principal& who, const std::string& bucket,
                        const std::string& key) const;
  // Head with the bytes of an object kept inline (ObjectMeta::inline_data);
  // refuses (kFailedPrecondition, kFrozen) a frozen object not restored.
  core::ObjectMeta Read(const Principal& who, const std::string& bucket,
                        const std::string& key) const;
  // The path of an object's data file (empty for an object kept inline).
  std::string DataPath(const core::ObjectMeta& object) const;
  // The bytes of an object kept in its record.
  static std::string InlineBytes(const core::ObjectMeta& object);
  // Objects this small keep their bytes in their record.
  static constexpr uint64_t kInlineLimit = 16 << 10;
  // Deleting a missing key is not an error (OSS answers 204 either way);
  // returns whether there was one.
  bool Delete(const Principal& who, const std::string& bucket, const std::string& key);

  core::ObjectMeta SetTags(const Principal& who, const std::string& bucket, const std::string& key,
                           std::vector<core::ObjectTag> tags);
  core::ObjectMeta SetAcl(const Principal& who, const std::string& bucket, const std::string& key,
                          core::Acl acl);
  // Starts a restore (true), or extends a finished one (false). Refused
  // while one runs (kFailedPrecondition, kRestoring) and for an object
  // not in an archive class (kNotFrozen).
  bool Restore(const Principal& who, const std::string& bucket, const std::string& key, int days);

  struct ListQuery {
    std::string prefix;
    std::string delimiter;
    std::string after;  // marker, start-after or continuation token: keys after it
    int max_keys = 100;
  };
  struct ListPage {
    std::vector<core::ObjectMeta> objects;  // key, size, etag, modified, type, class, restore
    std::vector<std::string> prefixes;      // common prefixes, with the delimiter
    bool truncated = false;
    std::string next;  // the last key or prefix of the page when truncated
  };
  ListPage List(const Principal& who, const std::string& bucket, const ListQuery& query) const;

  // ---- Batch operations (service/batch_job_service.h)

  // An object's whole bytes (a batch job's manifest).
  std::string ReadAll(const Principal& who, const std::string& bucket, const std::string& key);
  // One operation of a batch job applied to each object, as `who` (the
  // objects decoded, changed and encoded in parallel on the machine's
  // cores): the
  // objects' changes and `also(outcomes)` (the job's progress) are one
  // commit, synced before this returns. An outcome is empty for a task
  // that succeeded, else why it failed (a missing object, AddObjectTagging
  // past 10 tags, a restore in progress, …).
  struct BatchTask {
    std::string bucket;
    std::string key;
  };
  using Outcomes = std::vector<std::optional<core::Error>>;
  void ApplyBatch(const Principal& who, const core::BatchJob& job,
                  const std::vector<BatchTask>& tasks, Outcomes& outcomes,
                  const std::function<std::vector<store::Mutation>(const Outcomes&)>& also);

  // ---- Multipart uploads
  core::MultipartUpload Initiate(const Principal& who, const std::string& bucket,
                                 const std::string& key, const ObjectWrite& meta);
  core::UploadPart PutPart(const Principal& who, const std::string& bucket, const std::string& key,
                           const std::string& upload_id, int number, ObjectWrite write);
  // Joins the named parts (ascending numbers, each with its ETag) into the
  // object and ends the upload.
  core::ObjectMeta Complete(const Principal& who, const std::string& bucket, const std::string& key,
                            const std::string& upload_id,
                            const std::vector<std::pair<int, std::string>>& parts);
  void Abort(const Principal& who, const std::string& bucket, const std::string& key,
             const std::string& upload_id);
  core::MultipartUpload GetUpload(const Principal& who, const std::string& bucket,
                                  const std::string& key, const std::string& upload_id) const;
  struct UploadPage {
    std::vector<core::MultipartUpload> uploads;  // without their parts
    bool truncated = false;
  };
  // By key, then upload id, after the markers.
  UploadPage ListUploads(const Principal& who, const std::string& bucket, const std::string& prefix,
                         const std::string& key_marker, const std::string& upload_id_marker,
                         int max) const;

  // The ETag of parts as OSS computes it: the MD5 of the parts' binary
  // MD5s, uppercase hex, "-" and the number of parts.
  static std::string MultipartEtag(const std::vector<core::UploadPart>& parts);

 private:
  // What a listing shows of an object, kept per key in memory.
  struct Entry {
    uint64_t id = 0;
    uint64_t size = 0;
    core::TimeMs modified = 0;
    core::TimeMs restore_ready = 0;
    core::TimeMs restore_expires = 0;
    std::string etag;
    core::ObjectType type = core::ObjectType::kNormal;
    core::StorageClass storage_class = core::StorageClass::kStandard;
  };
  struct BucketState {
    core::Bucket bucket;
    std::map<std::string, Entry, std::less<>> objects;
    uint64_t bytes = 0;
  };
  struct DataFile {
    std::string name;         // empty when the bytes are inline
    std::string inline_data;  // base64
    std::string md5_hex;      // uppercase
    uint64_t size = 0;
  };

  BucketState& Owned(const Principal& who, const std::string& name);
  const BucketState& Owned(const Principal& who, const std::string& name) const;
  const BucketState& Readable(const Principal& who, const std::string& name) const;
  core::ObjectMeta Fetch(const BucketState& bucket, const std::string& key) const;
  void Index(BucketState& bucket, const core::ObjectMeta& object);
  // Commits one object's record (replacing what it had) and returns the
  // revision; the caller holds mu_ exclusively.
  // Puts the object `fill` describes at `key` (in place of any there,
  // whose data file is removed once the commit is synced), as a put or a
  // copy does; `new_data` (a file already written) is removed if it fails.
  core::ObjectMeta Place(const Principal& who, const std::string& bucket, const std::string& key,
                         const std::string& new_data,
                         const std::function<void(core::ObjectMeta&, const BucketState&)>& fill);
  // With `write_data`, also puts its inline bytes (or removes any, for an
  // object kept in a file).
  store::Revision CommitObject(BucketState& bucket, const core::ObjectMeta& object,
                               bool write_data = false);
  core::ObjectMeta HeadLocked(const Principal& who, const std::string& bucket,
                              const std::string& key) const;
  // Checks a write's bytes and keeps them: inline when small, else moved or
  // written into a new data file on stable storage.
  DataFile Adopt(ObjectWrite& write, bool allow_inline = true) const;
  std::string NewDataName() const;
  void Remove(const std::vector<std::string>& data_names) const;
  uint64_t NextId(store::KindId kind);

  store::Store& store_;
  const core::Clock& clock_;
  ObjectServiceOptions options_;
  mutable std::shared_mutex mu_;
  std::map<std::string, BucketState, std::less<>> buckets_;
  std::unordered_map<uint64_t, std::string> bucket_names_;
  std::map<std::string, core::MultipartUpload> uploads_;  // by upload id
  std::map<store::KindId, uint64_t> next_id_;
};

}  // namespace drover::service
