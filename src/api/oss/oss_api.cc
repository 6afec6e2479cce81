#include "api/oss/oss_api.h"

#include <algorithm>
#include <charconv>
#include <system_error>

#include "api/oss/errors.h"
#include "api/oss/wire.h"
#include "api/oss/xml.h"
#include "auth/canonical.h"
#include "auth/crypto.h"
#include "auth/oss_v1.h"
#include "auth/oss_v4.h"
#include "core/time.h"
#include "core/url.h"
#include "core/utf8.h"

namespace drover::api::oss {

namespace {

using core::ObjectMeta;
using service::ObjectService;
using service::ObjectWrite;
using service::Principal;

// ==== Handlers ==============================================================

class Handlers {
 public:
  Handlers(ObjectService& objects, OssOptions options)
      : objects_(objects), options_(std::move(options)) {}

  // ---- Service and buckets

  Response ListBuckets(Request& r, const Principal& who) {
    int max = static_cast<int>(IntParam(r, "max-keys", 1, 1000, 100));
    ObjectService::BucketPage page =
        objects_.ListBuckets(who, QueryOr(r, "prefix"), QueryOr(r, "marker"), max);
    XmlOut xml("ListAllMyBucketsResult");
    pugi::xml_node root = xml.root();
    AddText(root, "Prefix", QueryOr(r, "prefix"));
    AddText(root, "Marker", QueryOr(r, "marker"));
    AddText(root, "MaxKeys", std::to_string(max));
    AddText(root, "IsTruncated", page.truncated ? "true" : "false");
    if (page.truncated) AddText(root, "NextMarker", page.next_marker);
    AddOwner(root, who.tenant_id);
    pugi::xml_node buckets = root.append_child("Buckets");
    for (const core::Bucket& b : page.buckets) AddBucket(buckets.append_child("Bucket"), b);
    return ReplyXml(xml, r);
  }

  Response PutBucket(Request& r, const Principal& who) {
    std::optional<core::StorageClass> storage_class;
    if (!r.body.empty()) {
      pugi::xml_document doc = ParseBody(r.body, "CreateBucketConfiguration");
      storage_class = ClassOf(doc.child("CreateBucketConfiguration").child_value("StorageClass"),
                              "StorageClass");
    }
    objects_.CreateBucket(who, BucketOf(r), storage_class.value_or(core::StorageClass::kStandard),
                          AclHeader(r, "x-oss-acl", core::Acl::kPrivate));
    Response response = Reply(200, r);
    response.headers.emplace_back("Location", "/" + BucketOf(r));
    return response;
  }

  Response GetBucketInfo(Request& r, const Principal& who) {
    core::Bucket b = objects_.GetBucket(who, BucketOf(r));
    XmlOut xml("BucketInfo");
    pugi::xml_node bucket = xml.root().append_child("Bucket");
    AddBucket(bucket, b);
    AddText(bucket, "AccessMonitor", "Disabled");
    AddText(bucket, "DataRedundancyType", "LRS");
    AddOwner(bucket, b.tenant_id);
    AddAcl(bucket, b.acl);
    return ReplyXml(xml, r);
  }

  Response GetBucketLocation(Request& r, const Principal& who) {
    objects_.GetBucket(who, BucketOf(r));
    XmlOut xml("LocationConstraint");
    xml.root().text().set(options_.region.c_str());
    return ReplyXml(xml, r);
  }

  Response GetBucketStat(Request& r, const Principal& who) {
    ObjectService::BucketUsage usage = objects_.Usage(who, BucketOf(r));
    XmlOut xml("BucketStat");
    AddText(xml.root(), "Storage", std::to_string(usage.bytes));
    AddText(xml.root(), "ObjectCount", std::to_string(usage.objects));
    return ReplyXml(xml, r);
  }

  Response GetBucketAcl(Request& r, const Principal& who) {
    core::Bucket b = objects_.GetBucket(who, BucketOf(r));
    XmlOut xml("AccessControlPolicy");
    AddOwner(xml.root(), b.tenant_id);
    AddAcl(xml.root(), b.acl);
    return ReplyXml(xml, r);
  }

  Response PutBucketAcl(Request& r, const Principal& who) {
    if (r.Header("x-oss-acl").empty()) core::ThrowMissing("x-oss-acl");
    core::Acl acl = AclHeader(r, "x-oss-acl", core::Acl::kPrivate);
    if (acl == core::Acl::kDefault) {
      core::ThrowInvalid("x-oss-acl",
                         "A bucket's ACL is private, public-read or "
                         "public-read-write.");
    }
    objects_.SetBucketAcl(who, BucketOf(r), acl);
    return Reply(200, r);
  }

  Response DeleteBucket(Request& r, const Principal& who) {
    objects_.DeleteBucket(who, BucketOf(r));
    return Reply(204, r);
  }

  Response ListObjects(Request& r, const Principal& who) {
    bool v2 = QueryOr(r, "list-type") == "2";
    ObjectService::ListQuery q;
    q.prefix = QueryOr(r, "prefix");
    q.delimiter = QueryOr(r, "delimiter");
    q.max_keys = static_cast<int>(IntParam(r, "max-keys", 0, 1000, 100));
    std::string encoding = QueryOr(r, "encoding-type");
    if (!encoding.empty() && encoding != "url") {
      core::ThrowInvalid("encoding-type", "The encoding-type must be url.");
    }
    if (q.delimiter.size() > 1024 || q.prefix.size() > 1024) {
      core::ThrowInvalid("prefix", "The prefix and delimiter are at most 1024 bytes each.");
    }
    std::string token = QueryOr(r, "continuation-token");
    if (v2) {
      q.after = QueryOr(r, "start-after");
      if (!token.empty()) {
        std::optional<std::string> key = FromToken(token);
        if (!key) core::ThrowInvalid("continuation-token", "The continuation-token is invalid.");
        q.after = std::max(q.after, *key);
      }
    } else {
      q.after = QueryOr(r, "marker");
    }
    ObjectService::ListPage page = objects_.List(who, BucketOf(r), q);
    auto shown = [&](const std::string& text) {
      return encoding == "url" ? core::PercentEncodeKey(text) : text;
    };
    XmlOut xml("ListBucketResult");
    pugi::xml_node root = xml.root();
    AddText(root, "Name", BucketOf(r));
    AddText(root, "Prefix", shown(q.prefix));
    if (v2) {
      if (r.Query("start-after")) AddText(root, "StartAfter", shown(QueryOr(r, "start-after")));
      if (!token.empty()) AddText(root, "ContinuationToken", token);
    } else {
      AddText(root, "Marker", shown(q.after));
    }
    AddText(root, "MaxKeys", std::to_string(q.max_keys));
    AddText(root, "Delimiter", shown(q.delimiter));
    if (!encoding.empty()) AddText(root, "EncodingType", encoding);
    AddText(root, "IsTruncated", page.truncated ? "true" : "false");
    if (page.truncated) {
      if (v2) {
        AddText(root, "NextContinuationToken", ToToken(page.next));
      } else {
        AddText(root, "NextMarker", shown(page.next));
      }
    }
    if (v2) AddText(root, "KeyCount", std::to_string(page.objects.size() + page.prefixes.size()));
    bool owner = !v2 || QueryOr(r, "fetch-owner") == "true";
    core::TimeMs now = core::SystemClock().Now();
    for (const ObjectMeta& o : page.objects) {
      pugi::xml_node c = root.append_child("Contents");
      AddText(c, "Key", shown(o.key));
      AddText(c, "LastModified", IsoMs(o.modified));
      AddText(c, "ETag", Quoted(o.etag));
      AddText(c, "Type", core::kObjectTypeNames[static_cast<size_t>(o.type)]);
      AddText(c, "Size", std::to_string(o.size));
      AddText(c, "StorageClass", core::StorageClassName(o.storage_class));
      if (owner) AddOwner(c, who.tenant_id);
      std::string restore = RestoreHeader(o, now);
      if (!restore.empty()) AddText(c, "RestoreInfo", restore);
    }
    for (const std::string& p : page.prefixes) {
      AddText(root.append_child("CommonPrefixes"), "Prefix", shown(p));
    }
    return ReplyXml(xml, r);
  }

  Response DeleteMultiple(Request& r, const Principal& who) {
    pugi::xml_document doc = ParseBody(r.body, "Delete");
    pugi::xml_node del = doc.child("Delete");
    bool quiet = std::string_view(del.child_value("Quiet")) == "true";
    std::vector<std::string> keys;
    for (pugi::xml_node o : del.children("Object")) keys.emplace_back(o.child_value("Key"));
    if (keys.empty() || keys.size() > 1000) {
      throw core::Error(
          core::ErrorCode::kInvalidArgument,
          "A Delete request names 1 to 1000 objects; it names " + std::to_string(keys.size()) + ".",
          "Delete", kMalformedXml);
    }
    for (const std::string& key : keys) core::CheckObjectKey(key);
    std::string encoding = QueryOr(r, "encoding-type");
    XmlOut xml("DeleteResult");
    for (const std::string& key : keys) {
      objects_.Delete(who, BucketOf(r), key);
      if (!quiet) {
        AddText(xml.root().append_child("Deleted"), "Key",
                encoding == "url" ? core::PercentEncodeKey(key) : key);
      }
    }
    if (!encoding.empty()) AddText(xml.root(), "EncodingType", encoding);
    return ReplyXml(xml, r);
  }

  // ---- Objects

  Response PutObject(Request& r, const Principal& who) {
    if (r.headers.contains("x-oss-copy-source")) return CopyObject(r, who);
    ObjectMeta o = objects_.Put(who, BucketOf(r), KeyOf(r), WriteOf(r, true));
    Response response = Reply(200, r);
    response.headers.emplace_back("ETag", Quoted(o.etag));
    response.headers.emplace_back("Content-MD5", ContentMd5Of(o.etag));
    return response;
  }

  Response CopyObject(Request& r, const Principal& who) {
    std::string source = core::PercentDecode(r.Header("x-oss-copy-source"), false);
    if (source.starts_with('/')) source.erase(0, 1);
    size_t slash = source.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == source.size()) {
      core::ThrowInvalid("x-oss-copy-source",
                         "x-oss-copy-source must be /<bucket>/<object>, URL-encoded.");
    }
    std::string source_bucket = source.substr(0, slash), source_key = source.substr(slash + 1);
    ObjectService::CopyOptions options;
    std::string_view meta_directive = r.Header("x-oss-metadata-directive");
    std::string_view tag_directive = r.Header("x-oss-tagging-directive");
    if (!meta_directive.empty() && meta_directive != "COPY" && meta_directive != "REPLACE") {
      core::ThrowInvalid("x-oss-metadata-directive",
                         "x-oss-metadata-directive is COPY or REPLACE.");
    }
    if (!tag_directive.empty() && tag_directive != "Copy" && tag_directive != "Replace") {
      core::ThrowInvalid("x-oss-tagging-directive", "x-oss-tagging-directive is Copy or Replace.");
    }
    ObjectWrite meta = WriteOf(r, false);
    options.acl = meta.acl;
    options.storage_class = meta.storage_class;
    if (tag_directive == "Replace") {
      options.replace_tags = meta.tags.value_or(std::vector<core::ObjectTag>{});
    }
    if (meta_directive == "REPLACE") options.replace_meta = std::move(meta);
    ObjectMeta o =
        objects_.Copy(who, source_bucket, source_key, BucketOf(r), KeyOf(r), std::move(options));
    XmlOut xml("CopyObjectResult");
    AddText(xml.root(), "ETag", Quoted(o.etag));
    AddText(xml.root(), "LastModified", IsoMs(o.modified));
    return ReplyXml(xml, r);
  }

  Response AppendObject(Request& r, const Principal& who) {
    uint64_t position =
        static_cast<uint64_t>(IntParam(r, "position", 0, std::numeric_limits<int64_t>::max(), -1));
    if (!r.Query("position")) core::ThrowMissing("position");
    ObjectMeta o = objects_.Append(who, BucketOf(r), KeyOf(r), position, WriteOf(r, true));
    Response response = Reply(200, r);
    response.headers.emplace_back("ETag", Quoted(o.etag));
    response.headers.emplace_back("x-oss-next-append-position", std::to_string(o.size));
    return response;
  }

  Response GetObject(Request& r, const Principal& who) {
    for (int attempt = 0;; ++attempt) {
      ObjectMeta o = objects_.Read(who, BucketOf(r), KeyOf(r));
      if (std::optional<Response> early = Precondition(r, o)) return *early;
      std::shared_ptr<OpenFile> file;
      std::string bytes;
      if (o.data.empty()) {
        bytes = ObjectService::InlineBytes(o);
      } else {
        try {
          file = std::make_shared<OpenFile>(objects_.DataPath(o));
        } catch (const std::system_error&) {
          if (attempt < 3) continue;  // replaced meanwhile: read the new one
          throw;
        }
      }
      Response response = Reply(200, r);
      AddObjectHeaders(response, o);
      bool unsatisfiable = false;
      std::optional<std::pair<uint64_t, uint64_t>> range =
          RangeOf(r.Header("range"), o.size, &unsatisfiable);
      if (unsatisfiable && r.Header("x-oss-range-behavior") == "standard") {
        Response refused =
            ErrorResponse(416, "InvalidRange", "The requested range cannot be satisfied.", r);
        refused.headers.emplace_back("Content-Range", "bytes */" + std::to_string(o.size));
        return refused;
      }
      FileSlice slice{file, 0, o.size};
      if (range) {
        response.status = 206;
        slice.offset = range->first;
        slice.length = range->second - range->first + 1;
        response.headers.emplace_back("Content-Range", "bytes " + std::to_string(range->first) +
                                                           "-" + std::to_string(range->second) +
                                                           "/" + std::to_string(o.size));
      }
      ApplyResponseOverrides(r, response);
      if (file) {
        response.file = std::move(slice);
      } else {
        response.body = bytes.substr(slice.offset, slice.length);
      }
      return response;
    }
  }

  Response HeadObject(Request& r, const Principal& who) {
    ObjectMeta o = objects_.Head(who, BucketOf(r), KeyOf(r));
    if (std::optional<Response> early = Precondition(r, o)) {
      early->head_length = 0;
      early->body.clear();
      return *early;
    }
    Response response = Reply(200, r);
    AddObjectHeaders(response, o);
    response.head_length = o.size;
    return response;
  }

  Response GetObjectMeta(Request& r, const Principal& who) {
    ObjectMeta o = objects_.Head(who, BucketOf(r), KeyOf(r));
    Response response = Reply(200, r);
    response.headers.emplace_back("ETag", Quoted(o.etag));
    response.headers.emplace_back("Last-Modified", core::FormatHttpDate(o.modified));
    response.headers.emplace_back("x-oss-object-type",
                                  std::string(core::kObjectTypeNames[static_cast<size_t>(o.type)]));
    response.head_length = o.size;  // Content-Length is the object's, as OSS sends it
    if (r.method != "HEAD") response.head_length.reset();
    return response;
  }

  Response DeleteObject(Request& r, const Principal& who) {
    objects_.Delete(who, BucketOf(r), KeyOf(r));
    return Reply(204, r);
  }

  Response PutTagging(Request& r, const Principal& who) {
    pugi::xml_document doc = ParseBody(r.body, "Tagging");
    std::vector<core::ObjectTag> tags;
    for (pugi::xml_node tag : doc.child("Tagging").child("TagSet").children("Tag")) {
      tags.push_back({tag.child_value("Key"), tag.child_value("Value")});
    }
    objects_.SetTags(who, BucketOf(r), KeyOf(r), std::move(tags));
    return Reply(200, r);
  }

  Response GetTagging(Request& r, const Principal& who) {
    ObjectMeta o = objects_.Head(who, BucketOf(r), KeyOf(r));
    XmlOut xml("Tagging");
    pugi::xml_node set = xml.root().append_child("TagSet");
    for (const core::ObjectTag& t : o.tags) {
      pugi::xml_node tag = set.append_child("Tag");
      AddText(tag, "Key", t.key);
      AddText(tag, "Value", t.value);
    }
    return ReplyXml(xml, r);
  }

  Response DeleteTagging(Request& r, const Principal& who) {
    objects_.SetTags(who, BucketOf(r), KeyOf(r), {});
    return Reply(204, r);
  }

  Response PutObjectAcl(Request& r, const Principal& who) {
    if (r.Header("x-oss-object-acl").empty()) core::ThrowMissing("x-oss-object-acl");
    objects_.SetAcl(who, BucketOf(r), KeyOf(r),
                    AclHeader(r, "x-oss-object-acl", core::Acl::kDefault));
    return Reply(200, r);
  }

  Response GetObjectAcl(Request& r, const Principal& who) {
    ObjectMeta o = objects_.Head(who, BucketOf(r), KeyOf(r));
    XmlOut xml("AccessControlPolicy");
    AddOwner(xml.root(), who.tenant_id);
    AddAcl(xml.root(), o.acl);
    return ReplyXml(xml, r);
  }

  Response Restore(Request& r, const Principal& who) {
    int days = 1;
    if (!r.body.empty()) {
      pugi::xml_document doc = ParseBody(r.body, "RestoreRequest");
      std::string text = doc.child("RestoreRequest").child_value("Days");
      if (!text.empty()) {
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), days);
        if (ec != std::errc() || end != text.data() + text.size() || days < 1 || days > 365) {
          core::ThrowInvalid("Days", "Days must be an integer from 1 to 365.");
        }
      }
    }
    bool started = objects_.Restore(who, BucketOf(r), KeyOf(r), days);
    return Reply(started ? 202 : 200, r);
  }

  // ---- Multipart

  Response Initiate(Request& r, const Principal& who) {
    core::MultipartUpload u = objects_.Initiate(who, BucketOf(r), KeyOf(r), WriteOf(r, false));
    XmlOut xml("InitiateMultipartUploadResult");
    AddText(xml.root(), "Bucket", BucketOf(r));
    AddText(xml.root(), "Key", KeyOf(r));
    AddText(xml.root(), "UploadId", u.upload_id);
    return ReplyXml(xml, r);
  }

  Response UploadPart(Request& r, const Principal& who) {
    int number = static_cast<int>(IntParam(r, "partNumber", 1, core::kMaxParts, 0));
    ObjectWrite write = WriteOf(r, true);
    core::UploadPart part = objects_.PutPart(who, BucketOf(r), KeyOf(r), QueryOr(r, "uploadId"),
                                             number, std::move(write));
    Response response = Reply(200, r);
    response.headers.emplace_back("ETag", Quoted(part.etag));
    return response;
  }

  Response Complete(Request& r, const Principal& who) {
    pugi::xml_document doc = ParseBody(r.body, "CompleteMultipartUpload");
    std::vector<std::pair<int, std::string>> parts;
    for (pugi::xml_node p : doc.child("CompleteMultipartUpload").children("Part")) {
      std::string text = p.child_value("PartNumber");
      int number = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
      if (ec != std::errc() || end != text.data() + text.size()) {
        throw core::Error(core::ErrorCode::kInvalidArgument, "A PartNumber is not an integer.",
                          "PartNumber", kMalformedXml);
      }
      parts.emplace_back(number, p.child_value("ETag"));
    }
    ObjectMeta o = objects_.Complete(who, BucketOf(r), KeyOf(r), QueryOr(r, "uploadId"), parts);
    XmlOut xml("CompleteMultipartUploadResult");
    AddText(xml.root(), "Location", "/" + BucketOf(r) + "/" + KeyOf(r));
    AddText(xml.root(), "Bucket", BucketOf(r));
    AddText(xml.root(), "Key", KeyOf(r));
    AddText(xml.root(), "ETag", Quoted(o.etag));
    Response response = ReplyXml(xml, r);
    response.headers.emplace_back("ETag", Quoted(o.etag));
    return response;
  }

  Response Abort(Request& r, const Principal& who) {
    objects_.Abort(who, BucketOf(r), KeyOf(r), QueryOr(r, "uploadId"));
    return Reply(204, r);
  }

  Response ListParts(Request& r, const Principal& who) {
    int max = static_cast<int>(IntParam(r, "max-parts", 1, 1000, 1000));
    int marker = static_cast<int>(IntParam(r, "part-number-marker", 0, core::kMaxParts, 0));
    core::MultipartUpload u =
        objects_.GetUpload(who, BucketOf(r), KeyOf(r), QueryOr(r, "uploadId"));
    XmlOut xml("ListPartsResult");
    pugi::xml_node root = xml.root();
    AddText(root, "Bucket", BucketOf(r));
    AddText(root, "Key", KeyOf(r));
    AddText(root, "UploadId", u.upload_id);
    AddText(root, "PartNumberMarker", std::to_string(marker));
    int shown = 0, last = marker;
    bool truncated = false;
    std::vector<const core::UploadPart*> parts;
    for (const core::UploadPart& p : u.parts) {
      if (p.number <= marker) continue;
      if (shown == max) {
        truncated = true;
        break;
      }
      parts.push_back(&p);
      last = p.number;
      ++shown;
    }
    AddText(root, "NextPartNumberMarker", std::to_string(last));
    AddText(root, "MaxParts", std::to_string(max));
    AddText(root, "IsTruncated", truncated ? "true" : "false");
    for (const core::UploadPart* p : parts) {
      pugi::xml_node part = root.append_child("Part");
      AddText(part, "PartNumber", std::to_string(p->number));
      AddText(part, "LastModified", IsoMs(p->modified));
      AddText(part, "ETag", Quoted(p->etag));
      AddText(part, "Size", std::to_string(p->size));
    }
    return ReplyXml(xml, r);
  }

  Response ListUploads(Request& r, const Principal& who) {
    int max = static_cast<int>(IntParam(r, "max-uploads", 1, 1000, 1000));
    ObjectService::UploadPage page =
        objects_.ListUploads(who, BucketOf(r), QueryOr(r, "prefix"), QueryOr(r, "key-marker"),
                             QueryOr(r, "upload-id-marker"), max);
    XmlOut xml("ListMultipartUploadsResult");
    pugi::xml_node root = xml.root();
    AddText(root, "Bucket", BucketOf(r));
    AddText(root, "KeyMarker", QueryOr(r, "key-marker"));
    AddText(root, "UploadIdMarker", QueryOr(r, "upload-id-marker"));
    AddText(root, "NextKeyMarker", page.uploads.empty() ? "" : page.uploads.back().key);
    AddText(root, "NextUploadIdMarker", page.uploads.empty() ? "" : page.uploads.back().upload_id);
    AddText(root, "Delimiter", QueryOr(r, "delimiter"));
    AddText(root, "Prefix", QueryOr(r, "prefix"));
    AddText(root, "MaxUploads", std::to_string(max));
    AddText(root, "IsTruncated", page.truncated ? "true" : "false");
    for (const core::MultipartUpload& u : page.uploads) {
      pugi::xml_node upload = root.append_child("Upload");
      AddText(upload, "Key", u.key);
      AddText(upload, "UploadId", u.upload_id);
      AddText(upload, "Initiated", IsoMs(u.initiated));
    }
    return ReplyXml(xml, r);
  }

 private:
  void AddBucket(pugi::xml_node node, const core::Bucket& b) {
    std::string region =
        options_.region.starts_with("oss-") ? options_.region.substr(4) : options_.region;
    AddText(node, "CreationDate", core::FormatIso8601(b.created, true));
    AddText(node, "ExtranetEndpoint", options_.region + ".aliyuncs.com");
    AddText(node, "IntranetEndpoint", options_.region + "-internal.aliyuncs.com");
    AddText(node, "Location", options_.region);
    AddText(node, "Name", b.name);
    AddText(node, "Region", region);
    AddText(node, "StorageClass", core::StorageClassName(b.storage_class));
  }

  static std::string ContentMd5Of(const std::string& etag) {
    std::string raw;
    for (size_t i = 0; i + 1 < etag.size() && etag[i] != '-'; i += 2)
      raw += static_cast<char>(std::stoi(etag.substr(i, 2), nullptr, 16));
    return raw.size() == 16 ? auth::Base64Encode(raw) : "";
  }

  static std::string ToToken(const std::string& key) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string token;
    for (unsigned char c : key) {
      token += kDigits[c >> 4];
      token += kDigits[c & 15];
    }
    return token;
  }

  static std::optional<std::string> FromToken(const std::string& token) {
    if (token.size() % 2 != 0 || token.size() > 2048) return std::nullopt;
    std::string key;
    for (size_t i = 0; i < token.size(); i += 2) {
      int value = 0;
      auto [end, ec] = std::from_chars(token.data() + i, token.data() + i + 2, value, 16);
      if (ec != std::errc() || end != token.data() + i + 2) return std::nullopt;
      key += static_cast<char>(value);
    }
    return key;
  }

  static void ApplyResponseOverrides(const Request& r, Response& response) {
    static constexpr std::pair<const char*, const char*> kOverrides[] = {
        {"response-content-type", "Content-Type"},
        {"response-content-language", "Content-Language"},
        {"response-expires", "Expires"},
        {"response-cache-control", "Cache-Control"},
        {"response-content-disposition", "Content-Disposition"},
        {"response-content-encoding", "Content-Encoding"},
    };
    for (const auto& [param, header] : kOverrides) {
      const std::string* value = r.Query(param);
      if (!value) continue;
      if (std::string_view(header) == "Content-Type") {
        response.content_type = *value;
        continue;
      }
      std::string lower(header);
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      std::erase_if(response.headers, [&](const auto& h) {
        std::string name = h.first;
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return name == lower;
      });
      response.headers.emplace_back(header, *value);
    }
  }

  ObjectService& objects_;
  OssOptions options_;
};

// The bucket a Host names: "<bucket>.oss-<region>[-internal].aliyuncs.com"
// (the bucket may be empty: ali-oss's service calls), or
// "<bucket>.<domain>". Nullopt for a host that is not a bucket's.
std::optional<std::string> HostBucket(std::string_view host, const OssOptions& options) {
  if (host.starts_with('[')) return std::nullopt;  // an IPv6 literal
  host = host.substr(0, host.find(':'));
  if (host.ends_with(".aliyuncs.com")) {
    if (host.starts_with("oss-")) return std::string();
    size_t dot = host.find('.');
    if (host.substr(dot + 1).starts_with("oss-")) return std::string(host.substr(0, dot));
    return std::nullopt;
  }
  for (const std::string& domain : options.domains) {
    if (host.size() > domain.size() + 1 && host.ends_with(domain) &&
        host[host.size() - domain.size() - 1] == '.') {
      return std::string(host.substr(0, host.size() - domain.size() - 1));
    }
  }
  return std::nullopt;
}

}  // namespace

Dialect MakeDialect(ObjectService& objects, const OssOptions& options) {
  auto h = std::make_shared<Handlers>(objects, options);
  Dialect d;
  d.name = "oss";
  d.path_families = {"/"};
  d.claim_host = [options](Request& r) {
    std::optional<std::string> bucket = HostBucket(r.Header("host"), options);
    if (!bucket) return false;
    // Batch calls are service-level whatever the Host says: ali-oss's
    // request() without a bucket sends "undefined.oss-<region>…".
    for (const char* batch : {"batchJob", "batchJobPriority", "batchJobStatus"}) {
      if (r.query.contains(batch)) return true;
    }
    // ali-oss with an IP endpoint and sldEnable sends the bucket both in
    // the Host and in the path: the path is then already in path form.
    bool doubled = r.Header("host").find(".aliyuncs.com") != std::string_view::npos &&
                   (r.path == "/" + *bucket || r.path.starts_with("/" + *bucket + "/"));
    if (!bucket->empty() && !doubled) {
      r.path = "/" + *bucket + r.path;
      r.target = "/" + *bucket + r.target;
    }
    return true;
  };
  d.verifiers = {&auth::OssV1Verifier(), &auth::OssV4Verifier()};
  d.render_error = RenderError;
  d.not_found = NotFound;

  using A = auth::Access;
  using Mode = Route::BodyMode;
  auto add = [&](const char* method, const char* pattern, std::vector<std::string> subresources,
                 const char* action, A access,
                 Response (Handlers::*handler)(Request&, const Principal&),
                 Mode body = Mode::kMemory, bool anonymous = false) {
    Route route{method,
                pattern,
                std::move(subresources),
                std::string("oss:") + action,
                access,
                [h, handler](Request& r, const Principal& who) { return ((*h).*handler)(r, who); },
                body,
                anonymous};
    d.routes.push_back(std::move(route));
  };
  const char* kBucket = "/{Bucket}";
  const char* kObject = "/{Bucket}/{Key+}";
  add("GET", "/", {}, "ListBuckets", A::kRead, &Handlers::ListBuckets);
  add("PUT", kBucket, {}, "PutBucket", A::kWrite, &Handlers::PutBucket);
  add("GET", kBucket, {}, "ListObjects", A::kRead, &Handlers::ListObjects);
  add("DELETE", kBucket, {}, "DeleteBucket", A::kWrite, &Handlers::DeleteBucket);
  add("GET", kBucket, {"bucketInfo"}, "GetBucketInfo", A::kRead, &Handlers::GetBucketInfo);
  add("GET", kBucket, {"location"}, "GetBucketLocation", A::kRead, &Handlers::GetBucketLocation);
  add("GET", kBucket, {"stat"}, "GetBucketStat", A::kRead, &Handlers::GetBucketStat);
  add("GET", kBucket, {"acl"}, "GetBucketAcl", A::kRead, &Handlers::GetBucketAcl);
  add("PUT", kBucket, {"acl"}, "PutBucketAcl", A::kWrite, &Handlers::PutBucketAcl);
  add("POST", kBucket, {"delete"}, "DeleteObject", A::kWrite, &Handlers::DeleteMultiple);
  add("GET", kBucket, {"uploads"}, "ListMultipartUploads", A::kRead, &Handlers::ListUploads);
  add("PUT", kObject, {}, "PutObject", A::kWrite, &Handlers::PutObject, Mode::kFile);
  add("GET", kObject, {}, "GetObject", A::kRead, &Handlers::GetObject, Mode::kMemory, true);
  add("HEAD", kObject, {}, "GetObject", A::kRead, &Handlers::HeadObject, Mode::kMemory, true);
  add("GET", kObject, {"objectMeta"}, "GetObject", A::kRead, &Handlers::GetObjectMeta);
  add("HEAD", kObject, {"objectMeta"}, "GetObject", A::kRead, &Handlers::GetObjectMeta);
  add("DELETE", kObject, {}, "DeleteObject", A::kWrite, &Handlers::DeleteObject);
  add("POST", kObject, {"append"}, "PutObject", A::kWrite, &Handlers::AppendObject, Mode::kFile);
  add("PUT", kObject, {"tagging"}, "PutObjectTagging", A::kWrite, &Handlers::PutTagging);
  add("GET", kObject, {"tagging"}, "GetObjectTagging", A::kRead, &Handlers::GetTagging);
  add("DELETE", kObject, {"tagging"}, "DeleteObjectTagging", A::kWrite, &Handlers::DeleteTagging);
  add("PUT", kObject, {"acl"}, "PutObjectAcl", A::kWrite, &Handlers::PutObjectAcl);
  add("GET", kObject, {"acl"}, "GetObjectAcl", A::kRead, &Handlers::GetObjectAcl);
  add("POST", kObject, {"restore"}, "RestoreObject", A::kWrite, &Handlers::Restore);
  add("POST", kObject, {"uploads"}, "InitiateMultipartUpload", A::kWrite, &Handlers::Initiate);
  add("PUT", kObject, {"partNumber", "uploadId"}, "PutObject", A::kWrite, &Handlers::UploadPart,
      Mode::kFile);
  add("POST", kObject, {"uploadId"}, "CompleteMultipartUpload", A::kWrite, &Handlers::Complete);
  add("DELETE", kObject, {"uploadId"}, "AbortMultipartUpload", A::kWrite, &Handlers::Abort);
  add("GET", kObject, {"uploadId"}, "ListParts", A::kRead, &Handlers::ListParts);
  return d;
}

}  // namespace drover::api::oss
