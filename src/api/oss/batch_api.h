// OSS Batch Operations on the OSS dialect: CreateJob, DescribeJob,
// ListJobs, UpdateJobPriority and UpdateJobStatus, all service-level
// (`/`) and told apart by their sub-resource (?batchJob, ?batchJobPriority,
// ?batchJobStatus). The jobs run in runner/batch_job_runner.h.
#pragma once

#include <optional>
#include <string>

#include "api/http/dialect.h"
#include "service/batch_job_service.h"

namespace drover::api::oss {

void AddBatchRoutes(Dialect& dialect, service::BatchJobService& jobs);

// A completion report's CSV row for one task: Bucket, Key (URL-encoded),
// VersionId, TaskStatus, ErrorCode, HTTPStatusCode, ResultMessage.
std::string ReportRow(const service::ObjectService::BatchTask& task,
                      const std::optional<core::Error>& outcome);

}  // namespace drover::api::oss
