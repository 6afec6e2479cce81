// The web console's files (src/console/web), built into the binary and
// served under /console/ by the HTTP server: GET only, unsigned (they hold
// no data; the console signs its API calls in the browser like any SDK).
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "api/http/dialect.h"

namespace drover::console {

struct EmbeddedFile {
  std::string_view path;  // relative to src/console/web, e.g. "app.js"
  const char* data;
  size_t size;
};

// Every file, as the build embedded them (generated: console_assets.cc).
const std::vector<EmbeddedFile>& EmbeddedFiles();

// The answer to GET `path` when it names a console file ("/console/" is
// index.html); nullopt for any other path. Each answer forbids every
// origin but the server's own (Content-Security-Policy), so the console
// makes no request elsewhere.
std::optional<api::Response> ServeAsset(std::string_view path);

}  // namespace drover::console
