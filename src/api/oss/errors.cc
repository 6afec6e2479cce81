#include "api/oss/errors.h"

#include "api/oss/xml.h"
#include "auth/crypto.h"
#include "auth/oss_v1.h"
#include "auth/oss_v4.h"
#include "auth/verifier.h"
#include "core/time.h"
#include "core/utf8.h"
#include "service/object_service.h"

namespace drover::api::oss {

namespace {

struct Code {
  int status;
  const char* code;
  const char* ec;  // "" when OSS's documented EC is not known
};

// The OSS code of a core::Error: first by reason, then by code.
Code CodeOf(const core::Error& e) {
  if (std::optional<auth::Failure> failure = auth::FailureOf(e)) {
    switch (*failure) {
      case auth::Failure::kMissingCredential:
        return {403, "AccessDenied", ""};
      case auth::Failure::kIncompleteSignature:
        return {400, "InvalidArgument", ""};
      case auth::Failure::kUnknownKey:
        return {403, "InvalidAccessKeyId", "0002-00000902"};
      case auth::Failure::kSignatureMismatch:
        return {403, "SignatureDoesNotMatch", ""};
      case auth::Failure::kExpired:
        return {403, "RequestTimeTooSkewed", ""};
      case auth::Failure::kNonceUsed:
      case auth::Failure::kDenied:
      case auth::Failure::kProjectMismatch:
        return {403, "AccessDenied", ""};
    }
  }
  const std::string& r = e.reason();
  static const std::pair<std::string_view, Code> kReasons[] = {
      {service::kNoSuchBucket, {404, "NoSuchBucket", "0015-00000101"}},
      {service::kNoSuchKey, {404, "NoSuchKey", "0026-00000001"}},
      {service::kNoSuchUpload, {404, "NoSuchUpload", ""}},
      {service::kBucketNotEmpty, {409, "BucketNotEmpty", ""}},
      {service::kBadDigest, {400, "InvalidDigest", ""}},
      {service::kTooLarge, {400, "EntityTooLarge", ""}},
      {service::kFrozen, {403, "InvalidObjectState", ""}},
      {service::kRestoring, {409, "RestoreAlreadyInProgress", ""}},
      {service::kNotFrozen, {400, "OperationNotSupported", ""}},
      {service::kNotAppendable, {409, "ObjectNotAppendable", ""}},
      {service::kBadPosition, {409, "PositionNotEqualToLength", ""}},
      {service::kBadPart, {400, "InvalidPart", ""}},
      {service::kPartOrder, {400, "InvalidPartOrder", ""}},
      {service::kPartTooSmall, {400, "EntityTooSmall", ""}},
      {core::kInvalidBucketName, {400, "InvalidBucketName", ""}},
      {core::kInvalidObjectName, {400, "InvalidObjectName", ""}},
      {kMalformedXml, {400, "MalformedXML", ""}},
      {"NoSuchJob", {404, "NoSuchJob", ""}},
      {"JobStatusConflict", {400, "InvalidRequest", ""}},
      {"IdempotencyConflict", {409, "IdempotencyException", ""}},
  };
  for (const auto& [reason, code] : kReasons) {
    if (r == reason) return code;
  }
  switch (e.code()) {
    case core::ErrorCode::kInvalidArgument:
    case core::ErrorCode::kMissingArgument:
      return {400, "InvalidArgument", ""};
    case core::ErrorCode::kNotFound:
      return {404, "NoSuchKey", ""};
    case core::ErrorCode::kAlreadyExists:
      return {409, "BucketAlreadyExists", ""};
    case core::ErrorCode::kFailedPrecondition:
      return {409, "Conflict", ""};
    case core::ErrorCode::kPermissionDenied:
    case core::ErrorCode::kUnauthenticated:
      return {403, "AccessDenied", ""};
    case core::ErrorCode::kResourceExhausted:
      return {400, "EntityTooLarge", ""};
    case core::ErrorCode::kInternal:
      return {500, "InternalError", ""};
    case core::ErrorCode::kUnavailable:
      return {503, "ServiceUnavailable", ""};
  }
  return {500, "InternalError", ""};
}

auth::SignedRequest Signed(const Request& r) { return {r.method, r.target, r.headers, r.body}; }

// The string the server signed, for SignatureDoesNotMatch.
std::string StringToSign(const Request& r) {
  auth::SignedRequest s = Signed(r);
  std::string_view header = r.Header("authorization");
  const auth::Verifier& v4 = auth::OssV4Verifier();
  std::optional<auth::Credential> c = header.empty() ? v4.FromQuery(s) : v4.Parse(header);
  if (c) return auth::OssV4StringToSign(s, *c).value_or("");
  return auth::OssV1StringToSign(s);
}

std::string AccessKeyOf(const Request& r) {
  auth::SignedRequest s = Signed(r);
  std::string_view header = r.Header("authorization");
  for (const auth::Verifier* v : {&auth::OssV1Verifier(), &auth::OssV4Verifier()}) {
    std::optional<auth::Credential> c = header.empty() ? v->FromQuery(s) : v->Parse(header);
    if (c) return c->access_key_id;
  }
  return "";
}

Response Render(int status, const std::string& code, const std::string& message, const char* ec,
                const Request& request, const std::function<void(pugi::xml_node)>& extra) {
  XmlOut xml("Error");
  AddText(xml.root(), "Code", code);
  AddText(xml.root(), "Message", core::ToValidUtf8(message));
  AddText(xml.root(), "RequestId", OssRequestId(request));
  std::string host(request.Header("host"));
  AddText(xml.root(), "HostId", core::ToValidUtf8(host.substr(0, host.find(':'))));
  if (extra) extra(xml.root());
  if (*ec) AddText(xml.root(), "EC", ec);
  Response response(status, "application/xml", xml.Text());
  AddCommonHeaders(response, request);
  if (*ec) response.headers.emplace_back("x-oss-ec", ec);
  if (request.method == "HEAD") {
    response.headers.emplace_back("x-oss-err", auth::Base64Encode(response.body));
    response.head_length = 0;
    response.body.clear();
  }
  return response;
}

}  // namespace

std::pair<int, std::string> OssCodeOf(const core::Error& error) {
  Code code = CodeOf(error);
  return {code.status, code.code};
}

std::string OssRequestId(const Request& request) {
  std::string id;
  for (char c : request.request_id) {
    if (c != '-' && id.size() < 24) id += c;
  }
  return id;
}

void AddCommonHeaders(Response& response, const Request& request) {
  response.headers.emplace_back("x-oss-request-id", OssRequestId(request));
  response.headers.emplace_back("Date", core::FormatHttpDate(core::SystemClock().Now()));
}

Response ErrorResponse(int status, const std::string& code, const std::string& message,
                       const Request& request) {
  return Render(status, code, message, "", request, nullptr);
}

Response RenderError(const core::Error& error, const Request& request) {
  Code code = CodeOf(error);
  bool internal = error.code() == core::ErrorCode::kInternal;
  std::string message = internal ? "We encountered an internal error. Please try again."
                                 : error.MessageFor(error.parameter());
  std::optional<auth::Failure> failure = auth::FailureOf(error);
  bool presigned = request.Header("authorization").empty();
  if (failure == auth::Failure::kExpired && presigned) {
    code = {403, "AccessDenied", ""};
    message = "Request has expired.";
  }
  Response response =
      Render(code.status, code.code, message, code.ec, request, [&](pugi::xml_node root) {
        std::string_view c = code.code;
        if (c == "SignatureDoesNotMatch") {
          AddText(root, "StringToSign", core::ToValidUtf8(StringToSign(request)));
        }
        if (c == "SignatureDoesNotMatch" || c == "InvalidAccessKeyId") {
          AddText(root, "OSSAccessKeyId", core::ToValidUtf8(AccessKeyOf(request)));
        }
        if (c == "NoSuchBucket" || c == "BucketAlreadyExists" || c == "BucketNotEmpty") {
          AddText(root, "BucketName", core::ToValidUtf8(error.parameter()));
        }
        if (c == "NoSuchKey") {
          AddText(root, "Key", core::ToValidUtf8(error.parameter()));
        }
      });
  if (error.reason() == service::kBadPosition) {
    response.headers.emplace_back("x-oss-next-append-position", error.parameter());
  }
  return response;
}

Response NotFound(const Request& request) {
  return Render(400, "InvalidRequest", "No OSS API is served at " + request.method + " this path.",
                "", request, nullptr);
}

}  // namespace drover::api::oss
