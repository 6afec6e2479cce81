// Server logging: spdlog to stdout at `level` (trace, debug, info, warn,
// error, critical, off). A line written while a request is served starts
// with `[req <RequestId>]`, so every line about one request can be found
// by its id (api/http/request_scope.h).
#pragma once

#include <string>

namespace drover::cli {

// Throws std::runtime_error for an unknown level.
void ConfigureLogging(const std::string& level);

}  // namespace drover::cli
