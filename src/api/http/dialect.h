// Dialect: one vendor API as data. A dialect folder (api/dlc/,
// api/modelarts/, …) builds one of these and cli/serve.cc registers it with
// the Router (api/http/router.h) in one line:
//
//   - its routes: method, path pattern, query sub-resources, RAM action,
//     access level and handler;
//   - the path families and hosts it owns, so a request that matches no
//     route still gets this vendor's "no such API" answer;
//   - the signature schemes its SDKs send (auth/verifier.h);
//   - an admission check after authentication (ModelArts: the URL's
//     project must be the key's tenant);
//   - its error renderer: the one function that turns a core::Error into
//     its vendor's HTTP status and body.
//
// Handlers parse, call a service and render; they throw core::Error for
// anything expected and never catch it — the router renders it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/access.h"
#include "auth/verifier.h"
#include "core/error.h"
#include "service/principal.h"

namespace drover::api {

struct Request {
  std::string method;                          // "GET", "POST", …
  std::string target;                          // as sent, e.g. "/api/v1/jobs?PageSize=10"
  std::string path;                            // percent-decoded path without the query
  std::map<std::string, std::string> query;    // decoded; a repeated key keeps its last value
  std::map<std::string, std::string> headers;  // names in lowercase
  std::string body;
  // A route that takes its body as a file (Route::BodyMode::kFile) finds it
  // here instead of in `body`: a file the server spooled the body into.
  // The handler may keep it by renaming it away; the server removes it
  // after answering otherwise.
  std::string body_file;
  uint64_t body_size = 0;                          // of `body` or `body_file`
  std::map<std::string, std::string> path_params;  // filled by the router
  std::string request_id;                          // assigned by the server

  // Sets `target` as sent and what is read from it: the percent-decoded
  // `path` and the decoded `query`.
  void SetTarget(std::string sent);
  // The query parameter, or nullptr when it is absent.
  const std::string* Query(const std::string& name) const;
  // The header (lowercase name), or "" when absent.
  std::string_view Header(const std::string& name) const;
};

// An open file a response sends part of. The handler opens it, so a file
// replaced or removed after the handler returns is still sent whole.
class OpenFile {
 public:
  // Opens `path` for reading; throws std::system_error when it cannot.
  explicit OpenFile(const std::string& path);
  ~OpenFile();
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

struct FileSlice {
  std::shared_ptr<OpenFile> file;
  uint64_t offset = 0;
  uint64_t length = 0;
};

struct Response {
  Response() = default;
  Response(int status_, std::string content_type_, std::string body_)
      : status(status_), content_type(std::move(content_type_)), body(std::move(body_)) {}

  int status = 200;
  std::string content_type = "application/json;charset=utf-8";
  std::string body;
  // Further header fields, sent as given (ETag, Last-Modified, x-oss-*).
  std::vector<std::pair<std::string, std::string>> headers;
  // Sent instead of `body` when set.
  std::optional<FileSlice> file;
  // The answer to HEAD: the Content-Length a GET would have, and no body.
  std::optional<uint64_t> head_length;
};

using Handler = std::function<Response(Request&, const service::Principal&)>;

struct Route {
  // How the server reads the body: into Request::body, up to the server's
  // body limit, or spooled to Request::body_file, up to its file limit
  // (an object upload).
  enum class BodyMode { kMemory, kFile };

  std::string method;  // "GET"
  // "/api/v1/jobs/{JobId}"; a last segment `{Name+}` takes the rest of the
  // path, slashes and all ("/{Bucket}/{Key+}").
  std::string pattern;
  std::vector<std::string> subresources;  // query keys that must be present ("batchJob")
  std::string action;                     // "paidlc:ListJobs", as in the vendor's RAM tables
  auth::Access access;
  Handler handler;
  BodyMode body = BodyMode::kMemory;
  // May be called unsigned, as service::Principal::Anonymous(); the
  // handler decides what such a caller may see (an OSS public-read object).
  bool anonymous = false;
};

struct Dialect {
  std::string name;  // "pai-dlc": access logs and tests
  // Path prefixes ("/v1/") whose unmatched requests get this dialect's
  // not_found answer; the longest matching prefix across dialects wins.
  std::vector<std::string> path_families;
  // Optional: whether the request's Host belongs to this dialect (an OSS
  // bucket endpoint). Such a request is matched against this dialect's
  // routes only, after claim_host has rewritten it into the path form its
  // routes are written in (the bucket of the Host as the first segment).
  std::function<bool(Request&)> claim_host;
  // The signature schemes its vendor's SDKs send, tried in order.
  std::vector<const auth::Verifier*> verifiers;
  std::vector<Route> routes;
  // Optional: runs after authentication; throws core::Error to refuse.
  std::function<void(const Request&, const service::Principal&)> admit;
  // core::Error → this vendor's status and body. For kInternal it must not
  // show the message (the router has logged it).
  std::function<Response(const core::Error&, const Request&)> render_error;
  // The vendor's "no such API" answer.
  std::function<Response(const Request&)> not_found;

  // Adds a route that no query sub-resource tells apart.
  void Add(std::string method, std::string pattern, std::string action, auth::Access access,
           Handler handler) {
    routes.push_back(Route{
        std::move(method), std::move(pattern), {}, std::move(action), access, std::move(handler)});
  }
};

}  // namespace drover::api
