#include "api/http/router.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <stdexcept>
#include <system_error>

#include "api/http/request_scope.h"
#include "auth/authenticator.h"
#include "core/url.h"
#include "core/utf8.h"

namespace drover::api {

// ==== Request ===============================================================

void Request::SetTarget(std::string sent) {
  target = std::move(sent);
  std::string_view view = target;
  size_t question = view.find('?');
  path = core::PercentDecode(view.substr(0, question), false);
  query.clear();
  if (question != std::string_view::npos) query = core::ParseQueryString(view.substr(question + 1));
}

const std::string* Request::Query(const std::string& name) const {
  auto it = query.find(name);
  return it == query.end() ? nullptr : &it->second;
}

std::string_view Request::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string_view() : std::string_view(it->second);
}

OpenFile::OpenFile(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "open " + path);
}

OpenFile::~OpenFile() { ::close(fd_); }

// ==== Matching ==============================================================

namespace {

const std::string kNone = "-";  // no dialect, or no route, in the access log and metrics

// The non-empty segments of a path ("/a//b/" → a, b).
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

bool IsParam(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

bool IsRestParam(std::string_view segment) {
  return IsParam(segment) && segment[segment.size() - 2] == '+';
}

// The length of the longest path family of `dialect` that `path` starts with.
size_t FamilyLength(const Dialect& dialect, std::string_view path) {
  size_t longest = 0;
  for (const std::string& prefix : dialect.path_families) {
    if (path.starts_with(prefix)) longest = std::max(longest, prefix.size());
  }
  return longest;
}

}  // namespace

struct Router::CompiledRoute {
  const Dialect* dialect;
  const Route* route;
  std::vector<std::string> literals;  // "" where the segment is a {Name}
  std::vector<std::string> params;    // the {Name}, "" where the segment is literal
  bool rest = false;                  // the last {Name+} takes the rest of the path

  bool Matches(const Request& request, const std::vector<std::string_view>& have) const {
    if (route->method != request.method) return false;
    if (rest ? have.size() < literals.size() : have.size() != literals.size()) return false;
    for (size_t i = 0; i < literals.size(); ++i) {
      if (params[i].empty() && literals[i] != have[i]) return false;
    }
    for (const std::string& key : route->subresources) {
      if (!request.query.contains(key)) return false;
    }
    return true;
  }

  // <0 when this route is more specific than `other` for the same request.
  int CompareSpecificity(const CompiledRoute& other) const {
    for (size_t i = 0; i < params.size() && i < other.params.size(); ++i) {
      bool mine = params[i].empty(), theirs = other.params[i].empty();  // literal?
      if (mine != theirs) return mine ? -1 : 1;
    }
    if (rest != other.rest) return rest ? 1 : -1;
    return static_cast<int>(other.route->subresources.size()) -
           static_cast<int>(route->subresources.size());
  }

  // Whether both match exactly the same requests.
  bool SameAs(const CompiledRoute& other) const {
    if (route->method != other.route->method || literals != other.literals || rest != other.rest) {
      return false;
    }
    for (size_t i = 0; i < params.size(); ++i) {
      if (params[i].empty() != other.params[i].empty()) return false;
    }
    std::vector<std::string> a = route->subresources, b = other.route->subresources;
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    return a == b;
  }
};

Router::Router(Gate gate) : gate_(std::move(gate)) {}
Router::~Router() = default;

void Router::Register(Dialect dialect) {
  if (!dialect.render_error || !dialect.not_found) {
    throw std::logic_error("dialect " + dialect.name + " lacks an error renderer or not_found");
  }
  dialects_.push_back(std::make_unique<Dialect>(std::move(dialect)));
  const Dialect& added = *dialects_.back();
  for (const Route& route : added.routes) {
    CompiledRoute compiled{&added, &route, {}, {}};
    for (std::string_view segment : Segments(route.pattern)) {
      if ((segment.find('{') != std::string_view::npos && !IsParam(segment)) || compiled.rest) {
        throw std::logic_error("route " + route.action + ": malformed segment in " + route.pattern);
      }
      compiled.rest = IsRestParam(segment);
      compiled.literals.emplace_back(IsParam(segment) ? "" : segment);
      compiled.params.emplace_back(
          IsParam(segment) ? segment.substr(1, segment.size() - (compiled.rest ? 3 : 2)) : "");
    }
    for (const CompiledRoute& existing : routes_) {
      if (compiled.SameAs(existing)) {
        throw std::logic_error("route " + route.action + " (" + route.method + " " + route.pattern +
                               ") matches the same requests as " + existing.route->action + " (" +
                               existing.route->pattern + ")");
      }
    }
    routes_.push_back(std::move(compiled));
  }
}

Router::Match Router::Find(Request& request) const {
  const Dialect* host_owner = nullptr;
  for (const auto& dialect : dialects_) {
    if (dialect->claim_host && dialect->claim_host(request)) {
      host_owner = dialect.get();
      break;
    }
  }
  // The dialect whose path family is the longest prefix of the path: a
  // route of another dialect matches only when its own family is as long
  // (an OSS bucket named "api" does not take /api/v1/… from PAI).
  const Dialect* family = host_owner;
  size_t longest = 0;
  for (const auto& dialect : dialects_) {
    if (host_owner) break;
    size_t length = FamilyLength(*dialect, request.path);
    if (length > longest) {
      family = dialect.get();
      longest = length;
    }
  }
  std::vector<std::string_view> have = Segments(request.path);
  const CompiledRoute* best = nullptr;
  for (const CompiledRoute& candidate : routes_) {
    if (host_owner && candidate.dialect != host_owner) continue;
    if (!host_owner && longest > 0 && FamilyLength(*candidate.dialect, request.path) < longest) {
      continue;
    }
    if (!candidate.Matches(request, have)) continue;
    // Ties go to the route registered first.
    if (!best || candidate.CompareSpecificity(*best) < 0) best = &candidate;
  }
  Match match;
  match.family = family;
  if (!best) return match;
  request.path_params.clear();
  for (size_t i = 0; i < best->params.size(); ++i) {
    if (best->params[i].empty()) continue;
    if (best->rest && i + 1 == best->params.size()) {
      // The rest of the path as sent: from just after the previous
      // segment's slash, so "//" and a trailing "/" stay in the value.
      size_t start = i == 0 ? 1
                            : static_cast<size_t>(have[i - 1].data() - request.path.data()) +
                                  have[i - 1].size() + 1;
      request.path_params[best->params[i]] = request.path.substr(start);
    } else {
      request.path_params[best->params[i]] = std::string(have[i]);
    }
  }
  match.dialect = match.family = best->dialect;
  match.route = best->route;
  return match;
}

// ==== Dispatch ==============================================================

namespace {

// The server's own answer to a request that belongs to no dialect.
Response Neutral(const Request& request, int status, const std::string& code,
                 const std::string& message) {
  boost::json::object body{
      {"Code", code}, {"Message", core::ToValidUtf8(message)}, {"RequestId", request.request_id}};
  return Response{status, "application/json;charset=utf-8", boost::json::serialize(body)};
}

Response NoSuchApi(const Request& request) {
  return Neutral(request, 404, "NotFound",
                 "No API is served at " + request.method + " " + request.path + ".");
}

Response Internal(const Request& request) {
  return Response{500, "text/plain",
                  "internal error; see the server log for request " + request.request_id + "\n"};
}

// Every text a handler may read is valid UTF-8, so none can reach a body
// Drover writes. Throws kInvalidArgument naming the first that is not.
void CheckUtf8(const Request& request) {
  auto refuse = [](const std::string& name) {
    std::string shown = core::ToValidUtf8(name);
    core::ThrowInvalid(shown, "The value of " + shown + " is not valid UTF-8.");
  };
  for (const auto& [name, value] : request.path_params) {
    if (!core::IsValidUtf8(value)) refuse(name);
  }
  for (const auto& [name, value] : request.query) {
    if (!core::IsValidUtf8(name) || !core::IsValidUtf8(value)) refuse(name);
  }
  if (!core::IsValidUtf8(request.path)) refuse("path");
}

}  // namespace

Response Router::Refuse(Request& request, int status, const std::string& message) const {
  RequestScope scope(request.request_id);
  Match match = Find(request);
  Response response;
  try {
    core::Error error(core::ErrorCode::kInvalidArgument, message, "",
                      status == 413 ? core::kTooLarge : "");
    if (match.family) {
      response = match.family->render_error(error, request);
    } else {
      response = Neutral(request, status, "BadRequest", message);
    }
  } catch (const std::exception& e) {
    spdlog::error("cannot render a refusal: {}", e.what());
    response = Internal(request);
  }
  response.status = status;
  Count(match, status, std::chrono::steady_clock::now());
  spdlog::info("access {} - - {} {} {} refused: {}", match.family ? match.family->name : "-",
               core::ToValidUtf8(request.method), core::ToValidUtf8(request.path), status, message);
  return response;
}

Response Router::Dispatch(Request& request) const {
  auto started = std::chrono::steady_clock::now();
  RequestScope scope(request.request_id);
  Match match = Find(request);
  std::string principal = "-";
  Response response;
  try {
    if (!match.route) {
      response = match.family ? match.family->not_found(request) : NoSuchApi(request);
    } else {
      const Dialect& dialect = *match.dialect;
      try {
        CheckUtf8(request);
        service::Principal who = gate_(request, dialect, *match.route);
        principal = who.tenant_id + "/" + who.user_id;
        if (dialect.admit) dialect.admit(request, who);
        auth::Authorize(who, match.route->action, match.route->access);
        response = match.route->handler(request, who);
      } catch (const core::Error& e) {
        if (e.code() == core::ErrorCode::kInternal) {
          spdlog::error("{}: {}", match.route->action, e.what());
        } else if (e.code() == core::ErrorCode::kUnavailable) {
          spdlog::warn("{}: {}", match.route->action, e.what());
        }
        response = dialect.render_error(e, request);
      } catch (const std::exception& e) {
        spdlog::error("{}: unexpected {}", match.route->action, e.what());
        response = dialect.render_error(core::Error(core::ErrorCode::kInternal, e.what()), request);
      }
    }
  } catch (const std::exception& e) {  // a renderer failed
    spdlog::error("cannot render the answer to {} {}: {}", request.method, request.path, e.what());
    response = Internal(request);
  }
  Count(match, response.status, started);
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now() - started)
                    .count();
  spdlog::info("access {} {} {} {} {} {} {}us", match.family ? match.family->name : "-",
               match.route ? match.route->action : "-", principal, request.method, request.path,
               response.status, micros);
  return response;
}

void Router::Count(const Match& match, int status,
                   std::chrono::steady_clock::time_point started) const {
  StatsKey key{match.family ? match.family->name : kNone, match.route ? match.route->action : kNone,
               status};
  auto took = std::chrono::steady_clock::now() - started;
  {
    std::shared_lock lock(stats_mu_);
    auto it = stats_.find(key);
    if (it != stats_.end()) {
      it->second->Observe(took);
      return;
    }
  }
  std::unique_lock lock(stats_mu_);
  auto& histogram = stats_[key];
  if (!histogram) histogram = std::make_unique<core::LatencyHistogram>();
  histogram->Observe(took);
}

std::vector<Router::RequestStats> Router::Stats() const {
  std::shared_lock lock(stats_mu_);
  std::vector<RequestStats> out;
  for (const auto& [key, histogram] : stats_) {
    out.push_back({std::string(std::get<0>(key)), std::string(std::get<1>(key)), std::get<2>(key),
                   histogram->Read()});
  }
  return out;
}

}  // namespace drover::api
