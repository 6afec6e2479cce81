#include "auth/authenticator.h"

#include <spdlog/spdlog.h>

#include "auth/canonical.h"

namespace drover::auth {

namespace {

constexpr std::string_view kFailureNames[] = {
    "MissingCredential", "IncompleteSignature", "UnknownKey", "SignatureMismatch",
    "Expired",           "NonceUsed",           "Denied",     "ProjectMismatch",
};

[[noreturn]] void Refuse(Failure failure, const std::string& message, const std::string& log) {
  spdlog::warn("auth: refused ({}): {}", FailureName(failure), log);
  throw AuthError(failure, message);
}

}  // namespace

std::string_view FailureName(Failure failure) {
  return kFailureNames[static_cast<size_t>(failure)];
}

std::optional<Failure> FailureOf(const core::Error& error) {
  for (size_t i = 0; i < std::size(kFailureNames); ++i) {
    if (error.reason() == kFailureNames[i]) return static_cast<Failure>(i);
  }
  return std::nullopt;
}

core::Error AuthError(Failure failure, const std::string& message, std::string parameter) {
  bool denied = failure == Failure::kDenied || failure == Failure::kProjectMismatch;
  return core::Error(
      denied ? core::ErrorCode::kPermissionDenied : core::ErrorCode::kUnauthenticated, message,
      std::move(parameter), std::string(FailureName(failure)));
}

service::Principal PrincipalOf(const core::AccessKey& key) {
  service::Principal p;
  p.tenant_id = key.tenant;
  p.user_id = key.user;
  p.username = key.user;
  p.admin = key.policy == core::Policy::kAdmin;
  p.read_only = key.policy == core::Policy::kReadOnly;
  p.workspaces = key.workspaces;
  p.by_key = true;
  p.default_workspace_id = key.workspaces.empty() ? "1" : key.workspaces.begin()->first;
  return p;
}

service::Principal Authenticator::Authenticate(const SignedRequest& r,
                                               std::span<const Verifier* const> accepted,
                                               bool allow_anonymous) const {
  std::string header = HeaderValue(r, "authorization");
  const Verifier* scheme = nullptr;
  std::optional<Credential> cred;
  if (header.empty()) {
    bool presigned = false;
    for (const Verifier* verifier : accepted) {
      presigned = presigned || verifier->PresignedIn(r);
      if ((cred = verifier->FromQuery(r))) {
        scheme = verifier;
        break;
      }
    }
    if (!presigned && allow_anonymous) return service::Principal::Anonymous();
    if (!presigned) {
      Refuse(Failure::kMissingCredential,
             "The request is not signed: it has no Authorization header.",
             r.method + " " + r.target + ": no Authorization header");
    }
  }
  for (const Verifier* verifier : accepted) {
    if (scheme || header.empty()) break;
    if ((cred = verifier->Parse(header))) scheme = verifier;
  }
  if (!scheme) {
    Refuse(Failure::kIncompleteSignature,
           "The Authorization header is not a signature this API accepts.",
           r.method + " " + r.target + ": unreadable or foreign Authorization header");
  }
  std::optional<core::AccessKey> key = keys_.Find(cred->access_key_id);
  if (!key || key->revoked) {
    Refuse(Failure::kUnknownKey, "Specified access key is not found.",
           "access key " + cred->access_key_id + (key ? " is revoked" : " does not exist"));
  }

  // The request's own time, which the signature covers.
  std::string date_header(scheme->date_header());
  std::optional<core::TimeMs> when = scheme->RequestTime(r, *cred);
  if (!when) {
    Refuse(Failure::kIncompleteSignature, "The request needs a signed " + date_header + " header.",
           "key " + key->id + ": missing, unreadable or unsigned " + date_header);
  }
  core::TimeMs now = clock_.Now();
  core::TimeMs skew = scheme->max_skew();
  if (cred->expires && (now > *cred->expires || *when > now + skew)) {
    Refuse(Failure::kExpired, "Request has expired.",
           "key " + key->id + ": presigned request expired or dated ahead");
  }
  if (!cred->expires && (*when < now - skew || *when > now + skew)) {
    Refuse(Failure::kExpired, "The specified time stamp or date value is expired.",
           "key " + key->id + ": " + date_header + " " + HeaderValue(r, date_header) +
               " is more than " + std::to_string(skew / core::kMsPerMinute) + " minutes off");
  }

  if (!scheme->Matches(r, *cred, key->secret)) {
    Refuse(Failure::kSignatureMismatch,
           "The request signature does not conform to the signature this server computes.",
           "key " + key->id + ": " + std::string(scheme->name()) + " signature mismatch on " +
               r.method + " " + r.target);
  }

  Verifier::Nonce nonce = scheme->RequestNonce(r, *cred);
  if (nonce.required) {
    if (nonce.value.empty()) {
      Refuse(Failure::kIncompleteSignature,
             "The request needs a signed " + nonce.header + " header.",
             "key " + key->id + ": no signed nonce");
    }
    if (!keys_.UseNonce(key->id + "/" + nonce.value, now, now + 2 * skew)) {
      Refuse(Failure::kNonceUsed, "Specified signature nonce was used already.",
             "key " + key->id + ": nonce " + nonce.value + " replayed");
    }
  }
  return PrincipalOf(*key);
}

void Authorize(const service::Principal& who, std::string_view action, Access access) {
  if (access == Access::kRead || !who.read_only) return;
  spdlog::warn("auth: {} (read-only) may not {}", who.user_id, action);
  throw AuthError(
      Failure::kDenied,
      "User " + who.user_id + " is not authorized to perform " + std::string(action) + ".", "");
}

}  // namespace drover::auth
