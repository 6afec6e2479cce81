#include "api/oss/wire.h"

#include <algorithm>
#include <charconv>

#include "api/oss/errors.h"
#include "auth/canonical.h"
#include "core/error.h"
#include "core/utf8.h"

namespace drover::api::oss {

using core::ObjectMeta;
using service::ObjectWrite;

namespace {

constexpr char kXml[] = "application/xml";

constexpr std::string_view kStoredHeaders[] = {"content-type",        "content-encoding",
                                               "content-disposition", "cache-control",
                                               "content-language",    "expires"};

}  // namespace

// ==== Reading requests ======================================================

const std::string& BucketOf(const Request& r) { return r.path_params.at("Bucket"); }
const std::string& KeyOf(const Request& r) { return r.path_params.at("Key"); }

std::string QueryOr(const Request& r, const std::string& name) {
  const std::string* v = r.Query(name);
  return v ? *v : std::string();
}

// An integer query parameter within [low, high], or `fallback` when absent.
int64_t IntParam(const Request& r, const std::string& name, int64_t low, int64_t high,
                 int64_t fallback) {
  const std::string* text = r.Query(name);
  if (!text) return fallback;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < low || value > high) {
    core::ThrowInvalid(name, "The value of " + name + " must be an integer from " +
                                 std::to_string(low) + " to " + std::to_string(high) + ".");
  }
  return value;
}

core::Acl AclHeader(const Request& r, const std::string& header, core::Acl fallback) {
  std::string_view text = r.Header(header);
  if (text.empty()) return fallback;
  std::optional<core::Acl> acl = core::ParseAcl(text);
  if (!acl) {
    core::ThrowInvalid(header, "The ACL " + core::ToValidUtf8(text) +
                                   " is not one of private, public-read, public-read-write"
                                   " and default.");
  }
  return *acl;
}

std::optional<core::StorageClass> ClassOf(std::string_view text, const std::string& where) {
  if (text.empty()) return std::nullopt;
  std::optional<core::StorageClass> c = core::ParseStorageClass(text);
  if (!c) {
    core::ThrowInvalid(where, "The storage class " + core::ToValidUtf8(text) +
                                  " is not one of Standard, IA, Archive, ColdArchive and "
                                  "DeepColdArchive.");
  }
  return c;
}

// What a request says of the object it writes (headers, meta, tags, ACL,
// class); with `take_body`, its bytes too.
ObjectWrite WriteOf(Request& r, bool take_body) {
  ObjectWrite w;
  if (take_body) {
    w.body = std::move(r.body);
    w.body_file = r.body_file;
    w.size = r.body_size;
    w.content_md5 = std::string(r.Header("content-md5"));
  }
  for (std::string_view name : kStoredHeaders) {
    std::string_view value = r.Header(std::string(name));
    if (!value.empty()) w.headers[std::string(name)] = std::string(value);
  }
  for (const auto& [name, value] : r.headers) {
    if (name.starts_with("x-oss-meta-")) w.meta[name.substr(11)] = value;
  }
  if (r.headers.contains("x-oss-tagging")) w.tags = core::ParseTagging(r.Header("x-oss-tagging"));
  w.acl = AclHeader(r, "x-oss-object-acl", core::Acl::kDefault);
  w.storage_class = ClassOf(r.Header("x-oss-storage-class"), "x-oss-storage-class");
  return w;
}

// ==== Writing answers =======================================================

Response Reply(int status, const Request& r, std::string body) {
  Response response(status, kXml, std::move(body));
  AddCommonHeaders(response, r);
  return response;
}

Response ReplyXml(const XmlOut& xml, const Request& r) { return Reply(200, r, xml.Text()); }

std::string Quoted(const std::string& etag) { return "\"" + etag + "\""; }

std::string IsoMs(core::TimeMs t) { return core::FormatIso8601(t, true); }

void AddOwner(pugi::xml_node parent, const std::string& tenant) {
  pugi::xml_node owner = parent.append_child("Owner");
  AddText(owner, "ID", tenant);
  AddText(owner, "DisplayName", tenant);
}

void AddAcl(pugi::xml_node parent, core::Acl acl) {
  AddText(parent.append_child("AccessControlList"), "Grant", core::AclName(acl));
}

std::string RestoreHeader(const ObjectMeta& o, core::TimeMs now) {
  switch (core::RestoreStateAt(o, now)) {
    case core::RestoreState::kRestoring:
      return "ongoing-request=\"true\"";
    case core::RestoreState::kRestored:
      return "ongoing-request=\"false\", expiry-date=\"" + core::FormatHttpDate(o.restore_expires) +
             "\"";
    case core::RestoreState::kFrozen:
      return "";
  }
  return "";
}

// The headers GET and HEAD send for an object.
void AddObjectHeaders(Response& response, const ObjectMeta& o) {
  auto add = [&](std::string name, std::string value) {
    response.headers.emplace_back(std::move(name), std::move(value));
  };
  auto type = o.headers.find("content-type");
  response.content_type = type == o.headers.end() ? "application/octet-stream" : type->second;
  for (const auto& [name, value] : o.headers) {
    if (name != "content-type") add(name, value);
  }
  for (const auto& [name, value] : o.meta) add("x-oss-meta-" + name, value);
  add("ETag", Quoted(o.etag));
  add("Last-Modified", core::FormatHttpDate(o.modified));
  add("Accept-Ranges", "bytes");
  add("x-oss-object-type", std::string(core::kObjectTypeNames[static_cast<size_t>(o.type)]));
  add("x-oss-storage-class", std::string(core::StorageClassName(o.storage_class)));
  if (!o.tags.empty()) add("x-oss-tagging-count", std::to_string(o.tags.size()));
  if (o.type == core::ObjectType::kAppendable) {
    add("x-oss-next-append-position", std::to_string(o.size));
  }
  std::string restore = RestoreHeader(o, core::SystemClock().Now());
  if (!restore.empty()) add("x-oss-restore", restore);
}

// Conditional headers: 304 or 412 when they say so, else nullopt.
std::optional<Response> Precondition(const Request& r, const ObjectMeta& o) {
  std::string etag = Quoted(o.etag);
  auto matches = [&](std::string_view list) {
    return list == "*" || list.find(etag) != std::string_view::npos ||
           list.find(o.etag) != std::string_view::npos;
  };
  core::TimeMs modified = o.modified / 1000 * 1000;  // HTTP dates have seconds
  std::string_view if_match = r.Header("if-match");
  std::string_view if_none = r.Header("if-none-match");
  if (!if_match.empty() && !matches(if_match)) {
    return ErrorResponse(412, "PreconditionFailed",
                         "At least one of the pre-conditions you "
                         "specified did not hold.",
                         r);
  }
  std::optional<core::TimeMs> unmodified = auth::ParseHttpDate(r.Header("if-unmodified-since"));
  if (if_match.empty() && unmodified && modified > *unmodified) {
    return ErrorResponse(412, "PreconditionFailed",
                         "At least one of the pre-conditions you "
                         "specified did not hold.",
                         r);
  }
  std::optional<core::TimeMs> since = auth::ParseHttpDate(r.Header("if-modified-since"));
  if ((!if_none.empty() && matches(if_none)) || (if_none.empty() && since && modified <= *since)) {
    Response not_modified = Reply(304, r);
    not_modified.headers.emplace_back("ETag", etag);
    not_modified.headers.emplace_back("Last-Modified", core::FormatHttpDate(o.modified));
    return not_modified;
  }
  return std::nullopt;
}

// "bytes=a-b", "bytes=a-" or "bytes=-n" within `size`: [first, last].
// nullopt for a header that is not one range (the whole object is sent).
std::optional<std::pair<uint64_t, uint64_t>> RangeOf(std::string_view text, uint64_t size,
                                                     bool* unsatisfiable) {
  *unsatisfiable = false;
  if (!text.starts_with("bytes=") || text.find(',') != std::string_view::npos) return std::nullopt;
  text.remove_prefix(6);
  size_t dash = text.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto number = [](std::string_view s) -> std::optional<uint64_t> {
    uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
  };
  std::string_view a = text.substr(0, dash), b = text.substr(dash + 1);
  if (a.empty()) {
    std::optional<uint64_t> n = number(b);
    if (!n || *n == 0) return std::nullopt;
    if (size == 0) {
      *unsatisfiable = true;
      return std::nullopt;
    }
    return std::pair{size - std::min(*n, size), size - 1};
  }
  std::optional<uint64_t> first = number(a);
  std::optional<uint64_t> last = b.empty() ? std::optional<uint64_t>(size - 1) : number(b);
  if (!first || !last || *last < *first) return std::nullopt;
  if (*first >= size) {
    *unsatisfiable = true;
    return std::nullopt;
  }
  return std::pair{*first, std::min(*last, size - 1)};
}

}  // namespace drover::api::oss
