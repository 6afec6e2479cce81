#include "api/dataset/errors.h"

#include "api/pop/pop_errors.h"

namespace drover::api::dataset {

namespace {

constexpr pop::Product kProduct{"aiworkspace.drover.local", "AIWorkSpace"};

using pop::PopCode;

// When you add a core::ErrorCode, map it here. A missing record names
// what is missing by the parameter at fault.
PopCode MapCode(const core::Error& error) {
  using core::ErrorCode;
  switch (error.code()) {
    case ErrorCode::kInvalidArgument:
      return {400, "InvalidParameter"};
    case ErrorCode::kMissingArgument:
      return {400, "MissingParameter"};
    case ErrorCode::kNotFound:
      if (error.parameter() == "version_name") return {404, "EntityNotExist.DatasetVersion"};
      if (error.parameter() == "workspace") return {404, "EntityNotExist.Workspace"};
      if (error.parameter() == "dataset_job_id") return {404, "EntityNotExist.DatasetJob"};
      if (error.parameter() == "dataset_job_config_id") {
        return {404, "EntityNotExist.DatasetJobConfig"};
      }
      if (error.parameter() == "dataset_file_meta_id") {
        return {404, "EntityNotExist.DatasetFileMeta"};
      }
      return {404, "EntityNotExist.Dataset"};
    case ErrorCode::kAlreadyExists:
      return {409, "EntityAlreadyExist.Dataset"};
    case ErrorCode::kFailedPrecondition:
      return {400, "IncorrectStatus"};
    case ErrorCode::kPermissionDenied:
      return {403, "Forbidden.RAM"};
    case ErrorCode::kUnauthenticated:
      return {401, "InvalidAccessKeyId"};
    case ErrorCode::kResourceExhausted:
      return {400, "QuotaExceeded"};
    case ErrorCode::kInternal:
      return {500, "InternalError"};
    case ErrorCode::kUnavailable:
      return {503, "ServiceUnavailable"};
  }
  return {500, "InternalError"};
}

// The services' neutral field names as AIWorkSpace spells them.
constexpr std::pair<std::string_view, std::string_view> kFieldNames[] = {
    {"name", "Name"},
    {"description", "Description"},
    {"property", "Property"},
    {"data_source_type", "DataSourceType"},
    {"data_type", "DataType"},
    {"source_type", "SourceType"},
    {"source_id", "SourceId"},
    {"uri", "Uri"},
    {"options", "Options"},
    {"import_info", "ImportInfo"},
    {"edition", "Edition"},
    {"provider_type", "ProviderType"},
    {"provider", "Provider"},
    {"accessible_roles", "AccessibleRoleIdList"},
    {"mount_access", "MountAccess"},
    {"mount_rw_roles", "MountAccessReadWriteRoleIdList"},
    {"labels", "Labels"},
    {"source_dataset_id", "SourceDatasetId"},
    {"source_dataset_version", "SourceDatasetVersion"},
    {"tag_template_type", "TagTemplateType"},
    {"data_count", "DataCount"},
    {"data_size", "DataSize"},
    {"workspace", "WorkspaceId"},
    {"dataset_id", "DatasetId"},
    {"version_name", "VersionName"},
    {"shares", "SharingConfig.SharedTo"},
    {"tenant", "TenantId"},
    {"mount_levels", "AllowedMountAccessLevels"},
    {"extra", "Extra"},
    {"expires_at", "ExpiresAt"},
    {"job_action", "JobAction"},
    {"job_mode", "JobMode"},
    {"job_spec", "JobSpec"},
    {"config_type", "ConfigType"},
    {"config", "Config"},
    {"dataset_version", "DatasetVersion"},
    {"dataset_job_id", "DatasetJobId"},
    {"dataset_job_config_id", "DatasetJobConfigId"},
    {"dataset_file_meta_id", "DatasetFileMetaId"},
};

}  // namespace

Response RenderError(const core::Error& error, const Request& request) {
  return pop::RenderError(kProduct, error, request, MapCode, kFieldNames);
}

Response NotFound(const Request& request) { return pop::NotFound(kProduct, request); }

}  // namespace drover::api::dataset
