// The AIWorkSpace routes of dataset jobs (`…/datasetjobs`), their configs
// (`…/datasetjobconfigs`) and the file catalogue (`…/datasetfilemetas`):
// parameters in, DatasetJobService calls, PascalCase JSON out. Part of the
// dataset dialect (dataset_api.h); see shared/spec/pai-dataset.md §2.1 and
// §2.4 and the ListDatasetJobs seed page.
#pragma once

#include "api/http/dialect.h"
#include "service/dataset_job_service.h"

namespace drover::api::dataset {

// `jobs` must outlive the dialect.
void AddDatasetJobRoutes(Dialect& dialect, service::DatasetJobService& jobs);

}  // namespace drover::api::dataset
