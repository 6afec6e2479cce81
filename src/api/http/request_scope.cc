#include "api/http/request_scope.h"

namespace drover::api {

namespace {

thread_local std::string_view current_request_id;

}  // namespace

RequestScope::RequestScope(std::string_view request_id) : previous_(current_request_id) {
  current_request_id = request_id;
}

RequestScope::~RequestScope() { current_request_id = previous_; }

std::string_view CurrentRequestId() { return current_request_id; }

}  // namespace drover::api
