// Authenticate: the hook every dialect calls first in each handler. It
// returns who the request acts as, having checked that this principal may
// call the route's `action`; it throws core::Error (kUnauthenticated or
// kPermissionDenied, with an auth:: reason) to refuse. cli/serve.cc builds
// it from auth/ (or, with --auth=off, returns the local user).
#pragma once

#include <functional>
#include <string_view>

#include "api/http/router.h"
#include "service/principal.h"

namespace drover::api {

using Authenticate = std::function<service::Principal(const Request&, std::string_view action)>;

// A handler that knows who is asking.
using PrincipalHandler = std::function<Response(Request&, const service::Principal&)>;
// Runs a handler, rendering a thrown core::Error in the dialect's format.
using ErrorGuard = Response (*)(const Request&, const std::function<Response()>&);

// Adds a route whose handler first authenticates (and authorizes `action`),
// with every core::Error rendered by `guard`.
inline void AddGuardedRoute(Router& router, const Authenticate& authenticate, ErrorGuard guard,
                            const std::string& method, const std::string& pattern,
                            const std::string& action, PrincipalHandler handler) {
  router.Add(Route{method, pattern, action, [=](Request& request) {
                     return guard(request,
                                  [&] { return handler(request, authenticate(request, action)); });
                   }});
}
}  // namespace drover::api
