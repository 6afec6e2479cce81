#include "api/modelarts/errors.h"

#include <boost/json.hpp>

#include "api/http/field_names.h"
#include "auth/verifier.h"
#include "core/utf8.h"

namespace drover::api::modelarts {

namespace {

struct Code {
  int status;
  const char* code;
};

// When you add a core::ErrorCode, map it here.
Code MapCode(core::ErrorCode code) {
  using core::ErrorCode;
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return {400, "ModelArts.0104"};
    case ErrorCode::kMissingArgument:
      return {400, "ModelArts.0101"};
    case ErrorCode::kNotFound:
      return {404, "ModelArts.0015"};
    case ErrorCode::kAlreadyExists:
      return {400, "ModelArts.0103"};
    case ErrorCode::kFailedPrecondition:
      return {400, "ModelArts.0107"};
    case ErrorCode::kPermissionDenied:
      return {403, "ModelArts.0108"};
    case ErrorCode::kUnauthenticated:
      return {401, "ModelArts.0201"};
    case ErrorCode::kResourceExhausted:
      return {400, "ModelArts.0116"};
    case ErrorCode::kInternal:
      return {500, "ModelArts.0010"};
    case ErrorCode::kUnavailable:
      return {503, "ModelArts.0010"};
  }
  return {500, "ModelArts.0010"};
}

}  // namespace

namespace {

// The services' neutral field names as ModelArts spells them (a create
// body's `config` holds the job's workers and command).
constexpr std::pair<std::string_view, std::string_view> kFieldNames[] = {
    {"display_name", "job_name"},  {"user_command", "config.user_command"},
    {"roles", "config"},           {"pod_count", "worker_server_num"},
    {"workspace", "workspace_id"}, {"description", "job_desc"},
    {"data_sources", "config"},    {"uri", "data_url"},
};

}  // namespace

Response RenderModelArtsError(int status, const std::string& code, const std::string& message) {
  boost::json::object body{
      {"is_success", false}, {"error_code", code}, {"error_message", core::ToValidUtf8(message)}};
  return Response{status, "application/json;charset=utf-8", boost::json::serialize(body)};
}

Response RenderError(const core::Error& error, const Request& request) {
  std::optional<auth::Failure> failure = auth::FailureOf(error);
  if (error.code() == core::ErrorCode::kUnauthenticated) {
    // Signature failures are answered by the API gateway, in its own shape.
    boost::json::object body{{"error_msg", "Incorrect IAM authentication information: " +
                                               core::ToValidUtf8(error.what())},
                             {"error_code", "APIGW.0301"},
                             {"request_id", request.request_id}};
    return Response{401, "application/json;charset=utf-8", boost::json::serialize(body)};
  }
  if (failure == auth::Failure::kProjectMismatch) {
    return RenderModelArtsError(403, "ModelArts.0210", error.what());
  }
  Code code = MapCode(error.code());
  std::string message = error.MessageFor(SpellField(error.parameter(), kFieldNames));
  if (error.reason() == core::kNameTaken) message = "Job name:" + error.subject() + " is existed";
  if (error.code() == core::ErrorCode::kInternal) {
    message =
        "An internal error occurred; see the server log for request " + request.request_id + ".";
  }
  return RenderModelArtsError(code.status, code.code, message);
}

Response NotFound(const Request&) {
  return RenderModelArtsError(404, "ModelArts.0015", "The requested API does not exist.");
}

}  // namespace drover::api::modelarts
