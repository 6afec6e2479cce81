// The kinds of record coming next (../shared/spec/pai-dataset.md and
// oss-batch.md), declared as schemas for the tests: the engines must list
// each of them as well as they list training jobs. Their fields are the
// ones the vendors' list calls filter and sort by. When a kind moves in,
// its real schema (beside its own code) replaces the declaration here, as
// datasets', versions', dataset jobs', job configs' and catalogued files'
// have (service/dataset_schema.h, service/dataset_job_schema.h).
#pragma once

#include <memory>
#include <vector>

#include "index/schema.h"

namespace drover::index::testing {

// A schema declared field by field, with no record type behind it: the
// tests make its entries directly.
class DeclaredSchema : public Schema {
 public:
  using Schema::Schema;
  FieldId String(StringField f) {
    return AddString(static_cast<FieldId>(strings().size()), std::move(f));
  }
  FieldId Number(NumberField f) {
    return AddNumber(static_cast<FieldId>(numbers().size()), std::move(f));
  }
  FieldId Words(WordsField f) {
    return AddWords(static_cast<FieldId>(words().size()), std::move(f));
  }
  using Schema::SetAccess;
  using Schema::SetCreated;
  using Schema::SetGroup;
  using Schema::SetTags;
};

// Seconds from field 0 (a start) to field 1 (an end), or to now while it
// has not ended: a computed field like a training job's Duration.
inline int64_t Elapsed(const NumberSource& n, core::TimeMs now) {
  int64_t start = n.Get(1), end = n.Get(2);
  if (start == 0) return 0;
  int64_t to = end != 0 ? end : now;
  return to > start ? (to - start) / 1000 : 0;
}

inline std::unique_ptr<DeclaredSchema> BatchJobSchema() {
  auto s = std::make_unique<DeclaredSchema>("batch-job");
  FieldId tenant = s->String({.name = "TenantId", .exact = true});
  FieldId owner = s->String({.name = "UserId", .exact = true});
  s->String({.name = "Operation", .exact = true, .sort = true});
  s->String({.name = "Description", .search = true, .sort = true});
  s->String({.name = "Bucket", .exact = true});
  FieldId created = s->Number({.name = "CreationTime", .zero_is_none = true, .sort = true});
  s->Number({.name = "StartTime", .zero_is_none = true});
  s->Number({.name = "TerminationDate", .zero_is_none = true, .sort = true});
  s->Number({.name = "Priority", .bitmaps = true, .sort = true});
  s->Number({.name = "Status",
             .bitmaps = true,
             .sort = true,
             .small = true,
             .names = {"New", "Preparing", "Suspended", "Ready", "Active", "Pausing", "Paused",
                       "Complete", "Cancelling", "Cancelled", "Failing", "Failed"}});
  s->Number({.name = "TotalNumberOfTasks", .sort = true});
  s->Number({.name = "NumberOfTasksFailed", .bitmaps = true});
  s->Number({.name = "ElapsedTimeInActiveSeconds", .compute = Elapsed});
  s->SetCreated(created);
  s->SetAccess({.tenant = tenant, .owner = owner});
  return s;
}

}  // namespace drover::index::testing
