// The training job's schema: how core::TrainingJob is listed — which fields filter
// exactly, by substring, by words, by range; which sort; which carry the
// visibility rule. Dialects name the fields by these ids in their queries
// (api/dlc/list_params.cc, api/modelarts/list_params.cc).
#pragma once

#include "core/training_job.h"
#include "index/schema.h"

namespace drover::service {

// String fields of a training job.
struct JobStrings {
  enum : index::FieldId {
    kTenant,
    kWorkspace,
    kUserId,
    kBusinessUserId,
    kCaller,
    kPipelineId,
    kTemplateId,
    kPaymentType,
    kOversoldInfo,
    kResourceId,
    kJobType,            // exact, and sortable
    kUsername,           // case-insensitive substring
    kResourceQuotaName,  // case-insensitive substring
    kName,               // the search field: substring, wildcard, prefix, term; sortable
    kDescription,        // sortable
  };
};

// Number fields of a training job.
struct JobNumbers {
  enum : index::FieldId {
    kCreated,  // times in UTC ms, 0 = not yet
    kSubmitted,
    kRunning,
    kFinished,
    kModified,
    kRequestGpu,
    kRequestCpu,
    kPriority,
    kNodeCount,
    kDuration,  // seconds running, to the finish or to the query's now
    kVersionCount,
    kVersion,
    kStatus,      // core::TrainingStatus; sorts by name
    kVisibility,  // core::Visibility
    kEnableAssignNode,
    kLatest,    // the newest version of its lineage
    kImported,  // imported history (not the runner's)
    kLineage,   // the first version's number, 0 for a first version
  };
};

// Full-text fields of a training job.
struct JobWords {
  enum : index::FieldId {
    kReason,  // reason code and message
    kUserCommand,
    kImage,  // every role's image
    kName,   // the display name's words
  };
};

const index::SchemaOf<core::TrainingJob>& JobSchema();

}  // namespace drover::service
