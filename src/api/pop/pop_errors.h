// Alibaba Cloud POP errors, shared by the PAI dialects (api/dlc/,
// api/dataset/): the body `{RequestId, HostId, Code, Message, Recommend}`
// with an HTTP status, and the codes of the signature failures every POP
// product answers alike. Each dialect maps its core::Error codes itself.
#pragma once

#include <string>
#include <string_view>

#include "api/http/dialect.h"
#include "api/http/field_names.h"
#include "auth/verifier.h"

namespace drover::api::pop {

// Which product answers: its HostId and the product in Recommend's link.
struct Product {
  std::string_view host_id;  // "pai-dlc.drover.local"
  std::string_view name;     // "pai-dlc"
};

struct PopCode {
  int status;
  const char* code;
};

// The POP code of a refused signature (IncompleteSignature,
// SignatureDoesNotMatch, InvalidTimeStamp.Expired, …).
PopCode MapFailure(auth::Failure failure);

// A POP error body; the message is made valid UTF-8.
Response Render(const Product& product, int status, const std::string& code,
                const std::string& message, const std::string& request_id);

// A core::Error as this product's POP error: a signature failure by
// MapFailure, any other by the dialect's `map`; the parameter spelled from
// `names`; an internal error's message never shown (the log has it).
Response RenderError(const Product& product, const core::Error& error, const Request& request,
                     PopCode (*map)(const core::Error&), FieldNames names);

// The POP "no such API" answer (404 InvalidAction.NotFound).
Response NotFound(const Product& product, const Request& request);

}  // namespace drover::api::pop
