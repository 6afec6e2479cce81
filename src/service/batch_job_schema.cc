#include "service/batch_job_schema.h"

namespace drover::service {

namespace {

using core::BatchJob;

index::SchemaOf<BatchJob>* Declare() {
  auto* s = new index::SchemaOf<BatchJob>(
      "batch-job", [](const BatchJob& j) -> uint64_t { return j.id; },
      [](const BatchJob& j) -> std::string_view { return j.public_id; });
  using S = BatchJobStrings;
  s->String(S::kTenant, {.name = "TenantId", .exact = true}, &BatchJob::tenant_id);
  s->String(S::kUserId, {.name = "UserId", .exact = true}, &BatchJob::user_id);
  s->String(S::kOperation, {.name = "Operation", .exact = true, .sort = true},
            [](const BatchJob& j) { return core::BatchOperationName(j.operation); });
  s->String(S::kDescription, {.name = "Description", .search = true, .sort = true},
            &BatchJob::description);
  using N = BatchJobNumbers;
  s->Number(N::kCreated, {.name = "CreationTime", .zero_is_none = true, .sort = true},
            &BatchJob::created);
  s->Number(N::kTerminated, {.name = "TerminationDate", .zero_is_none = true, .sort = true},
            &BatchJob::terminated);
  s->Number(N::kPriority, {.name = "Priority", .bitmaps = true, .sort = true}, &BatchJob::priority);
  s->Number(N::kStatus,
            {.name = "Status",
             .bitmaps = true,
             .sort = true,
             .small = true,
             .names = {std::begin(core::kBatchStatusNames), std::end(core::kBatchStatusNames)}},
            [](const BatchJob& j) { return static_cast<int64_t>(j.status); });
  s->Created(N::kCreated);
  s->Access({.tenant = S::kTenant, .owner = S::kUserId});
  s->Check();
  return s;
}

}  // namespace

const index::SchemaOf<BatchJob>& BatchJobSchema() {
  static const index::SchemaOf<BatchJob>* schema = Declare();
  return *schema;
}

}  // namespace drover::service
