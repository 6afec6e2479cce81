#include "console/assets.h"

#include <string>

namespace drover::console {

namespace {

std::string_view ContentType(std::string_view path) {
  if (path.ends_with(".html")) return "text/html; charset=utf-8";
  if (path.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (path.ends_with(".css")) return "text/css; charset=utf-8";
  if (path.ends_with(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

}  // namespace

std::optional<api::Response> ServeAsset(std::string_view path) {
  constexpr std::string_view kPrefix = "/console/";
  path = path.substr(0, path.find('?'));
  if (path == "/console") path = kPrefix;
  if (!path.starts_with(kPrefix)) return std::nullopt;
  std::string_view name = path.substr(kPrefix.size());
  if (name.empty()) name = "index.html";
  for (const EmbeddedFile& file : EmbeddedFiles()) {
    if (file.path != name) continue;
    api::Response response(200, std::string(ContentType(name)), std::string(file.data, file.size));
    response.headers = {
        {"Content-Security-Policy",
         "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; "
         "script-src 'self'; connect-src 'self'; frame-ancestors 'none'"},
        {"X-Content-Type-Options", "nosniff"},
        {"Cache-Control", "no-cache"},
        {"Referrer-Policy", "no-referrer"},
    };
    return response;
  }
  return std::nullopt;
}

}  // namespace drover::console
