#include "api/http/router.h"

namespace drover::api {

const std::string* Request::Query(const std::string& name) const {
  auto it = query.find(name);
  return it == query.end() ? nullptr : &it->second;
}

namespace {

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > start) out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

bool MatchPattern(std::string_view pattern, std::string_view path,
                  std::map<std::string, std::string>& params) {
  std::vector<std::string_view> want = Segments(pattern), have = Segments(path);
  if (want.size() != have.size()) return false;
  std::map<std::string, std::string> found;
  for (size_t i = 0; i < want.size(); ++i) {
    if (want[i].size() > 2 && want[i].front() == '{' && want[i].back() == '}') {
      found[std::string(want[i].substr(1, want[i].size() - 2))] = std::string(have[i]);
    } else if (want[i] != have[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

}  // namespace

void Router::Add(Route route) { routes_.push_back(std::move(route)); }

Response Router::Dispatch(Request& request) const {
  for (const Route& route : routes_) {
    if (route.method == request.method &&
        MatchPattern(route.pattern, request.path, request.path_params)) {
      return route.handler(request);
    }
  }
  const Handler* fallback = nullptr;
  size_t longest = 0;
  for (const auto& [prefix, handler] : not_found_) {
    if (request.path.starts_with(prefix) && (!fallback || prefix.size() >= longest)) {
      fallback = &handler;
      longest = prefix.size();
    }
  }
  if (!fallback) return Response{404, "text/plain", "not found"};
  return (*fallback)(request);
}

}  // namespace drover::api
