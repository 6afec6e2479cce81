#include "auth/acs3.h"

#include <algorithm>

#include "auth/canonical.h"
#include "auth/crypto.h"
#include "core/url.h"

namespace drover::auth {

std::string Acs3CanonicalRequest(const SignedRequest& r,
                                 const std::vector<std::string>& signed_headers) {
  auto [path, query] = SplitTarget(r.target);
  // Keys sorted and sent as they are; values RFC 3986-encoded.
  std::string canonical_query;
  for (const auto& [k, v] : core::ParseQueryString(query)) {
    if (!canonical_query.empty()) canonical_query += '&';
    canonical_query += k + "=" + Rfc3986Encode(v);
  }
  std::vector<std::string> names = signed_headers;
  std::sort(names.begin(), names.end());
  std::string headers;
  for (const std::string& name : names)
    headers += name + ":" + std::string(TrimSpace(HeaderValue(r, name))) + "\n";
  std::string joined;
  for (const std::string& name : names) joined += (joined.empty() ? "" : ";") + name;
  return r.method + "\n" + std::string(path) + "\n" + canonical_query + "\n" + headers + "\n" +
         joined + "\n" + Sha256Hex(r.body);
}

std::string Acs3Signature(const SignedRequest& r, const std::vector<std::string>& signed_headers,
                          std::string_view secret) {
  std::string to_sign = "ACS3-HMAC-SHA256\n" + Sha256Hex(Acs3CanonicalRequest(r, signed_headers));
  return HmacSha256Hex(secret, to_sign);
}

namespace {

class Acs3 final : public Verifier {
 public:
  std::string_view name() const override { return "ACS3-HMAC-SHA256"; }

  std::optional<Credential> Parse(std::string_view header) const override {
    return ParseFieldCredential(header, name(), "Credential");
  }

  std::string_view date_header() const override { return "x-acs-date"; }

  std::optional<core::TimeMs> RequestTime(const SignedRequest& r,
                                          const Credential& c) const override {
    if (!Lists(c.signed_headers, "x-acs-date")) return std::nullopt;
    return core::ParseIso8601(HeaderValue(r, "x-acs-date"));
  }

  bool Matches(const SignedRequest& r, const Credential& c,
               std::string_view secret) const override {
    return ConstantTimeEquals(Acs3Signature(r, c.signed_headers, secret), c.signature);
  }

  Nonce RequestNonce(const SignedRequest& r, const Credential& c) const override {
    std::string header = "x-acs-signature-nonce";
    bool signed_nonce = Lists(c.signed_headers, header);
    return {true, header, signed_nonce ? HeaderValue(r, header) : ""};
  }
};

}  // namespace

const Verifier& Acs3Verifier() {
  static const Acs3 kVerifier;
  return kVerifier;
}

}  // namespace drover::auth
