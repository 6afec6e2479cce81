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

}  // namespace drover::api
