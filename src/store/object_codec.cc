#include "store/object_codec.h"

#include "store/document.h"
#include "store/object_tag_fields.h"

namespace drover::store {

using core::Bucket;
using core::MultipartUpload;
using core::ObjectMeta;
using core::UploadPart;

template <>
struct Fields<UploadPart> {
  template <class R, class F>
  static void Visit(R& r, F&& f) {
    f("n", r.number);
    f("size", r.size);
    f("etag", r.etag);
    f("data", r.data);
    f("at", r.modified);
  }
};

template <>
struct Fields<Bucket> {
  template <class R, class F>
  static void Visit(R& r, F&& f) {
    f("id", r.id);
    f("name", r.name);
    f("tenant", r.tenant_id);
    f("user_id", r.user_id);
    f("created", r.created);
    f("class", r.storage_class);
    f("acl", r.acl);
  }
};

template <>
struct Fields<ObjectMeta> {
  template <class R, class F>
  static void Visit(R& r, F&& f) {
    f("id", r.id);
    f("bucket", r.bucket);
    f("key", r.key);
    f("size", r.size);
    f("etag", r.etag);
    f("modified", r.modified);
    f("type", r.type);
    f("class", r.storage_class);
    f("acl", r.acl);
    f("headers", r.headers);
    f("meta", r.meta);
    f("tags", r.tags);
    f("data", r.data);
    f("ready", r.restore_ready);
    f("expires", r.restore_expires);
  }
};

template <>
struct Fields<MultipartUpload> {
  template <class R, class F>
  static void Visit(R& r, F&& f) {
    f("id", r.id);
    f("upload", r.upload_id);
    f("bucket", r.bucket);
    f("key", r.key);
    f("initiated", r.initiated);
    f("class", r.storage_class);
    f("acl", r.acl);
    f("headers", r.headers);
    f("meta", r.meta);
    f("tags", r.tags);
    f("parts", r.parts);
  }
};

template <>
struct Fields<core::ObjectData> {
  template <class R, class F>
  static void Visit(R& r, F&& f) {
    f("id", r.id);
    f("bytes", r.bytes);
  }
};

std::string EncodeObjectData(const core::ObjectData& data) {
  return EncodeDocument(data, 32 + data.bytes.size());
}
core::ObjectData DecodeObjectData(std::string_view document) {
  return DecodeDocument<core::ObjectData>(document, "object data");
}

std::string EncodeBucket(const Bucket& bucket) { return EncodeDocument(bucket, 128); }
Bucket DecodeBucket(std::string_view document) {
  return DecodeDocument<Bucket>(document, "bucket");
}
std::string EncodeObject(const ObjectMeta& object) { return EncodeDocument(object, 256); }
ObjectMeta DecodeObject(std::string_view document) {
  return DecodeDocument<ObjectMeta>(document, "object");
}
std::string EncodeUpload(const MultipartUpload& upload) { return EncodeDocument(upload, 256); }
MultipartUpload DecodeUpload(std::string_view document) {
  return DecodeDocument<MultipartUpload>(document, "multipart upload");
}

std::string ObjectPublicId(uint64_t bucket, std::string_view key) {
  std::string id = std::to_string(bucket);
  id += '/';
  id += key;
  return id;
}

}  // namespace drover::store
