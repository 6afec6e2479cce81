#include "auth/authenticator.h"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstring>

#include "auth/crypto.h"
#include "core/error.h"

namespace drover::auth {

namespace {

[[noreturn]] void Refuse(const char* reason, const std::string& message, const std::string& log) {
  spdlog::warn("auth: refused ({}): {}", reason, log);
  throw core::Error(core::ErrorCode::kUnauthenticated, message, "Authorization", reason);
}

std::string Header(const SignedRequest& r, const std::string& name) {
  auto it = r.headers.find(name);
  return it == r.headers.end() ? "" : it->second;
}

bool Contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

std::optional<core::TimeMs> ParseHttpDate(std::string_view text) {
  // "Sun, 22 Nov 2026 22:56:46 GMT"
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char weekday[4] = {}, month[4] = {}, zone[4] = {};
  int day, year, h, m, s;
  std::string copy(text);
  if (std::sscanf(copy.c_str(), "%3s, %d %3s %d %d:%d:%d %3s", weekday, &day, month, &year, &h, &m,
                  &s, zone) != 8 ||
      std::strcmp(zone, "GMT") != 0) {
    return std::nullopt;
  }
  int mon = 0;
  while (mon < 12 && std::strcmp(kMonths[mon], month) != 0) ++mon;
  if (mon == 12) return std::nullopt;
  char iso[32];
  std::snprintf(iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d:%02dZ", year, mon + 1, day, h, m, s);
  return core::ParseIso8601(iso);
}

std::optional<core::TimeMs> ParseBasicDate(std::string_view t) {
  // "20261122T225646Z"
  if (t.size() != 16 || t[8] != 'T' || t[15] != 'Z') return std::nullopt;
  std::string iso = std::string(t.substr(0, 4)) + "-" + std::string(t.substr(4, 2)) + "-" +
                    std::string(t.substr(6, 2)) + "T" + std::string(t.substr(9, 2)) + ":" +
                    std::string(t.substr(11, 2)) + ":" + std::string(t.substr(13, 2)) + "Z";
  return core::ParseIso8601(iso);
}

service::Principal PrincipalOf(const core::AccessKey& key) {
  service::Principal p;
  p.tenant_id = key.tenant;
  p.user_id = key.user;
  p.username = key.user;
  p.admin = key.policy == core::Policy::kAdmin;
  p.read_only = key.policy == core::Policy::kReadOnly;
  p.workspaces = key.workspaces;
  p.default_workspace_id = key.workspaces.empty() ? "1" : key.workspaces.begin()->first;
  return p;
}

service::Principal Authenticator::Authenticate(const SignedRequest& r) const {
  std::string header = Header(r, "authorization");
  if (header.empty()) {
    Refuse(kMissingCredential, "The request is not signed: it has no Authorization header.",
           r.method + " " + r.target + ": no Authorization header");
  }
  std::optional<Credential> cred = ParseAuthorization(header);
  if (!cred) {
    Refuse(kIncompleteSignature,
           "The Authorization header is not a signature this server understands.",
           r.method + " " + r.target + ": unreadable Authorization header");
  }
  std::optional<core::AccessKey> key = keys_.Find(cred->access_key_id);
  if (!key || key->revoked) {
    Refuse(kUnknownKey, "Specified access key is not found.",
           "access key " + cred->access_key_id + (key ? " is revoked" : " does not exist"));
  }

  // The request's own time, which the signature covers.
  std::optional<core::TimeMs> when;
  std::string date_header;
  switch (cred->scheme) {
    case Credential::Scheme::kAcs3:
      date_header = "x-acs-date";
      break;
    case Credential::Scheme::kRoaV1:
      date_header = "date";
      break;
    case Credential::Scheme::kHuawei:
      date_header = "x-sdk-date";
      break;
  }
  std::string date = Header(r, date_header);
  if (cred->scheme == Credential::Scheme::kAcs3) when = core::ParseIso8601(date);
  if (cred->scheme == Credential::Scheme::kRoaV1) when = ParseHttpDate(date);
  if (cred->scheme == Credential::Scheme::kHuawei) when = ParseBasicDate(date);
  bool signs_date =
      cred->scheme == Credential::Scheme::kRoaV1 || Contains(cred->signed_headers, date_header);
  if (!when || !signs_date) {
    Refuse(kIncompleteSignature, "The request needs a signed " + date_header + " header.",
           "key " + key->id + ": missing or unsigned " + date_header);
  }
  core::TimeMs now = clock_.Now();
  if (*when < now - kMaxClockSkew || *when > now + kMaxClockSkew) {
    Refuse(kExpired, "The specified time stamp or date value is expired.",
           "key " + key->id + ": " + date_header + " " + date + " is more than 15 minutes off");
  }

  bool match = false;
  switch (cred->scheme) {
    case Credential::Scheme::kAcs3:
      match =
          ConstantTimeEquals(Acs3Signature(r, cred->signed_headers, key->secret), cred->signature);
      break;
    case Credential::Scheme::kRoaV1: {
      std::string md5 = Header(r, "content-md5");
      match = (md5.empty() || md5 == Md5Base64(r.body)) &&
              ConstantTimeEquals(RoaV1Signature(r, key->secret), cred->signature);
      break;
    }
    case Credential::Scheme::kHuawei:
      match = ConstantTimeEquals(HuaweiSignature(r, cred->signed_headers, key->secret, true),
                                 cred->signature) ||
              ConstantTimeEquals(HuaweiSignature(r, cred->signed_headers, key->secret, false),
                                 cred->signature);
      break;
  }
  if (!match) {
    Refuse(kSignatureMismatch,
           "The request signature does not conform to the signature this server computes.",
           "key " + key->id + ": signature mismatch on " + r.method + " " + r.target);
  }

  if (cred->scheme != Credential::Scheme::kHuawei) {
    std::string nonce = Header(r, "x-acs-signature-nonce");
    if (nonce.empty() || (cred->scheme == Credential::Scheme::kAcs3 &&
                          !Contains(cred->signed_headers, "x-acs-signature-nonce"))) {
      Refuse(kIncompleteSignature, "The request needs a signed x-acs-signature-nonce header.",
             "key " + key->id + ": no signed nonce");
    }
    if (!keys_.UseNonce(key->id + "/" + nonce, now, now + 2 * kMaxClockSkew)) {
      Refuse(kNonceUsed, "Specified signature nonce was used already.",
             "key " + key->id + ": nonce " + nonce + " replayed");
    }
  }
  return PrincipalOf(*key);
}

void Authorize(const service::Principal& who, std::string_view action) {
  if (!who.read_only) return;
  // Read-only: the get and list actions of every dialect.
  size_t colon = action.rfind(':');
  std::string_view verb = action.substr(colon == std::string_view::npos ? 0 : colon + 1);
  bool reads =
      verb.starts_with("Get") || verb.starts_with("List") || verb == "get" || verb == "list";
  if (!reads) {
    spdlog::warn("auth: {} (read-only) may not {}", who.user_id, action);
    throw core::Error(
        core::ErrorCode::kPermissionDenied,
        "User " + who.user_id + " is not authorized to perform " + std::string(action) + ".", "",
        kDenied);
  }
}

}  // namespace drover::auth
