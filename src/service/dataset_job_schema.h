// The schemas of dataset jobs, their configs and the file catalogue: how
// they are listed (ListDatasetJobs, ListDatasetJobConfigs,
// ListDatasetFileMetas). Each list is scoped to one dataset (its number, a
// bitmap field); visibility is the dataset's, checked by the service.
#pragma once

#include "core/dataset_job.h"
#include "index/schema.h"

namespace drover::service {

struct DatasetJobStrings {
  enum : index::FieldId { kTenant, kUserId, kWorkspace, kVersion, kAction, kDescription };
};

struct DatasetJobNumbers {
  enum : index::FieldId {
    kCreated,
    kFinished,
    kDataset,
    kStatus,  // core::DatasetJobStatus; sorts by name
  };
};

struct JobConfigStrings {
  enum : index::FieldId { kTenant, kUserId, kWorkspace, kVersion, kConfigType /* sortable */ };
};

struct JobConfigNumbers {
  enum : index::FieldId { kCreated, kModified, kDataset };
};

struct DatasetFileStrings {
  enum : index::FieldId {
    kTenant,
    kUserId,
    kVersion,
    kFileDir,      // case-insensitive substring (QueryFileDir)
    kFileType,     // exact
    kContentType,  // exact
    kFileName,     // the search field (QueryFileName)
  };
};

struct DatasetFileNumbers {
  enum : index::FieldId { kFileCreated, kFileUpdated, kTagUpdated, kDataset, kSize };
};

// Tags, one word each (text::AsOneWord).
struct DatasetFileWords {
  enum : index::FieldId {
    kTags,  // as shown: ai + user, less those the user deleted (tags.all)
    kAiTags,
    kUserTags,
    kDeletedAiTags,  // user-delete-ai-tags
  };
};

const index::SchemaOf<core::DatasetJob>& DatasetJobSchema();
const index::SchemaOf<core::DatasetJobConfig>& DatasetJobConfigSchema();
const index::SchemaOf<core::DatasetFile>& DatasetFileSchema();

// A file's tags as shown: its ai tags less those the user deleted, then its
// user tags, each once.
std::vector<std::string> ShownTags(const core::DatasetFile& file);

}  // namespace drover::service
