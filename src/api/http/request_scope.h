// RequestScope: the id of the request this thread is serving, so every log
// line written while serving it carries the id (cli/logging.h adds it to
// spdlog's pattern). The router opens one scope per request.
#pragma once

#include <string_view>

namespace drover::api {

class RequestScope {
 public:
  explicit RequestScope(std::string_view request_id);
  ~RequestScope();
  RequestScope(const RequestScope&) = delete;
  RequestScope& operator=(const RequestScope&) = delete;

 private:
  std::string_view previous_;
};

// The id of the request this thread is serving; empty outside any.
std::string_view CurrentRequestId();

}  // namespace drover::api
