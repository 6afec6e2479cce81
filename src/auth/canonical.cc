#include "auth/canonical.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "core/url.h"

namespace drover::auth {

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string HeaderValue(const SignedRequest& r, const std::string& name) {
  auto it = r.headers.find(name);
  return it == r.headers.end() ? "" : it->second;
}

std::pair<std::string_view, std::string_view> SplitTarget(std::string_view target) {
  size_t q = target.find('?');
  if (q == std::string_view::npos) return {target, {}};
  return {target.substr(0, q), target.substr(q + 1)};
}

std::vector<std::string> SplitTrimmed(std::string_view text, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(sep, start);
    if (end == std::string_view::npos) end = text.size();
    out.emplace_back(TrimSpace(text.substr(start, end - start)));
    start = end + 1;
  }
  return out;
}

std::map<std::string, std::string> CommaFields(std::string_view text) {
  std::map<std::string, std::string> out;
  for (const std::string& part : SplitTrimmed(text, ',')) {
    size_t eq = part.find('=');
    if (eq != std::string::npos) out[part.substr(0, eq)] = part.substr(eq + 1);
  }
  return out;
}

bool Lists(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::optional<Credential> ParseFieldCredential(std::string_view header, std::string_view scheme,
                                               const std::string& key_field) {
  header = TrimSpace(header);
  if (!header.starts_with(scheme) || header.substr(scheme.size(), 1) != " ") return std::nullopt;
  std::map<std::string, std::string> f = CommaFields(header.substr(scheme.size() + 1));
  if (f[key_field].empty() || f["Signature"].empty() || f["SignedHeaders"].empty())
    return std::nullopt;
  return Credential{
      f[key_field], SplitTrimmed(f["SignedHeaders"], ';'), f["Signature"], std::nullopt, {}};
}

std::optional<Credential> ParseKeyColonCredential(std::string_view header,
                                                  std::string_view scheme) {
  header = TrimSpace(header);
  if (!header.starts_with(scheme) || header.size() <= scheme.size() ||
      header[scheme.size()] != ' ') {
    return std::nullopt;
  }
  std::string_view rest = TrimSpace(header.substr(scheme.size() + 1));
  size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == rest.size()) {
    return std::nullopt;
  }
  return Credential{std::string(rest.substr(0, colon)),
                    {},
                    std::string(rest.substr(colon + 1)),
                    std::nullopt,
                    {}};
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

}  // namespace drover::auth
