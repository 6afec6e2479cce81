// Matching rules every engine shares, so they cannot disagree about them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "index/query.h"

namespace drover::index {

// `query` is folded; `folded_name` is text::Fold of the search field.
bool NameMatches(std::string_view folded_name, NameMatch mode, std::string_view query);

// A tag's posting term: "key\0value".
std::string TagTerm(std::string_view key, std::string_view value);
// Whether the key or the value of TagTerm `term` holds `folded`, compared
// case-folded.
bool TagHolds(std::string_view term, std::string_view folded);

// The longest run of `pattern` without wildcards (`*`, `?`).
std::string LongestLiteral(std::string_view pattern);

// The distinct sorted words of `text` (text::Words).
std::vector<std::string> SortedWords(std::string_view text);

}  // namespace drover::index
