// The PAI AIWorkSpace dialect (API 2021-02-04) for datasets, their
// versions and labels, dataset jobs, job configs and the file catalogue
// (dataset_job_api.h), and the workspaces keys name: its routes, each a
// thin handler that parses, calls DatasetService (or WorkspaceDirectory)
// and renders PascalCase JSON with a RequestId; POP errors (errors.h);
// ACS3-HMAC-SHA256 and ROA HMAC-SHA1 signatures. RAM actions are
// `paidataset:*` and `paiworkspace:*`.
#pragma once

#include "api/http/dialect.h"
#include "service/dataset_job_service.h"
#include "service/dataset_service.h"
#include "service/workspace_directory.h"

namespace drover::api::dataset {

// All must outlive the dialect.
Dialect MakeDialect(service::DatasetService& datasets, service::DatasetJobService& jobs,
                    const service::WorkspaceDirectory& workspaces);

}  // namespace drover::api::dataset
