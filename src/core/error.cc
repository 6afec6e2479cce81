#include "core/error.h"

namespace drover::core {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "InvalidArgument";
    case ErrorCode::kMissingArgument:
      return "MissingArgument";
    case ErrorCode::kNotFound:
      return "NotFound";
    case ErrorCode::kAlreadyExists:
      return "AlreadyExists";
    case ErrorCode::kFailedPrecondition:
      return "FailedPrecondition";
    case ErrorCode::kPermissionDenied:
      return "PermissionDenied";
    case ErrorCode::kUnauthenticated:
      return "Unauthenticated";
    case ErrorCode::kResourceExhausted:
      return "ResourceExhausted";
    case ErrorCode::kInternal:
      return "Internal";
  }
  return "Internal";
}

void ThrowInvalid(std::string parameter, const std::string& message) {
  throw Error(ErrorCode::kInvalidArgument, message, std::move(parameter));
}

void ThrowMissing(std::string parameter) {
  std::string message = parameter + " is mandatory for this action.";
  throw Error(ErrorCode::kMissingArgument, message, std::move(parameter));
}

void ThrowNotFound(const std::string& message) { throw Error(ErrorCode::kNotFound, message); }

}  // namespace drover::core
