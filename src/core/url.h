// Percent-encoding and -decoding of URL parts (pure string functions).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace drover::core {

std::string PercentDecode(std::string_view text, bool plus_is_space);
// Every byte but A-Z a-z 0-9 - _ . ~ and '/' as %XX (uppercase): an object
// key as OSS writes it in URLs, listings with encoding-type=url, manifests
// and reports.
std::string PercentEncodeKey(std::string_view text);
// "a=1&b=x%20y&c" as decoded pairs in order ("+" is a space); a key
// without '=' has no value (nullopt), which a canonical form may write
// apart from an empty one ("k" vs "k=").
std::vector<std::pair<std::string, std::optional<std::string>>> QueryPairs(std::string_view query);
// Splits "a=1&b=x%20y" into decoded pairs ("+" is a space); a repeated key
// keeps its last value.
std::map<std::string, std::string> ParseQueryString(std::string_view query);

}  // namespace drover::core
