// PAI-DLC error rendering: the one place a core::Error becomes a POP error
// body `{RequestId, HostId, Code, Message, Recommend}` and an HTTP status.
#pragma once

#include <string>

#include "api/http/dialect.h"
#include "core/error.h"

namespace drover::api::dlc {

Response RenderError(const core::Error& error, const Request& request);

// A POP error with an explicit vendor code (e.g. InvalidAction.NotFound).
Response RenderPopError(int status, const std::string& code, const std::string& message,
                        const std::string& request_id);

// The POP "no such API" answer (404 InvalidAction.NotFound).
Response NotFound(const Request& request);

}  // namespace drover::api::dlc
