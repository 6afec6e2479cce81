// What the signature schemes share when they rebuild a request's canonical
// form: header lookup, splitting the target, RFC 3986 encoding, and the
// date formats their headers use. Pure functions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/verifier.h"
#include "core/time.h"

namespace drover::auth {

std::string_view TrimSpace(std::string_view s);
// The header's value, or "" when absent (`name` in lowercase).
std::string HeaderValue(const SignedRequest& request, const std::string& name);
// "/path?query" → {"/path", "query"}.
std::pair<std::string_view, std::string_view> SplitTarget(std::string_view target);
// Splits on `sep`, trimming each part.
std::vector<std::string> SplitTrimmed(std::string_view text, char sep);
// "k1=v1,k2=v2" (or ", " separated) → map.
std::map<std::string, std::string> CommaFields(std::string_view text);
bool Lists(const std::vector<std::string>& names, std::string_view name);

// The credential of an Authorization header of the form
// "<scheme> <key_field>=AK, SignedHeaders=a;b, Signature=s" (ACS3, Huawei):
// nullopt unless it starts with `scheme` and a space and has all three.
std::optional<Credential> ParseFieldCredential(std::string_view header, std::string_view scheme,
                                               const std::string& key_field);

// The credential of an Authorization header "<scheme> AK:signature" (OSS
// V1, ROA v1): nullopt unless it starts with `scheme` and a space and has
// both parts.
std::optional<Credential> ParseKeyColonCredential(std::string_view header, std::string_view scheme);

// RFC 3986 encoding as the SDKs use it: unreserved A-Z a-z 0-9 - _ . ~ kept.
std::string Rfc3986Encode(std::string_view text);

// "Sun, 22 Nov 2026 22:56:46 GMT" (RFC 1123) and "20261122T225646Z".
std::optional<core::TimeMs> ParseHttpDate(std::string_view text);
std::optional<core::TimeMs> ParseBasicDate(std::string_view text);

}  // namespace drover::auth
