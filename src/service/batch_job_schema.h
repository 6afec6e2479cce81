// The schema of OSS batch jobs: how ListJobs lists them (by status, newest
// first, within the caller's tenant).
#pragma once

#include "core/batch_job.h"
#include "index/schema.h"

namespace drover::service {

struct BatchJobStrings {
  enum : index::FieldId { kTenant, kUserId, kOperation, kDescription };
};

struct BatchJobNumbers {
  enum : index::FieldId { kCreated, kTerminated, kPriority, kStatus /* core::BatchStatus */ };
};

const index::SchemaOf<core::BatchJob>& BatchJobSchema();

}  // namespace drover::service
