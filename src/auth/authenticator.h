// Authenticator: who signed a request. It finds the access key the
// Authorization header names, rebuilds the signature the vendor's SDK
// computes (auth/signatures.h) and compares, checks the request's time is
// within 15 minutes, and (PAI) that its nonce was never used before.
// Authorize then checks the principal's policy allows the route's action.
//
// Failures throw core::Error(kUnauthenticated or kPermissionDenied) whose
// reason() is one of the k* names below; each dialect maps those to its
// vendor's code. The server log says why; responses never carry secrets.
#pragma once

#include <string_view>

#include "auth/signatures.h"
#include "core/time.h"
#include "service/principal.h"
#include "store/key_store.h"

namespace drover::auth {

inline constexpr char kMissingCredential[] = "MissingCredential";
inline constexpr char kIncompleteSignature[] = "IncompleteSignature";
inline constexpr char kUnknownKey[] = "UnknownKey";
inline constexpr char kSignatureMismatch[] = "SignatureMismatch";
inline constexpr char kExpired[] = "Expired";
inline constexpr char kNonceUsed[] = "NonceUsed";
inline constexpr char kProjectMismatch[] = "ProjectMismatch";
inline constexpr char kDenied[] = "Denied";

inline constexpr core::TimeMs kMaxClockSkew = 15 * core::kMsPerMinute;

class Authenticator {
 public:
  // `keys` must outlive the authenticator.
  Authenticator(store::KeyStore& keys, const core::Clock& clock) : keys_(keys), clock_(clock) {}

  // Throws core::Error(kUnauthenticated) with a reason above.
  service::Principal Authenticate(const SignedRequest& request) const;

 private:
  store::KeyStore& keys_;
  const core::Clock& clock_;
};

// The principal a key stands for.
service::Principal PrincipalOf(const core::AccessKey& key);

// Throws core::Error(kPermissionDenied, reason kDenied) when `who`'s policy
// does not allow `action` (e.g. "paidlc:StopJob" for a read-only user).
void Authorize(const service::Principal& who, std::string_view action);

// "Sun, 22 Nov 2026 22:56:46 GMT" (RFC 1123) and "20261122T225646Z".
std::optional<core::TimeMs> ParseHttpDate(std::string_view text);
std::optional<core::TimeMs> ParseBasicDate(std::string_view text);

}  // namespace drover::auth
