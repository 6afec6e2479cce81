// The Huawei ModelArts v1 dialect: training jobs and their versions under
// /v1/{project_id}/training-jobs, over the same core jobs as PAI-DLC.
// snake_case JSON with `is_success`, integer statuses (status_map.h) and
// epoch-millisecond times; SDK-HMAC-SHA256 signatures; the URL's project
// must be the key's tenant.
#pragma once

#include "api/http/dialect.h"
#include "service/job_service.h"

namespace drover::api::modelarts {

// `jobs` must outlive the dialect.
Dialect MakeDialect(service::JobService& jobs);

}  // namespace drover::api::modelarts
