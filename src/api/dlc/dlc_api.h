// The PAI-DLC dialect (API 2020-12-03): its routes, each a thin handler that
// parses, calls JobService and renders PascalCase JSON with a RequestId;
// POP errors (errors.h); ACS3-HMAC-SHA256 and ROA HMAC-SHA1 signatures.
#pragma once

#include "api/http/dialect.h"
#include "service/job_service.h"

namespace drover::api::dlc {

// `jobs` must outlive the dialect.
Dialect MakeDialect(service::JobService& jobs);

}  // namespace drover::api::dlc
