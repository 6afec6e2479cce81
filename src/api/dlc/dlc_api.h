// The PAI-DLC dialect (API 2020-12-03): its routes, each a thin handler that
// parses, calls JobService and renders PascalCase JSON with a RequestId.
#pragma once

#include <functional>

#include "api/http/authenticate.h"
#include "api/http/router.h"
#include "service/job_service.h"
#include "service/principal.h"

namespace drover::api::dlc {

void AddRoutes(Router& router, service::JobService& jobs, Authenticate authenticate);

// The POP "no such API" answer (404 InvalidAction.NotFound).
Response NotFound(const Request& request);

}  // namespace drover::api::dlc
