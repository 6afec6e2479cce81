#include "api/dlc/errors.h"

#include "api/pop/pop_errors.h"

namespace drover::api::dlc {

namespace {

constexpr pop::Product kProduct{"pai-dlc.drover.local", "pai-dlc"};

using pop::PopCode;

// When you add a core::ErrorCode, map it here. A missing record is a job
// unless the parameter at fault names a data source's dataset.
PopCode MapCode(const core::Error& error) {
  using core::ErrorCode;
  switch (error.code()) {
    case ErrorCode::kInvalidArgument:
      return {400, "InvalidParameter"};
    case ErrorCode::kMissingArgument:
      return {400, "MissingParameter"};
    case ErrorCode::kNotFound:
      if (error.parameter().ends_with("dataset_id") || error.parameter() == "version_name") {
        return {404, "EntityNotExist.Dataset"};
      }
      return {404, "EntityNotExist.Job"};
    case ErrorCode::kAlreadyExists:
      return {409, "EntityAlreadyExist"};
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

// The services' neutral field names as PAI-DLC spells them.
constexpr std::pair<std::string_view, std::string_view> kFieldNames[] = {
    {"display_name", "DisplayName"},
    {"user_command", "UserCommand"},
    {"roles", "JobSpecs"},
    {"pod_count", "PodCount"},
    {"restart_policy", "RestartPolicy"},
    {"cpu", "ResourceConfig.CPU"},
    {"gpu", "ResourceConfig.GPU"},
    {"memory", "ResourceConfig.Memory"},
    {"priority", "Priority"},
    {"workspace", "WorkspaceId"},
    {"visibility", "Accessibility"},
    {"max_running_minutes", "JobMaxRunningTimeMinutes"},
    {"reserved_minutes", "Settings.JobReservedMinutes"},
    {"max_restarts", "Settings.MaxRestartTimes"},
    {"envs", "Envs"},
    {"data_sources", "DataSources"},
    {"dataset_id", "DataSourceId"},
    {"mount_path", "MountPath"},
    {"mount_access", "MountAccess"},
    {"uri", "Uri"},
};

}  // namespace

Response RenderError(const core::Error& error, const Request& request) {
  return pop::RenderError(kProduct, error, request, MapCode, kFieldNames);
}

Response NotFound(const Request& request) { return pop::NotFound(kProduct, request); }

}  // namespace drover::api::dlc
