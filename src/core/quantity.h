// Quantities as Kubernetes-style resource strings spell them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace drover::core {

// Cores → thousandths: "4" → 4000, "0.5" → 500, "500m" → 500. Empty is 0.
// nullopt for text that is not a quantity.
std::optional<int64_t> ParseCpuMilli(std::string_view text);
// Bytes: "10Gi", "512Mi", "1G", "1024". Empty is 0. nullopt otherwise.
std::optional<int64_t> ParseMemoryBytes(std::string_view text);
// Bytes as the shortest exact "NGi" / "NMi" / "N" text ("" for 0).
std::string FormatMemory(int64_t bytes);

}  // namespace drover::core
