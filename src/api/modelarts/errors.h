// ModelArts error rendering: the one place core::ErrorCode becomes
// `{"is_success": false, "error_code": "ModelArts.xxxx", "error_message": …}`
// and an HTTP status.
#pragma once

#include <functional>

#include "api/http/router.h"
#include "core/error.h"

namespace drover::api::modelarts {

Response RenderError(const core::Error& error, const std::string& request_id);
Response RenderModelArtsError(int status, const std::string& code, const std::string& message);

// Runs `handler`, turning a thrown core::Error into its ModelArts error.
Response Guard(const Request& request, const std::function<Response()>& handler);

}  // namespace drover::api::modelarts
