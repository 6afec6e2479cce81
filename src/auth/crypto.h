// The hashes and MACs the vendors' signatures use (OpenSSL), as text.
#pragma once

#include <string>
#include <string_view>

namespace drover::auth {

std::string Sha256Hex(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);  // raw bytes
std::string HmacSha256Hex(std::string_view key, std::string_view data);
std::string HmacSha1Base64(std::string_view key, std::string_view data);
std::string Md5Base64(std::string_view data);
std::string Base64Encode(std::string_view data);
// Hex of `bytes` random bytes from the OS's CSPRNG.
std::string RandomHex(size_t bytes);
// Equal without leaking where they differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace drover::auth
