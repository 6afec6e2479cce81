// Error: the one vocabulary of expected failures in Drover.
//
// Policy: an expected failure (bad input, a missing record, a refused state
// change) is thrown as `core::Error` and caught at the dialect boundary, where
// exactly one function per dialect maps `ErrorCode` to that vendor's HTTP
// status and body. Invariant violations are asserts, never `Error`.
// A failed operation changes nothing: services validate before they write.
//
// Field names: below the dialects, a parameter is named neutrally
// (`display_name`, `roles[0].cpu`), and an error About a field keeps the
// rest of its message apart from the name. Each dialect spells the name
// its own way (`DisplayName`, `JobSpecs[0].ResourceConfig.CPU`, `job_name`)
// with MessageFor. what() has the neutral name, for logs.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace drover::core {

// When you add a code, map it in every dialect's error renderer
// (api/*/errors.cc).
enum class ErrorCode {
  kInvalidArgument,     // a parameter has a bad value
  kMissingArgument,     // a required parameter is absent
  kNotFound,            // the record named does not exist (or is not visible)
  kAlreadyExists,       // a unique name or id is taken
  kFailedPrecondition,  // the record's state does not allow the operation
  kPermissionDenied,    // authenticated, but not allowed
  kUnauthenticated,     // no valid credential
  kResourceExhausted,   // a quota or size limit is exceeded
  kInternal,            // a bug or an I/O failure
  kUnavailable,         // the store cannot be reached for now; try again
};

std::string_view ErrorCodeName(ErrorCode code);

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message, std::string parameter = {},
        std::string reason = {}, std::string subject = {})
      : std::runtime_error(message),
        code_(code),
        parameter_(std::move(parameter)),
        reason_(std::move(reason)),
        subject_(std::move(subject)) {}
  // An error whose message is the field's name followed by `rest`.
  static Error About(ErrorCode code, std::string field, std::string rest);

  ErrorCode code() const { return code_; }
  // The request parameter at fault, empty when none is.
  const std::string& parameter() const { return parameter_; }
  // A machine-readable refinement of the code that dialects may map to a
  // vendor code of their own (e.g. auth::kSignatureMismatch); often empty.
  const std::string& reason() const { return reason_; }
  // The value at fault when a dialect may word its own message around it
  // (the name that is taken); often empty.
  const std::string& subject() const { return subject_; }
  // The message, an About error's field spelled `name` (a dialect's).
  std::string MessageFor(std::string_view name) const;

 private:
  ErrorCode code_;
  std::string parameter_;
  std::string reason_;
  std::string subject_;
  bool about_ = false;  // the message is the parameter's name, then rest_
  std::string rest_;
};

// core::Error::reason() of a unique name already taken (subject: the name).
inline constexpr char kNameTaken[] = "NameTaken";
// core::Error::reason() of a request body over a size limit.
inline constexpr char kTooLarge[] = "TooLarge";

// Shorthands for the common throws.
[[noreturn]] void ThrowInvalid(std::string parameter, const std::string& message);
// kInvalidArgument About `field`: "<field><rest>", the field spelled by the dialect.
[[noreturn]] void ThrowInvalidField(std::string field, std::string rest);
[[noreturn]] void ThrowMissing(std::string parameter);
[[noreturn]] void ThrowNotFound(const std::string& message);

}  // namespace drover::core
