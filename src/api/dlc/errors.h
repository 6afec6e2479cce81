// PAI-DLC error rendering: the one place a core::Error becomes a POP error
// body (api/pop/pop_errors.h) and an HTTP status.
#pragma once

#include <string>

#include "api/http/dialect.h"
#include "core/error.h"

namespace drover::api::dlc {

Response RenderError(const core::Error& error, const Request& request);

// The POP "no such API" answer (404 InvalidAction.NotFound).
Response NotFound(const Request& request);

}  // namespace drover::api::dlc
