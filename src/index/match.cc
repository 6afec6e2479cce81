#include "index/match.h"

#include <algorithm>

#include "text/text.h"

namespace drover::index {

bool NameMatches(std::string_view folded_name, NameMatch mode, std::string_view query) {
  switch (mode) {
    case NameMatch::kWildcard:
      if (query.find_first_of("*?") == std::string::npos)
        return folded_name.find(query) != std::string::npos;
      return text::GlobMatch(folded_name, "*" + std::string(query) + "*");
    case NameMatch::kPrefix:
      return folded_name.starts_with(query);
    case NameMatch::kTerm:
      return folded_name == query;
  }
  return false;
}

std::string TagTerm(std::string_view key, std::string_view value) {
  std::string term;
  term.reserve(key.size() + 1 + value.size());
  term.append(key).push_back('\0');
  term.append(value);
  return term;
}

bool TagHolds(std::string_view term, std::string_view folded) {
  size_t split = term.find('\0');
  std::string_view key = term.substr(0, split);
  std::string_view value = split == std::string_view::npos ? "" : term.substr(split + 1);
  return text::Fold(key).find(folded) != std::string::npos ||
         text::Fold(value).find(folded) != std::string::npos;
}

std::string LongestLiteral(std::string_view pattern) {
  std::string best, current;
  for (char c : pattern) {
    if (c == '*' || c == '?') {
      if (current.size() > best.size()) best = current;
      current.clear();
    } else {
      current += c;
    }
  }
  return current.size() > best.size() ? current : best;
}

std::vector<std::string> SortedWords(std::string_view text) {
  std::vector<std::string> words = text::Words(text);
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  return words;
}

}  // namespace drover::index
