#include "auth/signatures.h"

#include <algorithm>

#include "auth/crypto.h"
#include "core/url.h"

namespace drover::auth {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string Header(const SignedRequest& r, const std::string& name) {
  auto it = r.headers.find(name);
  return it == r.headers.end() ? "" : it->second;
}

std::pair<std::string_view, std::string_view> SplitTarget(std::string_view target) {
  size_t q = target.find('?');
  if (q == std::string_view::npos) return {target, {}};
  return {target.substr(0, q), target.substr(q + 1)};
}

std::vector<std::string> Split(std::string_view text, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(sep, start);
    if (end == std::string_view::npos) end = text.size();
    out.emplace_back(Trim(text.substr(start, end - start)));
    start = end + 1;
  }
  return out;
}

// "k1=v1,k2=v2" (or ", " separated) → map.
std::map<std::string, std::string> Fields(std::string_view text) {
  std::map<std::string, std::string> out;
  for (const std::string& part : Split(text, ',')) {
    size_t eq = part.find('=');
    if (eq != std::string::npos) out[part.substr(0, eq)] = part.substr(eq + 1);
  }
  return out;
}

}  // namespace

std::optional<Credential> ParseAuthorization(std::string_view header) {
  header = Trim(header);
  auto starts = [&](std::string_view prefix) { return header.substr(0, prefix.size()) == prefix; };
  if (starts("ACS3-HMAC-SHA256 ") || starts("SDK-HMAC-SHA256 ")) {
    bool acs = starts("ACS3-HMAC-SHA256 ");
    size_t space = header.find(' ');
    std::map<std::string, std::string> f = Fields(header.substr(space + 1));
    std::string key = f[acs ? "Credential" : "Access"];
    if (key.empty() || f["Signature"].empty() || f["SignedHeaders"].empty()) return std::nullopt;
    return Credential{acs ? Credential::Scheme::kAcs3 : Credential::Scheme::kHuawei, key,
                      Split(f["SignedHeaders"], ';'), f["Signature"]};
  }
  if (starts("acs ")) {
    std::string_view rest = Trim(header.substr(4));
    size_t colon = rest.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == rest.size())
      return std::nullopt;
    return Credential{Credential::Scheme::kRoaV1,
                      std::string(rest.substr(0, colon)),
                      {},
                      std::string(rest.substr(colon + 1))};
  }
  return std::nullopt;
}

std::string Rfc3986Encode(std::string_view text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_' || c == '.' || c == '~';
    if (keep) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

// ---- ACS3-HMAC-SHA256 -------------------------------------------------------

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
    headers += name + ":" + std::string(Trim(Header(r, name))) + "\n";
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

// ---- ROA HMAC-SHA1 (v1) ----------------------------------------------------

std::string RoaV1StringToSign(const SignedRequest& r) {
  std::string out = r.method + "\n" + Header(r, "accept") + "\n" + Header(r, "content-md5") + "\n" +
                    Header(r, "content-type") + "\n" + Header(r, "date") + "\n";
  for (const auto& [name, value] : r.headers) {  // std::map: sorted
    if (name.rfind("x-acs-", 0) != 0) continue;
    std::string v = value;
    std::replace(v.begin(), v.end(), '\t', ' ');
    std::replace(v.begin(), v.end(), '\n', ' ');
    out += name + ":" + std::string(Trim(v)) + "\n";
  }
  auto [path, query] = SplitTarget(r.target);
  out += std::string(path);
  std::map<std::string, std::string> params = core::ParseQueryString(query);
  if (!params.empty()) {
    out += '?';
    bool first = true;
    for (const auto& [k, v] : params) {
      out += (first ? "" : "&") + k + "=" + v;  // raw, decoded values
      first = false;
    }
  }
  return out;
}

std::string RoaV1Signature(const SignedRequest& r, std::string_view secret) {
  return HmacSha1Base64(secret, RoaV1StringToSign(r));
}

// ---- Huawei SDK-HMAC-SHA256 ------------------------------------------------

std::string HuaweiCanonicalRequest(const SignedRequest& r,
                                   const std::vector<std::string>& signed_headers,
                                   bool encode_path) {
  auto [path, query] = SplitTarget(r.target);
  std::string uri;
  if (encode_path) {
    std::vector<std::string> segments = Split(path, '/');
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
  for (const std::string& name : names) headers += name + ":" + Header(r, name) + "\n";
  std::string joined;
  for (const std::string& name : names) joined += (joined.empty() ? "" : ";") + name;
  std::string payload = Header(r, "x-sdk-content-sha256");
  if (payload.empty()) payload = Sha256Hex(r.body);
  return r.method + "\n" + uri + "\n" + canonical_query + "\n" + headers + "\n" + joined + "\n" +
         payload;
}

std::string HuaweiSignature(const SignedRequest& r, const std::vector<std::string>& signed_headers,
                            std::string_view secret, bool encode_path) {
  std::string to_sign = "SDK-HMAC-SHA256\n" + Header(r, "x-sdk-date") + "\n" +
                        Sha256Hex(HuaweiCanonicalRequest(r, signed_headers, encode_path));
  return HmacSha256Hex(secret, to_sign);
}

}  // namespace drover::auth
