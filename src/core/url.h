// Percent-decoding of URL parts (pure string functions).
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace drover::core {

std::string PercentDecode(std::string_view text, bool plus_is_space);
// Splits "a=1&b=x%20y" into decoded pairs ("+" is a space); a repeated key
// keeps its last value.
std::map<std::string, std::string> ParseQueryString(std::string_view query);

}  // namespace drover::core
