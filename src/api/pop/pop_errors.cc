#include "api/pop/pop_errors.h"

#include <boost/json.hpp>

#include "core/utf8.h"

namespace drover::api::pop {

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

Response Render(const Product& product, int status, const std::string& code,
                const std::string& message, const std::string& request_id) {
  boost::json::object body;
  body["RequestId"] = request_id;
  body["HostId"] = product.host_id;
  body["Code"] = code;
  body["Message"] = core::ToValidUtf8(message);
  body["Recommend"] = "https://api.aliyun.com/troubleshoot?q=" + code +
                      "&product=" + std::string(product.name) + "&requestId=" + request_id;
  return Response{status, "application/json;charset=utf-8", boost::json::serialize(body)};
}

Response RenderError(const Product& product, const core::Error& error, const Request& request,
                     PopCode (*map)(const core::Error&), FieldNames names) {
  std::optional<auth::Failure> failure = auth::FailureOf(error);
  PopCode code = failure ? MapFailure(*failure) : map(error);
  std::string message = error.MessageFor(SpellField(error.parameter(), names));
  if (error.code() == core::ErrorCode::kInternal) {
    message =
        "An internal error occurred; see the server log for request " + request.request_id + ".";
  }
  return Render(product, code.status, code.code, message, request.request_id);
}

Response NotFound(const Product& product, const Request& request) {
  return Render(product, 404, "InvalidAction.NotFound",
                "Specified api is not found, please check your url and method.",
                request.request_id);
}

}  // namespace drover::api::pop
