// OSS's error answers: XML <Error> bodies with OSS's codes and HTTP
// statuses, the x-oss-request-id every answer carries, and x-oss-ec.
// A HEAD error has no body; its XML goes base64 in x-oss-err, where the
// SDK reads it.
#pragma once

#include <string>

#include "api/http/dialect.h"
#include "core/error.h"

namespace drover::api::oss {

// OSS's 24-hex request id, from the server's request id.
std::string OssRequestId(const Request& request);
// Adds x-oss-request-id and Date.
void AddCommonHeaders(Response& response, const Request& request);

Response RenderError(const core::Error& error, const Request& request);
// OSS's HTTP status and code for an error (a batch job report's row).
std::pair<int, std::string> OssCodeOf(const core::Error& error);
// An OSS-shaped error with the given code, for answers no core::Error
// describes.
Response ErrorResponse(int status, const std::string& code, const std::string& message,
                       const Request& request);
Response NotFound(const Request& request);

}  // namespace drover::api::oss
