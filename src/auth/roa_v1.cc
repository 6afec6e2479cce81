#include "auth/roa_v1.h"

#include <algorithm>

#include "auth/canonical.h"
#include "auth/crypto.h"
#include "core/url.h"

namespace drover::auth {

std::string RoaV1StringToSign(const SignedRequest& r) {
  std::string out = r.method + "\n" + HeaderValue(r, "accept") + "\n" +
                    HeaderValue(r, "content-md5") + "\n" + HeaderValue(r, "content-type") + "\n" +
                    HeaderValue(r, "date") + "\n";
  for (const auto& [name, value] : r.headers) {  // std::map: sorted
    if (name.rfind("x-acs-", 0) != 0) continue;
    std::string v = value;
    std::replace(v.begin(), v.end(), '\t', ' ');
    std::replace(v.begin(), v.end(), '\n', ' ');
    out += name + ":" + std::string(TrimSpace(v)) + "\n";
  }
  auto [path, query] = SplitTarget(r.target);
  out += std::string(path);
  std::map<std::string, std::string> params = core::ParseQueryString(query);
  if (!params.empty()) {
    out += '?';
    bool first = true;
    for (const auto& [k, v] : params) {
      if (!first) out += '&';
      out.append(k).append("=").append(v);  // raw, decoded values
      first = false;
    }
  }
  return out;
}

std::string RoaV1Signature(const SignedRequest& r, std::string_view secret) {
  return HmacSha1Base64(secret, RoaV1StringToSign(r));
}

namespace {

class RoaV1 final : public Verifier {
 public:
  std::string_view name() const override { return "ROA HMAC-SHA1"; }

  std::optional<Credential> Parse(std::string_view header) const override {
    return ParseKeyColonCredential(header, "acs");
  }

  std::string_view date_header() const override { return "date"; }

  // The string to sign always covers Date.
  std::optional<core::TimeMs> RequestTime(const SignedRequest& r,
                                          const Credential&) const override {
    return ParseHttpDate(HeaderValue(r, "date"));
  }

  bool Matches(const SignedRequest& r, const Credential& c,
               std::string_view secret) const override {
    std::string md5 = HeaderValue(r, "content-md5");
    bool body_ok = md5.empty() || md5 == Md5Base64(r.body);
    return ConstantTimeEquals(RoaV1Signature(r, secret), c.signature) && body_ok;
  }

  // Every x-acs-* header is signed, the nonce among them.
  Nonce RequestNonce(const SignedRequest& r, const Credential&) const override {
    return {true, "x-acs-signature-nonce", HeaderValue(r, "x-acs-signature-nonce")};
  }
};

}  // namespace

const Verifier& RoaV1Verifier() {
  static const RoaV1 kVerifier;
  return kVerifier;
}

}  // namespace drover::auth
