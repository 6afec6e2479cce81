#include "core/quantity.h"

#include <charconv>
#include <cmath>
#include <utility>

namespace drover::core {

namespace {

// Larger quantities are refused rather than rounded past int64's range.
constexpr double kMaxQuantity = 1e15;

// A non-negative decimal number (at most kMaxQuantity) and the suffix after it.
std::optional<std::pair<double, std::string_view>> SplitNumber(std::string_view text) {
  size_t end = 0;
  while (end < text.size() && ((text[end] >= '0' && text[end] <= '9') || text[end] == '.')) ++end;
  if (end == 0) return std::nullopt;
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + end, value);
  if (ec != std::errc() || ptr != text.data() + end || !(value <= kMaxQuantity))
    return std::nullopt;
  return std::pair{value, text.substr(end)};
}

}  // namespace

std::optional<int64_t> ParseCpuMilli(std::string_view text) {
  if (text.empty()) return 0;
  auto parsed = SplitNumber(text);
  if (!parsed) return std::nullopt;
  auto [value, unit] = *parsed;
  if (unit == "m") return static_cast<int64_t>(std::llround(value));
  if (!unit.empty()) return std::nullopt;
  return static_cast<int64_t>(std::llround(value * 1000));
}

std::optional<int64_t> ParseMemoryBytes(std::string_view text) {
  if (text.empty()) return 0;
  auto parsed = SplitNumber(text);
  if (!parsed) return std::nullopt;
  auto [value, unit] = *parsed;
  static const std::pair<std::string_view, double> kUnits[] = {
      {"", 1.0},  {"Ki", 1024.0}, {"Mi", 1048576.0}, {"Gi", 1073741824.0}, {"Ti", 1099511627776.0},
      {"K", 1e3}, {"M", 1e6},     {"G", 1e9},        {"T", 1e12},
  };
  for (const auto& [name, scale] : kUnits) {
    if (unit == name) {
      if (value * scale > kMaxQuantity * 1e3) return std::nullopt;
      return static_cast<int64_t>(std::llround(value * scale));
    }
  }
  return std::nullopt;
}

std::string FormatMemory(int64_t bytes) {
  constexpr int64_t kGi = 1LL << 30, kMi = 1LL << 20;
  if (bytes == 0) return "";
  if (bytes % kGi == 0) return std::to_string(bytes / kGi) + "Gi";
  if (bytes % kMi == 0) return std::to_string(bytes / kMi) + "Mi";
  return std::to_string(bytes);
}

}  // namespace drover::core
