// PAI-DLC error rendering: the one place core::ErrorCode becomes a POP
// error body `{RequestId, HostId, Code, Message, Recommend}` and an HTTP status.
#pragma once

#include "api/http/router.h"
#include "core/error.h"

namespace drover::api::dlc {

Response RenderError(const core::Error& error, const std::string& request_id);

// A POP error with an explicit vendor code (e.g. InvalidAction.NotFound).
Response RenderPopError(int status, const std::string& code, const std::string& message,
                        const std::string& request_id);

// Runs `handler`, turning a thrown core::Error into its POP error response.
Response Guard(const Request& request, const std::function<Response()>& handler);

}  // namespace drover::api::dlc
