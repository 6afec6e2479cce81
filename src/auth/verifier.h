// Verifier: one request-signature scheme, checked the way the vendor's SDKs
// sign. The Authenticator (auth/authenticator.h) runs the steps every scheme
// shares — find the access key, check the request's time against the
// window, compare the signature, spend the nonce — and asks the scheme's
// Verifier for what differs: how its Authorization header reads, which
// header dates the request, how the signature is computed, whether a nonce
// is required.
//
// A dialect names the verifiers of the schemes its vendor's SDKs send
// (api/http/dialect.h). A new scheme (OSS V1, OSS V4) is one class in its
// own file, named by the dialect that accepts it; nothing else changes.
// Verifiers are stateless and thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/time.h"

namespace drover::auth {

// What a verifier reads of an HTTP request.
struct SignedRequest {
  std::string method;
  std::string target;                          // path?query exactly as sent
  std::map<std::string, std::string> headers;  // lowercase names
  std::string body;
};

// A parsed Authorization header.
struct Credential {
  std::string access_key_id;
  std::vector<std::string>
      signed_headers;  // lowercase, as listed; empty when the scheme fixes them
  std::string signature;
  // A presigned URL's end of validity; the request's time must then be
  // before it (and not ahead of the server's beyond the skew) rather than
  // within the skew window.
  std::optional<core::TimeMs> expires;
  // What follows the key in a scoped credential (OSS V4:
  // "20261127/cn-hangzhou/oss/aliyun_v4_request").
  std::string scope;
};

// Why a request was refused. Each dialect maps every value to its vendor's
// code in its error renderer (a switch, so the compiler names a missed one).
enum class Failure {
  kMissingCredential,    // no Authorization header
  kIncompleteSignature,  // not a scheme this API accepts, or a part missing or unsigned
  kUnknownKey,           // no such access key, or it is revoked
  kSignatureMismatch,    // the signature is not the one the server computes
  kExpired,              // the request's time is outside the skew window
  kNonceUsed,            // the nonce was accepted before
  kDenied,               // authenticated, but the key's policy does not allow the action
  kProjectMismatch,      // ModelArts: the URL's project is not the key's
};

std::string_view FailureName(Failure failure);
// The Failure a core::Error thrown by auth carries; nullopt for other errors.
std::optional<Failure> FailureOf(const core::Error& error);
// A core::Error (kUnauthenticated, or kPermissionDenied for kDenied and
// kProjectMismatch) carrying `failure`.
core::Error AuthError(Failure failure, const std::string& message,
                      std::string parameter = "Authorization");

class Verifier {
 public:
  virtual ~Verifier() = default;

  // The scheme's name, for logs ("ACS3-HMAC-SHA256").
  virtual std::string_view name() const = 0;
  // The credential when `authorization` is a complete header of this
  // scheme; nullopt for another scheme's header or an incomplete one.
  virtual std::optional<Credential> Parse(std::string_view authorization) const = 0;
  // The credential of a presigned URL (in the query), for a request with
  // no Authorization header; nullopt when the scheme has none or the query
  // does not carry a complete one.
  virtual std::optional<Credential> FromQuery(const SignedRequest&) const { return std::nullopt; }
  // Whether the request carries this scheme's presigned credential at all
  // (complete or not), so that a bad one is refused rather than taken as
  // an unsigned request.
  virtual bool PresignedIn(const SignedRequest&) const { return false; }
  // The header that dates a request ("x-acs-date").
  virtual std::string_view date_header() const = 0;
  // The request's time from date_header(); nullopt when it is missing,
  // unreadable, or not covered by the signature.
  virtual std::optional<core::TimeMs> RequestTime(const SignedRequest& request,
                                                  const Credential& credential) const = 0;
  // How far a request's time may be from the server's, either way.
  virtual core::TimeMs max_skew() const { return 15 * core::kMsPerMinute; }
  // Whether the credential's signature is the one the vendor's SDK computes
  // for this request with `secret`. Compares in constant time.
  virtual bool Matches(const SignedRequest& request, const Credential& credential,
                       std::string_view secret) const = 0;

  // The nonce policy: a scheme that `requires` a nonce refuses a request
  // without one (or with one the signature does not cover); a value is
  // accepted once per key within twice the skew window.
  struct Nonce {
    bool required = false;
    std::string header;  // for messages
    std::string value;   // empty when missing or unsigned
  };
  virtual Nonce RequestNonce(const SignedRequest&, const Credential&) const { return {}; }
};

}  // namespace drover::auth
