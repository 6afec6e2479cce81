#include "api/dlc/errors.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <optional>

#include "auth/authenticator.h"

namespace drover::api::dlc {

namespace {

constexpr const char* kHostId = "pai-dlc.drover.local";

struct PopCode {
  int status;
  const char* code;
};

// When you add a core::ErrorCode, map it here.
PopCode MapCode(core::ErrorCode code) {
  using core::ErrorCode;
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return {400, "InvalidParameter"};
    case ErrorCode::kMissingArgument:
      return {400, "MissingParameter"};
    case ErrorCode::kNotFound:
      return {404, "EntityNotExist.Job"};
    case ErrorCode::kAlreadyExists:
      return {409, "EntityAlreadyExist"};
    case ErrorCode::kFailedPrecondition:
      return {400, "IncorrectStatus"};
    case ErrorCode::kPermissionDenied:
      return {403, "Forbidden.RAM"};
    case ErrorCode::kUnauthenticated:
      return {401, "InvalidAccessKeyId"};
    case ErrorCode::kResourceExhausted:
      return {400, "QuotaExceeded"};
    case ErrorCode::kInternal:
      return {500, "InternalError"};
  }
  return {500, "InternalError"};
}

// Authentication and authorization failures, by auth:: reason.
std::optional<PopCode> MapAuthReason(const std::string& reason) {
  static const std::pair<const char*, PopCode> kReasons[] = {
      {auth::kMissingCredential, {400, "IncompleteSignature"}},
      {auth::kIncompleteSignature, {400, "IncompleteSignature"}},
      {auth::kUnknownKey, {404, "InvalidAccessKeyId.NotFound"}},
      {auth::kSignatureMismatch, {400, "SignatureDoesNotMatch"}},
      {auth::kExpired, {400, "InvalidTimeStamp.Expired"}},
      {auth::kNonceUsed, {400, "SignatureNonceUsed"}},
      {auth::kDenied, {403, "Forbidden.RAM"}},
  };
  for (const auto& [name, code] : kReasons) {
    if (reason == name) return code;
  }
  return std::nullopt;
}

}  // namespace

Response RenderPopError(int status, const std::string& code, const std::string& message,
                        const std::string& request_id) {
  boost::json::object body;
  body["RequestId"] = request_id;
  body["HostId"] = kHostId;
  body["Code"] = code;
  body["Message"] = message;
  body["Recommend"] =
      "https://api.aliyun.com/troubleshoot?q=" + code + "&product=pai-dlc&requestId=" + request_id;
  return Response{status, "application/json;charset=utf-8", boost::json::serialize(body)};
}

Response RenderError(const core::Error& error, const std::string& request_id) {
  PopCode pop = MapAuthReason(error.reason()).value_or(MapCode(error.code()));
  std::string message = error.what();
  if (error.code() == core::ErrorCode::kInternal) {
    spdlog::error("request {}: {}", request_id, message);
    message = "An internal error occurred; see the server log for request " + request_id + ".";
  }
  return RenderPopError(pop.status, pop.code, message, request_id);
}

Response Guard(const Request& request, const std::function<Response()>& handler) {
  try {
    return handler();
  } catch (const core::Error& e) {
    return RenderError(e, request.request_id);
  }
}

}  // namespace drover::api::dlc
