#include "api/dlc/errors.h"

#include <boost/json.hpp>

#include "api/http/field_names.h"
#include "auth/verifier.h"
#include "core/utf8.h"

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

// When you add an auth::Failure, map it here.
PopCode MapFailure(auth::Failure failure) {
  using auth::Failure;
  switch (failure) {
    case Failure::kMissingCredential:
    case Failure::kIncompleteSignature:
      return {400, "IncompleteSignature"};
    case Failure::kUnknownKey:
      return {404, "InvalidAccessKeyId.NotFound"};
    case Failure::kSignatureMismatch:
      return {400, "SignatureDoesNotMatch"};
    case Failure::kExpired:
      return {400, "InvalidTimeStamp.Expired"};
    case Failure::kNonceUsed:
      return {400, "SignatureNonceUsed"};
    case Failure::kDenied:
    case Failure::kProjectMismatch:
      return {403, "Forbidden.RAM"};
  }
  return {403, "Forbidden.RAM"};
}

// The services' neutral field names as PAI-DLC spells them.
constexpr std::pair<std::string_view, std::string_view> kFieldNames[] = {
    {"display_name", "DisplayName"},
    {"user_command", "UserCommand"},
    {"roles", "JobSpecs"},
    {"pod_count", "PodCount"},
    {"restart_policy", "RestartPolicy"},
    {"cpu", "ResourceConfig.CPU"},
    {"gpu", "ResourceConfig.GPU"},
    {"memory", "ResourceConfig.Memory"},
    {"priority", "Priority"},
    {"workspace", "WorkspaceId"},
    {"visibility", "Accessibility"},
    {"max_running_minutes", "JobMaxRunningTimeMinutes"},
    {"reserved_minutes", "Settings.JobReservedMinutes"},
    {"max_restarts", "Settings.MaxRestartTimes"},
    {"envs", "Envs"},
};

}  // namespace

Response RenderPopError(int status, const std::string& code, const std::string& message,
                        const std::string& request_id) {
  boost::json::object body;
  body["RequestId"] = request_id;
  body["HostId"] = kHostId;
  body["Code"] = code;
  body["Message"] = core::ToValidUtf8(message);
  body["Recommend"] =
      "https://api.aliyun.com/troubleshoot?q=" + code + "&product=pai-dlc&requestId=" + request_id;
  return Response{status, "application/json;charset=utf-8", boost::json::serialize(body)};
}

Response RenderError(const core::Error& error, const Request& request) {
  std::optional<auth::Failure> failure = auth::FailureOf(error);
  PopCode pop = failure ? MapFailure(*failure) : MapCode(error.code());
  std::string message = error.MessageFor(SpellField(error.parameter(), kFieldNames));
  if (error.code() == core::ErrorCode::kInternal) {
    message =
        "An internal error occurred; see the server log for request " + request.request_id + ".";
  }
  return RenderPopError(pop.status, pop.code, message, request.request_id);
}

Response NotFound(const Request& request) {
  return RenderPopError(404, "InvalidAction.NotFound",
                        "Specified api is not found, please check your url and method.",
                        request.request_id);
}

}  // namespace drover::api::dlc
