// UTF-8 checks and repairs. Every body Drover writes is valid UTF-8; text
// from outside that may not be (a pod's output, percent-decoded query
// values) is checked (request input: refused) or repaired (output a job
// wrote: each bad byte becomes U+FFFD) before it reaches one. Pure.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace drover::core {

// Well-formed UTF-8 (RFC 3629: no overlongs, no surrogates, ≤ U+10FFFF).
bool IsValidUtf8(std::string_view text);
// `text` with each byte that starts no well-formed sequence replaced by
// U+FFFD; valid text comes back unchanged.
std::string ToValidUtf8(std::string_view text);
// The longest prefix of valid UTF-8 `text` of at most `max_bytes` that
// does not split a character.
std::string_view Utf8Prefix(std::string_view text, size_t max_bytes);

}  // namespace drover::core

namespace drover::core {

// The code points of valid UTF-8 `text` (check it first: invalid bytes
// decode to nonsense, though never out of bounds).
std::u32string DecodeUtf8(std::string_view text);
// How many code points valid UTF-8 `text` holds.
size_t CountCodePoints(std::string_view text);

}  // namespace drover::core
