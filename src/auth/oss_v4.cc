#include "auth/oss_v4.h"

#include <algorithm>

#include "auth/canonical.h"
#include "auth/crypto.h"
#include "auth/oss_v1.h"
#include "core/url.h"

namespace drover::auth {

namespace {

constexpr std::string_view kScheme = "OSS4-HMAC-SHA256";

std::optional<std::string> QueryValue(const SignedRequest& r, std::string_view name) {
  for (auto& [key, value] : core::QueryPairs(SplitTarget(r.target).second)) {
    if (key == name) return value.value_or("");
  }
  return std::nullopt;
}

struct Scope {
  std::string key, date, region;
};

// "AK/20261127/cn-hangzhou/oss/aliyun_v4_request".
std::optional<Scope> ParseScope(std::string_view credential) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t slash = credential.find('/', start);
    parts.emplace_back(credential.substr(start, slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (parts.size() != 5 || parts[0].empty() || parts[1].size() != 8 || parts[2].empty() ||
      parts[3] != "oss" || parts[4] != "aliyun_v4_request") {
    return std::nullopt;
  }
  return Scope{parts[0], parts[1], parts[2]};
}

// The credential of "AK/date/region/oss/aliyun_v4_request".
Credential Scoped(const std::string& credential, std::vector<std::string> additional,
                  std::string signature, std::optional<core::TimeMs> expires) {
  size_t slash = credential.find('/');
  return Credential{credential.substr(0, slash), std::move(additional), std::move(signature),
                    expires, credential.substr(slash + 1)};
}

std::optional<Scope> ScopeOf(const Credential& c) {
  return ParseScope(c.access_key_id + "/" + c.scope);
}

bool Presigned(const SignedRequest& r) { return HeaderValue(r, "authorization").empty(); }

std::string RequestDate(const SignedRequest& r) {
  return Presigned(r) ? QueryValue(r, "x-oss-date").value_or("") : HeaderValue(r, "x-oss-date");
}

std::string CanonicalRequest(const SignedRequest& r, const std::vector<std::string>& additional) {
  std::string uri;
  for (char c : OssResource(r.target)) uri += c == '/' ? std::string("/") : Rfc3986Encode({&c, 1});
  auto params = core::QueryPairs(SplitTarget(r.target).second);
  std::stable_sort(params.begin(), params.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string query;
  for (const auto& [key, value] : params) {
    if (key == "x-oss-signature") continue;
    if (!query.empty()) query += '&';
    query += Rfc3986Encode(key);
    if (value && !value->empty()) query.append("=").append(Rfc3986Encode(*value));
  }
  std::vector<std::string> names = additional;
  for (const auto& [name, value] : r.headers) {
    if (name == "content-type" || name == "content-md5" || name.starts_with("x-oss-"))
      names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::string headers;
  for (const std::string& name : names) {
    headers.append(name).append(":").append(TrimSpace(HeaderValue(r, name))).append("\n");
  }
  std::string joined;
  for (const std::string& name : additional) joined.append(joined.empty() ? "" : ";").append(name);
  std::string payload = HeaderValue(r, "x-oss-content-sha256");
  std::string out = r.method;
  out.append("\n").append(uri).append("\n").append(query).append("\n").append(headers);
  out.append("\n").append(joined).append("\n").append(payload.empty() ? "UNSIGNED-PAYLOAD"
                                                                      : payload);
  return out;
}

class OssV4 final : public Verifier {
 public:
  std::string_view name() const override { return kScheme; }

  std::optional<Credential> Parse(std::string_view header) const override {
    header = TrimSpace(header);
    if (!header.starts_with(kScheme) || header.size() <= kScheme.size() ||
        header[kScheme.size()] != ' ') {
      return std::nullopt;
    }
    std::map<std::string, std::string> fields = CommaFields(header.substr(kScheme.size() + 1));
    auto credential = fields.find("Credential");
    auto signature = fields.find("Signature");
    if (credential == fields.end() || signature == fields.end() ||
        !ParseScope(credential->second)) {
      return std::nullopt;
    }
    auto additional = fields.find("AdditionalHeaders");
    return Scoped(credential->second,
                  additional == fields.end() ? std::vector<std::string>{}
                                             : SplitTrimmed(additional->second, ';'),
                  signature->second, std::nullopt);
  }

  bool PresignedIn(const SignedRequest& r) const override {
    return QueryValue(r, "x-oss-signature-version").has_value() ||
           QueryValue(r, "x-oss-signature").has_value();
  }

  std::optional<Credential> FromQuery(const SignedRequest& r) const override {
    std::optional<std::string> version = QueryValue(r, "x-oss-signature-version");
    std::optional<std::string> credential = QueryValue(r, "x-oss-credential");
    std::optional<std::string> signature = QueryValue(r, "x-oss-signature");
    std::optional<std::string> expires = QueryValue(r, "x-oss-expires");
    std::optional<core::TimeMs> date = ParseBasicDate(QueryValue(r, "x-oss-date").value_or(""));
    if (version != kScheme || !credential || !ParseScope(*credential) || !signature || !expires ||
        !date || expires->empty() || expires->size() > 9 ||
        !std::all_of(expires->begin(), expires->end(), [](char c) { return c >= '0' && c <= '9'; }))
      return std::nullopt;
    std::optional<std::string> additional = QueryValue(r, "x-oss-additional-headers");
    return Scoped(*credential,
                  additional ? SplitTrimmed(*additional, ';') : std::vector<std::string>{},
                  *signature, *date + std::stoll(*expires) * core::kMsPerSecond);
  }

  std::string_view date_header() const override { return "x-oss-date"; }

  std::optional<core::TimeMs> RequestTime(const SignedRequest& r,
                                          const Credential& c) const override {
    std::optional<Scope> scope = ScopeOf(c);
    std::string date = RequestDate(r);
    if (!scope || !date.starts_with(scope->date)) return std::nullopt;
    return ParseBasicDate(date);
  }

  bool Matches(const SignedRequest& r, const Credential& c,
               std::string_view secret) const override {
    std::optional<std::string> to_sign = OssV4StringToSign(r, c);
    std::optional<Scope> scope = ScopeOf(c);
    if (!to_sign || !scope) return false;
    std::string key = HmacSha256("aliyun_v4" + std::string(secret), scope->date);
    key = HmacSha256(key, scope->region);
    key = HmacSha256(key, "oss");
    key = HmacSha256(key, "aliyun_v4_request");
    return ConstantTimeEquals(HmacSha256Hex(key, *to_sign), c.signature);
  }
};

}  // namespace

std::optional<std::string> OssV4StringToSign(const SignedRequest& r, const Credential& c) {
  std::optional<Scope> scope = ScopeOf(c);
  if (!scope) return std::nullopt;
  std::string out(kScheme);
  out.append("\n").append(RequestDate(r)).append("\n");
  out.append(scope->date).append("/").append(scope->region).append("/oss/aliyun_v4_request\n");
  out.append(Sha256Hex(CanonicalRequest(r, c.signed_headers)));
  return out;
}

const Verifier& OssV4Verifier() {
  static const OssV4 verifier;
  return verifier;
}

}  // namespace drover::auth
