// Router: the HTTP layer shared by every dialect, free of any socket code.
//
// Routes are data: each has a method, a path pattern with `{Name}` segments,
// the action name a permission check uses (`paidlc:ListJobs`), and a
// handler. The server turns bytes into a Request, the router finds the
// route, the dialect's handler parses, calls a service and renders.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace drover::api {

struct Request {
  std::string method;                          // "GET", "POST", …
  std::string target;                          // as sent, e.g. "/api/v1/jobs?PageSize=10"
  std::string path;                            // percent-decoded path without the query
  std::map<std::string, std::string> query;    // decoded; a repeated key keeps its last value
  std::map<std::string, std::string> headers;  // names in lowercase
  std::string body;
  std::map<std::string, std::string> path_params;  // filled by the router
  std::string request_id;                          // assigned by the server

  // The query parameter, or nullptr when it is absent.
  const std::string* Query(const std::string& name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json;charset=utf-8";
  std::string body;
};

using Handler = std::function<Response(Request&)>;

struct Route {
  std::string method;
  std::string pattern;  // "/api/v1/jobs/{JobId}"
  std::string action;   // "paidlc:GetJob"
  Handler handler;
};

class Router {
 public:
  void Add(Route route);
  // Answers requests under `path_prefix` that match no route (a dialect's
  // "no such API"); the longest matching prefix wins.
  void SetNotFound(std::string path_prefix, Handler handler) {
    not_found_[std::move(path_prefix)] = std::move(handler);
  }

  // Finds the route for the request, fills `path_params` and runs the
  // handler; falls back to the not-found handler.
  Response Dispatch(Request& request) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
  std::map<std::string, Handler> not_found_;  // by path prefix
};

}  // namespace drover::api
