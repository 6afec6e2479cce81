// The stored forms of buckets, objects' metadata and multipart uploads
// (store/document.h). An object's data is a file the service keeps
// (service/object_service.h); its record names the file. Add fields with
// a new key; never reuse a key.
#pragma once

#include <string>
#include <string_view>

#include "core/object.h"
#include "store/codec.h"

namespace drover::store {

std::string EncodeBucket(const core::Bucket& bucket);
core::Bucket DecodeBucket(std::string_view document);  // throws core::Error(kInternal)
std::string EncodeObject(const core::ObjectMeta& object);
core::ObjectMeta DecodeObject(std::string_view document);
std::string EncodeUpload(const core::MultipartUpload& upload);
std::string EncodeObjectData(const core::ObjectData& data);
core::ObjectData DecodeObjectData(std::string_view document);
core::MultipartUpload DecodeUpload(std::string_view document);

// An object's public id within its kind: its bucket's number and its key.
std::string ObjectPublicId(uint64_t bucket, std::string_view key);

template <>
struct Codec<core::Bucket> {
  static constexpr const RecordKind& kKind = kBucket;
  static uint64_t Number(const core::Bucket& b) { return b.id; }
  static std::string_view PublicId(const core::Bucket& b) { return b.name; }
  static std::string Encode(const core::Bucket& b) { return EncodeBucket(b); }
  static core::Bucket Decode(std::string_view doc) { return DecodeBucket(doc); }
};

template <>
struct Codec<core::ObjectMeta> {
  static constexpr const RecordKind& kKind = kObject;
  static uint64_t Number(const core::ObjectMeta& o) { return o.id; }
  static std::string PublicId(const core::ObjectMeta& o) { return ObjectPublicId(o.bucket, o.key); }
  static std::string Encode(const core::ObjectMeta& o) { return EncodeObject(o); }
  static core::ObjectMeta Decode(std::string_view doc) { return DecodeObject(doc); }
};

template <>
struct Codec<core::ObjectData> {
  static constexpr const RecordKind& kKind = kObjectData;
  static uint64_t Number(const core::ObjectData& d) { return d.id; }
  static std::string PublicId(const core::ObjectData& d) { return std::to_string(d.id); }
  static std::string Encode(const core::ObjectData& d) { return EncodeObjectData(d); }
  static core::ObjectData Decode(std::string_view doc) { return DecodeObjectData(doc); }
};

template <>
struct Codec<core::MultipartUpload> {
  static constexpr const RecordKind& kKind = kMultipartUpload;
  static uint64_t Number(const core::MultipartUpload& u) { return u.id; }
  static std::string_view PublicId(const core::MultipartUpload& u) { return u.upload_id; }
  static std::string Encode(const core::MultipartUpload& u) { return EncodeUpload(u); }
  static core::MultipartUpload Decode(std::string_view doc) { return DecodeUpload(doc); }
};

}  // namespace drover::store
