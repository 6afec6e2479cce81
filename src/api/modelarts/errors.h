// ModelArts error rendering: the one place a core::Error becomes
// `{"is_success": false, "error_code": "ModelArts.xxxx", "error_message": …}`
// (or, for signature failures, the API gateway's own shape) and an HTTP
// status.
#pragma once

#include <string>

#include "api/http/dialect.h"
#include "core/error.h"

namespace drover::api::modelarts {

Response RenderError(const core::Error& error, const Request& request);
Response RenderModelArtsError(int status, const std::string& code, const std::string& message);

// "The requested API does not exist." (404 ModelArts.0015).
Response NotFound(const Request& request);

}  // namespace drover::api::modelarts
