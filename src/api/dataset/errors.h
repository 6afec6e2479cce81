// PAI AIWorkSpace error rendering: the one place a core::Error becomes a
// POP error body (api/pop/pop_errors.h) and an HTTP status for the
// dataset and workspace calls.
#pragma once

#include "api/http/dialect.h"
#include "core/error.h"

namespace drover::api::dataset {

Response RenderError(const core::Error& error, const Request& request);

// The POP "no such API" answer (404 InvalidAction.NotFound).
Response NotFound(const Request& request);

}  // namespace drover::api::dataset
