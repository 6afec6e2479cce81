// Bytes as hex digits: digests (MD5 fingerprints, SHA-256 ids, ETags) and
// random ids.
//
//   core::Hex(digest, 16);              // "9e107d9d372bb6826bd81d3542a419d6"
//   core::Hex(digest, 16, /*upper=*/true);
#pragma once

#include <cstddef>
#include <string>

namespace drover::core {

inline std::string Hex(const unsigned char* data, size_t size, bool upper = false) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out(size * 2, '\0');
  for (size_t i = 0; i < size; ++i) {
    out[2 * i] = digits[data[i] >> 4];
    out[2 * i + 1] = digits[data[i] & 0xF];
  }
  return out;
}

}  // namespace drover::core
