// Buckets and objects: Drover's own object storage, spoken to as OSS
// (api/oss/). Plain values and the rules OSS documents for names, tags,
// ACLs, storage classes and the restore of archived objects; no I/O. The
// service owns the current copies and the data files
// (service/object_service.h).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/time.h"

namespace drover::core {

enum class StorageClass { kStandard, kIA, kArchive, kColdArchive, kDeepColdArchive };
inline constexpr std::string_view kStorageClassNames[] = {"Standard", "IA", "Archive",
                                                          "ColdArchive", "DeepColdArchive"};
std::string_view StorageClassName(StorageClass c);
std::optional<StorageClass> ParseStorageClass(std::string_view name);
// Archive, ColdArchive and DeepColdArchive: read only after a restore.
bool IsFrozenClass(StorageClass c);

// A bucket's ACL is one of the last three; an object's may also be kDefault
// (it follows its bucket's).
enum class Acl { kDefault, kPrivate, kPublicRead, kPublicReadWrite };
inline constexpr std::string_view kAclNames[] = {"default", "private", "public-read",
                                                 "public-read-write"};
std::string_view AclName(Acl acl);
std::optional<Acl> ParseAcl(std::string_view name);

// How an object was written: one put or copy, an append, or parts.
enum class ObjectType { kNormal, kAppendable, kMultipart };
inline constexpr std::string_view kObjectTypeNames[] = {"Normal", "Appendable", "Multipart"};

struct ObjectTag {
  std::string key;
  std::string value;
  bool operator==(const ObjectTag&) const = default;
};

struct Bucket {
  uint64_t id = 0;
  std::string name;  // also its public id: bucket names are unique
  std::string tenant_id;
  std::string user_id;
  TimeMs created = 0;
  StorageClass storage_class = StorageClass::kStandard;
  Acl acl = Acl::kPrivate;
};

// Where a restore of a frozen object stands, read at a time: a restore
// started at some time is ready `ready` later and lasts until `expires`.
enum class RestoreState { kFrozen, kRestoring, kRestored };

struct ObjectMeta {
  uint64_t id = 0;
  uint64_t bucket = 0;  // Bucket::id
  std::string key;
  uint64_t size = 0;
  std::string etag;  // uppercase hex, without quotes ("…-3" for parts)
  TimeMs modified = 0;
  ObjectType type = ObjectType::kNormal;
  StorageClass storage_class = StorageClass::kStandard;
  Acl acl = Acl::kDefault;
  // Content-Type, Content-Encoding, Content-Disposition, Cache-Control,
  // Content-Language and Expires as given at upload (lowercase names).
  std::map<std::string, std::string> headers;
  std::map<std::string, std::string> meta;  // x-oss-meta-<name> (lowercase name)
  std::vector<ObjectTag> tags;
  std::string data;  // the data file's name under the service's directory
  // A small object's bytes, base64, kept in the store instead of a file
  // (`data` is then empty): an ObjectData record beside the metadata, so
  // a tagging or ACL change does not rewrite them. Filled by the reads
  // that return the bytes (ObjectService::Read).
  std::string inline_data;
  // Restore of a frozen object (0 when never restored).
  TimeMs restore_ready = 0;
  TimeMs restore_expires = 0;
};

// The bytes of a small object (ObjectMeta::inline_data), stored under the
// object's number.
struct ObjectData {
  uint64_t id = 0;
  std::string bytes;  // base64
};

// A part of a multipart upload.
struct UploadPart {
  int number = 0;  // 1..10000
  uint64_t size = 0;
  std::string etag;  // uppercase hex MD5
  std::string data;
  TimeMs modified = 0;
};

struct MultipartUpload {
  uint64_t id = 0;
  std::string upload_id;  // 32 uppercase hex
  uint64_t bucket = 0;
  std::string key;
  TimeMs initiated = 0;
  // What the object will have, from InitiateMultipartUpload.
  StorageClass storage_class = StorageClass::kStandard;
  Acl acl = Acl::kDefault;
  std::map<std::string, std::string> headers;
  std::map<std::string, std::string> meta;
  std::vector<ObjectTag> tags;
  std::vector<UploadPart> parts;  // by number
};

// ==== Rules (each throws core::Error(kInvalidArgument) naming what is wrong)

// 3–63 characters of a-z, 0-9 and '-', starting and ending with a letter
// or digit. Reason kInvalidBucketName.
void CheckBucketName(std::string_view name);
// 1–1023 bytes of UTF-8, not starting with '/' or '\'. Reason
// kInvalidObjectName.
void CheckObjectKey(std::string_view key);
// At most 10 tags, unique keys of 1–128 and values of 0–256 characters.
void CheckTags(const std::vector<ObjectTag>& tags);
// The tags of an x-oss-tagging header: "k1=v1&k2=v2", each URL-encoded.
std::vector<ObjectTag> ParseTagging(std::string_view header);
// x-oss-meta-* names and values together at most 8 KiB.
void CheckUserMeta(const std::map<std::string, std::string>& meta);

inline constexpr char kInvalidBucketName[] = "InvalidBucketName";
inline constexpr char kInvalidObjectName[] = "InvalidObjectName";

inline constexpr uint64_t kMaxPartSize = uint64_t{5} << 30;
inline constexpr uint64_t kMinPartSize = 100 << 10;  // every part but the last
inline constexpr int kMaxParts = 10000;

// ==== Restore

RestoreState RestoreStateAt(const ObjectMeta& object, TimeMs now);
// Whether the object's data may be read at `now`: not frozen, or restored.
bool Readable(const ObjectMeta& object, TimeMs now);

}  // namespace drover::core
