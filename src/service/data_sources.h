// DataSourceResolver: how a training job's data sources (core::DataMount)
// become data on this machine. The job service asks it when a job is
// created; the dataset service answers (service/dataset_service.h). The
// runner later resolves the URI to a local path (service/storage_map.h).
#pragma once

#include "core/training_job.h"
#include "service/principal.h"

namespace drover::service {

class DataSourceResolver {
 public:
  virtual ~DataSourceResolver() = default;

  // `wanted` as the client asked (a dataset id and perhaps a version, or a
  // bare URI; a mount path; an access) → the same, resolved: the version
  // (the latest when none was asked), its URI, type and property, the mount
  // path (the version's Options mountPath when none was asked) and the
  // access (RW where `who` may write, else RO). `at` names the item in
  // errors ("data_sources[0]"). Throws core::Error: kNotFound for a
  // dataset or version `who` cannot see, kInvalidArgument for RW where it
  // may not write, for no mount path, or for a URI that names no data.
  virtual core::DataMount Resolve(const Principal& who, const core::DataMount& wanted,
                                  const std::string& at) = 0;
};

}  // namespace drover::service
