// Router: the HTTP layer every dialect shares, free of socket code.
//
// Dialects register once (api/http/dialect.h): their routes, error format,
// signature schemes and admission check. For each request the router finds
// the one route that matches — across every dialect — and runs the same
// steps for all of them:
//
//   match → authenticate (the dialect's schemes) → admit (dialect check)
//   → authorize (the route's access level) → handler → access log
//
// Any exception a step throws is rendered in the matched dialect's error
// format with the request id: a core::Error as its code says, anything else
// as an internal error (logged with the request id). A request no route
// matches gets the "no such API" answer of the dialect whose path family or
// host it belongs to, or a neutral JSON 404 when it belongs to none.
//
// Matching: the method, every path segment (a `{Name}` segment takes any
// one segment), and the route's query sub-resources must all match. When
// several routes match, the most specific wins: compared segment by segment
// from the left, a literal beats a `{Name}`; then more sub-resources beat
// fewer. Two routes that would match exactly the same requests are refused
// at registration (std::logic_error).
//
// Threading: register every dialect before serving; Dispatch is then
// thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "api/http/dialect.h"
#include "core/latency_histogram.h"

namespace drover::api {

// Who a request acts as, given the dialect and route that own it: checks
// its signature against the dialect's verifiers (cli/serve.cc), lets an
// unsigned request of a Route::anonymous route through as
// Principal::Anonymous(), or returns the local admin while authentication
// is off. Throws core::Error to refuse.
using Gate = std::function<service::Principal(const Request&, const Dialect&, const Route&)>;

class Router {
 public:
  explicit Router(Gate gate);
  ~Router();

  // Adds a dialect and its routes. Throws std::logic_error when a route
  // would match exactly the requests an already registered one matches, or
  // has a malformed pattern.
  void Register(Dialect dialect);

  // What a request matched; both null when no route did (then `family` is
  // the dialect whose path family or host it belongs to, or null).
  struct Match {
    const Dialect* dialect = nullptr;
    const Route* route = nullptr;
    const Dialect* family = nullptr;
  };
  // Finds the route and fills `request.path_params`.
  Match Find(Request& request) const;

  // Runs the steps above and returns the response; never throws.
  Response Dispatch(Request& request) const;

  // The server could not take `request` (as far as it was read) as HTTP:
  // a body over the limit (413), a target or header section too large
  // (414, 431), malformed framing (400), too many connections (503).
  // Rendered as an InvalidArgument in the format of the dialect whose
  // family the path or host belongs to (else the neutral body), with
  // `status` as the HTTP status; logged like any request. Never throws.
  Response Refuse(Request& request, int status, const std::string& message) const;

  const std::vector<std::unique_ptr<Dialect>>& dialects() const { return dialects_; }

  // What the router answered since start, for GET /metrics: per dialect
  // (the path family's name, "-" for none), action ("-" when no route
  // matched) and HTTP status, how long each took.
  struct RequestStats {
    std::string dialect;
    std::string action;
    int status = 0;
    core::LatencyHistogram::Snapshot latency;
  };
  std::vector<RequestStats> Stats() const;

 private:
  struct CompiledRoute;
  void Count(const Match& match, int status, std::chrono::steady_clock::time_point started) const;

  Gate gate_;
  std::vector<std::unique_ptr<Dialect>> dialects_;
  std::vector<CompiledRoute> routes_;

  // Views of the dialect's and route's own names (or of a constant), which
  // live as long as the router: counting a request copies no string. Two
  // routes of one action share their entry.
  using StatsKey = std::tuple<std::string_view, std::string_view, int>;
  mutable std::shared_mutex stats_mu_;
  // guarded by stats_mu_ (the map; each histogram is lock-free)
  mutable std::map<StatsKey, std::unique_ptr<core::LatencyHistogram>> stats_;
};

}  // namespace drover::api
