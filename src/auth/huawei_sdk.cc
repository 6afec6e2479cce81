#include "auth/huawei_sdk.h"

#include <algorithm>

#include "auth/canonical.h"
#include "auth/crypto.h"
#include "core/url.h"

namespace drover::auth {

std::string HuaweiCanonicalRequest(const SignedRequest& r,
                                   const std::vector<std::string>& signed_headers,
                                   bool encode_path) {
  auto [path, query] = SplitTarget(r.target);
  std::string uri;
  if (encode_path) {
    std::vector<std::string> segments = SplitTrimmed(path, '/');
    for (size_t i = 0; i < segments.size(); ++i) {
      uri += (i ? "/" : "") + Rfc3986Encode(core::PercentDecode(segments[i], false));
    }
  } else {
    uri = std::string(path);
  }
  if (uri.empty() || uri.back() != '/') uri += '/';
  std::string canonical_query;
  for (const auto& [k, v] : core::ParseQueryString(query)) {
    if (!canonical_query.empty()) canonical_query += '&';
    canonical_query += Rfc3986Encode(k) + "=" + Rfc3986Encode(v);
  }
  std::vector<std::string> names = signed_headers;
  std::sort(names.begin(), names.end());
  std::string headers;
  for (const std::string& name : names) headers += name + ":" + HeaderValue(r, name) + "\n";
  std::string joined;
  for (const std::string& name : names) joined += (joined.empty() ? "" : ";") + name;
  std::string payload = HeaderValue(r, "x-sdk-content-sha256");
  if (payload.empty()) payload = Sha256Hex(r.body);
  return r.method + "\n" + uri + "\n" + canonical_query + "\n" + headers + "\n" + joined + "\n" +
         payload;
}

std::string HuaweiSignature(const SignedRequest& r, const std::vector<std::string>& signed_headers,
                            std::string_view secret, bool encode_path) {
  std::string to_sign = "SDK-HMAC-SHA256\n" + HeaderValue(r, "x-sdk-date") + "\n" +
                        Sha256Hex(HuaweiCanonicalRequest(r, signed_headers, encode_path));
  return HmacSha256Hex(secret, to_sign);
}

namespace {

class HuaweiSdk final : public Verifier {
 public:
  std::string_view name() const override { return "SDK-HMAC-SHA256"; }

  std::optional<Credential> Parse(std::string_view header) const override {
    return ParseFieldCredential(header, name(), "Access");
  }

  std::string_view date_header() const override { return "x-sdk-date"; }

  std::optional<core::TimeMs> RequestTime(const SignedRequest& r,
                                          const Credential& c) const override {
    if (!Lists(c.signed_headers, "x-sdk-date")) return std::nullopt;
    return ParseBasicDate(HeaderValue(r, "x-sdk-date"));
  }

  bool Matches(const SignedRequest& r, const Credential& c,
               std::string_view secret) const override {
    return ConstantTimeEquals(HuaweiSignature(r, c.signed_headers, secret, true), c.signature) ||
           ConstantTimeEquals(HuaweiSignature(r, c.signed_headers, secret, false), c.signature);
  }
};

}  // namespace

const Verifier& HuaweiSdkVerifier() {
  static const HuaweiSdk kVerifier;
  return kVerifier;
}

}  // namespace drover::auth
