#include "auth/oss_v1.h"

#include <algorithm>
#include <set>

#include "auth/canonical.h"
#include "auth/crypto.h"
#include "core/url.h"

namespace drover::auth {

namespace {

// The sub-resources OSS puts in the V1 string to sign (besides x-oss-*).
const std::set<std::string, std::less<>>& SignedSubresources() {
  static const std::set<std::string, std::less<>> names = {
      "acl",
      "append",
      "batchJob",
      "batchJobPriority",
      "batchJobStatus",
      "bucketInfo",
      "callback",
      "callback-var",
      "cloudboxes",
      "continuation-token",
      "delete",
      "location",
      "objectMeta",
      "partNumber",
      "position",
      "regionList",
      "resourceGroup",
      "response-cache-control",
      "response-content-disposition",
      "response-content-encoding",
      "response-content-language",
      "response-content-type",
      "response-expires",
      "restore",
      "security-token",
      "sequential",
      "stat",
      "symlink",
      "tagging",
      "uploadId",
      "uploads",
      "versionId",
      "versioning",
      "versions",
  };
  return names;
}

std::optional<std::string> QueryValue(const SignedRequest& r, std::string_view name) {
  for (auto& [key, value] : core::QueryPairs(SplitTarget(r.target).second)) {
    if (key == name) return value.value_or("");
  }
  return std::nullopt;
}

class OssV1 final : public Verifier {
 public:
  std::string_view name() const override { return "OSS"; }

  std::optional<Credential> Parse(std::string_view header) const override {
    return ParseKeyColonCredential(header, "OSS");
  }

  bool PresignedIn(const SignedRequest& r) const override {
    return QueryValue(r, "OSSAccessKeyId").has_value() || QueryValue(r, "Signature").has_value();
  }

  std::optional<Credential> FromQuery(const SignedRequest& r) const override {
    std::optional<std::string> key = QueryValue(r, "OSSAccessKeyId");
    std::optional<std::string> expires = QueryValue(r, "Expires");
    std::optional<std::string> signature = QueryValue(r, "Signature");
    if (!key || !expires || !signature || key->empty() || signature->empty()) return std::nullopt;
    if (expires->empty() || expires->size() > 12 ||
        !std::all_of(expires->begin(), expires->end(), [](char c) { return c >= '0' && c <= '9'; }))
      return std::nullopt;
    return Credential{*key, {}, *signature, std::stoll(*expires) * core::kMsPerSecond, {}};
  }

  std::string_view date_header() const override { return "date"; }

  // A presigned URL has no time of its own; its Expires bounds it.
  std::optional<core::TimeMs> RequestTime(const SignedRequest& r,
                                          const Credential& c) const override {
    if (c.expires) return core::TimeMs{0};
    std::string date = HeaderValue(r, "x-oss-date");
    return ParseHttpDate(date.empty() ? HeaderValue(r, "date") : date);
  }

  bool Matches(const SignedRequest& r, const Credential& c,
               std::string_view secret) const override {
    return ConstantTimeEquals(HmacSha1Base64(secret, OssV1StringToSign(r)), c.signature);
  }
};

}  // namespace

std::string OssResource(std::string_view target) {
  std::string path = core::PercentDecode(SplitTarget(target).first, false);
  if (path.empty()) path = "/";
  // A bucket alone is "/bucket/".
  size_t second = path.find('/', 1);
  if (path.size() > 1 && second == std::string::npos) path += '/';
  return path;
}

std::string OssV1StringToSign(const SignedRequest& r) {
  std::optional<std::string> expires = QueryValue(r, "Expires");
  bool presigned = HeaderValue(r, "authorization").empty() && expires.has_value();
  std::string date = HeaderValue(r, "x-oss-date");
  if (date.empty()) date = HeaderValue(r, "date");
  std::string out = r.method;
  out.append("\n").append(HeaderValue(r, "content-md5"));
  out.append("\n").append(HeaderValue(r, "content-type"));
  out.append("\n").append(presigned ? *expires : date).append("\n");
  for (const auto& [name, value] : r.headers) {  // std::map: sorted
    if (!name.starts_with("x-oss-")) continue;
    out.append(name).append(":").append(TrimSpace(value)).append("\n");
  }
  out += OssResource(r.target);
  std::map<std::string, std::string> signed_params;
  for (auto& [key, value] : core::QueryPairs(SplitTarget(r.target).second)) {
    if (SignedSubresources().contains(key) || key.starts_with("x-oss-")) {
      signed_params[key] = value.value_or("");
    }
  }
  char separator = '?';
  for (const auto& [key, value] : signed_params) {
    out.append(1, separator).append(key);
    if (!value.empty()) out.append("=").append(value);
    separator = '&';
  }
  return out;
}

const Verifier& OssV1Verifier() {
  static const OssV1 verifier;
  return verifier;
}

}  // namespace drover::auth
