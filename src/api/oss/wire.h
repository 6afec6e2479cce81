// What the OSS handlers share: reading a request's parameters and an
// object's headers (metadata, tags, ACL, class), and writing OSS answers —
// the common headers, owners and ACLs, an object's headers, conditional
// requests and ranges.
#pragma once

#include <cstdint>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <utility>

#include "api/http/dialect.h"
#include "api/oss/xml.h"
#include "core/object.h"
#include "core/time.h"
#include "service/object_service.h"

namespace drover::api::oss {

// ---- Reading requests

const std::string& BucketOf(const Request& r);
const std::string& KeyOf(const Request& r);
// The query parameter, or "" when absent.
std::string QueryOr(const Request& r, const std::string& name);
// An integer query parameter within [low, high], or `fallback` when absent.
int64_t IntParam(const Request& r, const std::string& name, int64_t low, int64_t high,
                 int64_t fallback);
// An ACL header's value, or `fallback` when absent.
core::Acl AclHeader(const Request& r, const std::string& header, core::Acl fallback);
// A storage class's name (nullopt for ""), refused naming `where` when unknown.
std::optional<core::StorageClass> ClassOf(std::string_view text, const std::string& where);
// What a request says of the object it writes (headers, meta, tags, ACL,
// class); with `take_body`, its bytes too.
service::ObjectWrite WriteOf(Request& r, bool take_body);

// ---- Writing answers

// An XML answer with OSS's common headers.
Response Reply(int status, const Request& r, std::string body = {});
Response ReplyXml(const XmlOut& xml, const Request& r);
std::string Quoted(const std::string& etag);
std::string IsoMs(core::TimeMs t);
void AddOwner(pugi::xml_node parent, const std::string& tenant);
void AddAcl(pugi::xml_node parent, core::Acl acl);
// x-oss-restore for an archived object ("" when it is frozen).
std::string RestoreHeader(const core::ObjectMeta& o, core::TimeMs now);
// The headers GET and HEAD send for an object.
void AddObjectHeaders(Response& response, const core::ObjectMeta& o);
// Conditional headers: 304 or 412 when they say so, else nullopt.
std::optional<Response> Precondition(const Request& r, const core::ObjectMeta& o);
// "bytes=a-b", "bytes=a-" or "bytes=-n" within `size`: [first, last].
// nullopt for a header that is not one range (the whole object is sent);
// `unsatisfiable` says whether it was a range past the end.
std::optional<std::pair<uint64_t, uint64_t>> RangeOf(std::string_view text, uint64_t size,
                                                     bool* unsatisfiable);

}  // namespace drover::api::oss
