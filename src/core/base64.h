// Base64 (RFC 4648, with padding), for bytes that travel or are stored as
// text: data: URLs, stored vectors, inline object bytes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace drover::core {

std::string Base64Encode(std::string_view bytes);
// nullopt for text that is not Base64 (bad characters or length).
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace drover::core
