// The Huawei ModelArts v1 dialect: training jobs and their versions under
// /v1/{project_id}/training-jobs, over the same core jobs as PAI-DLC.
// snake_case JSON with `is_success`, integer statuses (status_map.h) and
// epoch-millisecond times.
#pragma once

#include <functional>

#include "api/http/authenticate.h"
#include "api/http/router.h"
#include "service/job_service.h"
#include "service/principal.h"

namespace drover::api::modelarts {

void AddRoutes(Router& router, service::JobService& jobs, Authenticate authenticate);

}  // namespace drover::api::modelarts
