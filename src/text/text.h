// Text: the tokenization shared by the index and by queries, so that a
// stored value and a query are always cut and folded the same way.
//
// All functions take and return UTF-8; invalid UTF-8 is replaced, never
// rejected. They are pure and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace drover::text {

// Unicode full case folding ("Job-TEST" → "job-test", "Straße" → "strasse").
std::string Fold(std::string_view utf8);

// The words of `utf8`, folded, in order, for full-text search: ICU's word
// break rules (with its dictionary for Chinese and Japanese), keeping only
// segments with letters, digits or ideographs. The separators of names,
// paths and file names — `-`, `_`, `.` and `/` — also split words
// ("tf-mnist_v2.1" → "tf", "mnist", "v2", "1"; "train.py" → "train", "py").
// Plain ASCII text takes a fast path: runs of letters and digits.
std::vector<std::string> Words(std::string_view utf8);

// Whether every word of `query` occurs among `words` (the output of Words);
// an empty query matches everything.
bool ContainsAllWords(const std::vector<std::string>& words, const std::vector<std::string>& query);

// `text` as one word of a words field, whatever characters it holds ("k"
// and its bytes in hex): Words(AsOneWord(x)) is {AsOneWord(x)}. For
// values matched whole among many (label keys, share targets).
std::string AsOneWord(std::string_view text);
// The text AsOneWord made `word` from; nullopt for a word it did not make.
std::optional<std::string> FromOneWord(std::string_view word);

// Glob match of folded text: `*` any run of characters, `?` exactly one
// character (a code point, not a byte). Both arguments are already folded.
bool GlobMatch(std::string_view text, std::string_view pattern);

}  // namespace drover::text
