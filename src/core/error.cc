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
    case ErrorCode::kUnavailable:
      return "Unavailable";
  }
  return "Internal";
}

Error Error::About(ErrorCode code, std::string field, std::string rest) {
  std::string message = field + rest;
  Error e(code, message, std::move(field));
  e.about_ = true;
  e.rest_ = std::move(rest);
  return e;
}

std::string Error::MessageFor(std::string_view name) const {
  return about_ ? std::string(name) + rest_ : what();
}

void ThrowInvalid(std::string parameter, const std::string& message) {
  throw Error(ErrorCode::kInvalidArgument, message, std::move(parameter));
}

void ThrowInvalidField(std::string field, std::string rest) {
  throw Error::About(ErrorCode::kInvalidArgument, std::move(field), std::move(rest));
}

void ThrowMissing(std::string parameter) {
  throw Error::About(ErrorCode::kMissingArgument, std::move(parameter),
                     " is mandatory for this action.");
}

void ThrowNotFound(const std::string& message) { throw Error(ErrorCode::kNotFound, message); }

}  // namespace drover::core
