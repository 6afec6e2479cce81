#include "text/text.h"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/ubrk.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <memory>

namespace drover::text {

std::string Fold(std::string_view utf8) {
  // ASCII fast path: most names and commands are plain ASCII.
  if (std::all_of(utf8.begin(), utf8.end(), [](char c) { return (c & 0x80) == 0; })) {
    std::string out(utf8);
    for (char& c : out) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
  }
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  u.foldCase();
  std::string out;
  u.toUTF8String(out);
  return out;
}

namespace {

// One word break iterator per thread: creating one loads ICU's rules.
icu::BreakIterator& WordIterator() {
  thread_local std::unique_ptr<icu::BreakIterator> it = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> created(
        icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
    return created;
  }();
  // The analyzer loses track of a thread_local initialised from a lambda
  // and takes the iterator for freed; it lives as long as the thread.
  return *it;  // NOLINT(clang-analyzer-cplusplus.NewDelete)
}

}  // namespace

namespace {

bool IsAsciiAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Plain ASCII: a word is a run of letters and digits, which is what ICU's
// rules give for it once `-_./` split too (apostrophes aside).
std::vector<std::string> AsciiWords(std::string_view text) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !IsAsciiAlnum(text[i])) ++i;
    size_t start = i;
    while (i < text.size() && IsAsciiAlnum(text[i])) ++i;
    if (i > start) {
      std::string word(text.substr(start, i - start));
      for (char& ch : word) {
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
      }
      words.push_back(std::move(word));
    }
  }
  return words;
}

}  // namespace

std::vector<std::string> Words(std::string_view utf8) {
  if (std::all_of(utf8.begin(), utf8.end(), [](char c) { return (c & 0x80) == 0; })) {
    return AsciiWords(utf8);
  }
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  u.foldCase();
  for (int32_t i = 0; i < u.length(); ++i) {
    char16_t c = u.charAt(i);
    if (c == '-' || c == '_' || c == '.' || c == '/') u.setCharAt(i, ' ');
  }
  std::vector<std::string> words;
  icu::BreakIterator& it = WordIterator();
  it.setText(u);
  int32_t start = it.first();
  for (int32_t end = it.next(); end != icu::BreakIterator::DONE; start = end, end = it.next()) {
    if (it.getRuleStatus() == UBRK_WORD_NONE) continue;  // spaces, punctuation
    std::string word;
    u.tempSubStringBetween(start, end).toUTF8String(word);
    words.push_back(std::move(word));
  }
  return words;
}

bool ContainsAllWords(const std::vector<std::string>& words,
                      const std::vector<std::string>& query) {
  for (const std::string& q : query) {
    if (std::find(words.begin(), words.end(), q) == words.end()) return false;
  }
  return true;
}

namespace {

// Length of the UTF-8 sequence starting with byte `lead`.
size_t Utf8Length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  if ((lead >> 3) == 0x1E) return 4;
  return 1;
}

}  // namespace

bool GlobMatch(std::string_view text, std::string_view pattern) {
  // Iterative matcher with one backtrack point for the last `*`.
  size_t t = 0, p = 0;
  size_t star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '?') {
      t += Utf8Length(static_cast<unsigned char>(text[t]));
      ++p;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star_p = p++;
      star_t = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++t;
      ++p;
    } else if (star_p != std::string_view::npos) {
      p = star_p + 1;
      star_t += Utf8Length(static_cast<unsigned char>(text[star_t]));
      t = star_t;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::string AsOneWord(std::string_view text) {
  constexpr char kHex[] = "0123456789abcdef";
  std::string word;
  word.reserve(1 + 2 * text.size());
  word += 'k';
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    word += kHex[byte >> 4];
    word += kHex[byte & 0xF];
  }
  return word;
}

std::optional<std::string> FromOneWord(std::string_view word) {
  if (word.empty() || word[0] != 'k' || word.size() % 2 == 0) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string text;
  text.reserve(word.size() / 2);
  for (size_t i = 1; i + 1 < word.size(); i += 2) {
    int hi = nibble(word[i]), lo = nibble(word[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    text.push_back(static_cast<char>(hi * 16 + lo));
  }
  return text;
}

}  // namespace drover::text
