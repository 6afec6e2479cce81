// ListDatasets and ListDatasetVersions parameters → index::Query, over the
// schemas of service/dataset_schema.h. See shared/spec/pai-dataset.md §2.3.
//
// Pure: the query-string map in, a query out; throws core::Error
// (kInvalidArgument, naming the parameter) for a bad value. Empty values
// mean "not given".
#pragma once

#include <map>
#include <string>

#include "index/query.h"
#include "service/principal.h"

namespace drover::api::dataset {

inline constexpr int64_t kDefaultPageSize = 10;
inline constexpr int64_t kMaxPageSize = 1000;

// `who` places WorkspaceId and ShareScope: the workspace named (or, for
// ShareScope TO_ME without one, the caller's default) is a workspace of
// the caller's tenant.
index::Query ParseListDatasets(const std::map<std::string, std::string>& params,
                               const service::Principal& who);

index::Query ParseListVersions(const std::map<std::string, std::string>& params);

}  // namespace drover::api::dataset
