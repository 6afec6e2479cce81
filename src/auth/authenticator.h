// Authenticator: who signed a request. It finds the access key the
// Authorization header names, asks the verifier of the header's scheme
// (auth/verifier.h) whether the request is dated within the window and
// signed as the vendor's SDK signs, and spends the request's nonce where the
// scheme has one. Authorize then checks the principal may call a route of
// the given access level.
//
// Failures throw core::Error carrying an auth::Failure (FailureOf); each
// dialect maps those to its vendor's codes. The server log says why;
// responses never carry secrets. Thread-safe.
#pragma once

#include <span>
#include <string_view>

#include "auth/access.h"
#include "auth/verifier.h"
#include "core/time.h"
#include "service/principal.h"
#include "store/key_store.h"

namespace drover::auth {

class Authenticator {
 public:
  // `keys` and `clock` must outlive the authenticator.
  Authenticator(store::KeyStore& keys, const core::Clock& clock) : keys_(keys), clock_(clock) {}

  // The principal whose key signed `request` in one of the `accepted`
  // schemes. Throws core::Error(kUnauthenticated) with a Failure otherwise.
  // With `allow_anonymous`, a request that carries no credential at all
  // is Principal::Anonymous() instead.
  service::Principal Authenticate(const SignedRequest& request,
                                  std::span<const Verifier* const> accepted,
                                  bool allow_anonymous = false) const;

 private:
  store::KeyStore& keys_;
  const core::Clock& clock_;
};

// The principal a key stands for.
service::Principal PrincipalOf(const core::AccessKey& key);

// Throws core::Error(kPermissionDenied, Failure::kDenied) when `who`'s
// policy does not allow `action` of `access` (a read-only key and kWrite).
void Authorize(const service::Principal& who, std::string_view action, Access access);

}  // namespace drover::auth
