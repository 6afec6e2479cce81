// The schemas of datasets and their versions: how core::Dataset and
// core::DatasetVersion are listed (ListDatasets, ListDatasetVersions). A
// dataset's labels are its tags (Label: a key or value holding a text).
// Dialects name the fields by these ids (api/dataset/list_params.cc).
#pragma once

#include <string>
#include <string_view>

#include "core/dataset.h"
#include "index/schema.h"

namespace drover::service {

struct DatasetStrings {
  enum : index::FieldId {
    kTenant,
    kWorkspace,
    kUserId,
    kProperty,
    kDataSourceType,
    kDataType,
    kSourceType,
    kSourceId,
    kSourceDatasetId,
    kEdition,
    kProvider,
    kName,  // the search field; sortable
  };
};

struct DatasetNumbers {
  enum : index::FieldId {
    kCreated,
    kModified,
    kAccessibility,     // core::DatasetAccess
    kVisibleToMembers,  // core::Dataset::VisibleToMembers
    kShared,            // 1 when shared into some workspace (active shares)
    kShareExpiry,       // core::Dataset::NextShareExpiry, 0 = none
  };
};

struct DatasetWords {
  enum : index::FieldId {
    // text::AsOneWord(core::ShareTarget(…)) of its own workspace and of
    // each workspace it is shared into (actively): WorkspaceId's filter.
    kPlaces,
    kSharedInto,  // the same, of the shares only, and "*" of their tenants: visibility
  };
};

// What a list asks of kPlaces for "in workspace W of tenant T".
std::string PlaceWord(std::string_view tenant, std::string_view workspace);

struct VersionStrings {
  enum : index::FieldId {
    kTenant,
    kUserId,
    kProperty,
    kDataSourceType,
    kSourceType,
    kSourceId,
    kName,  // "v3": the search field
  };
};

struct VersionNumbers {
  enum : index::FieldId {
    kCreated,
    kModified,
    kDataset,  // the dataset's internal number
    kNumber,   // 1 for v1
    kDataSize,
    kDataCount,
  };
};

struct VersionWords {
  enum : index::FieldId {
    kLabelKeys,    // one word per label key (LabelWord)
    kLabelValues,  // one word per label value
  };
};

const index::SchemaOf<core::Dataset>& DatasetSchema();
const index::SchemaOf<core::DatasetVersion>& DatasetVersionSchema();

}  // namespace drover::service
