#include "core/ids.h"

#include <random>

namespace drover::core {

namespace {

// An odd multiplier is invertible modulo 2^64, so the scramble is a bijection.
constexpr uint64_t kMultiplier = 0x9E3779B97F4A7C15ull;
constexpr uint64_t kXorMask = 0x5DEECE66Dull;
constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
constexpr size_t kIdDigits = 13;  // 36^13 > 2^64

std::string RandomUuid(bool upper) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t hi = rng(), lo = rng();
  hi = (hi & ~0xF000ull) | 0x4000ull;                         // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;  // variant 1
  const char* hex = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 32; ++i) {
    uint64_t word = i < 16 ? hi : lo;
    int shift = 60 - 4 * (i % 16);
    out += hex[(word >> shift) & 0xF];
    if (i == 7 || i == 11 || i == 15 || i == 19) out += '-';
  }
  return out;
}

// 13 base-36 digits of a bijective scramble of `number` for this
// installation, then `extra` digits more that depend on them only.
std::string ScrambledDigits(uint64_t number, uint64_t installation_key, size_t extra) {
  // Each step is a bijection of 64-bit values for a fixed key.
  uint64_t x = (number ^ kXorMask ^ installation_key) * kMultiplier;
  x ^= (installation_key << 29) | (installation_key >> 35);
  std::string digits(kIdDigits + extra, '0');
  uint64_t filler = x * kMultiplier + installation_key;
  for (size_t i = kIdDigits; i-- > 0;) {
    digits[i] = kDigits[x % 36];
    x /= 36;
  }
  for (size_t i = kIdDigits; i < digits.size(); ++i) {
    digits[i] = kDigits[filler % 36];
    filler /= 36;
  }
  return digits;
}

}  // namespace

std::string JobPublicId(JobNumber number, uint64_t installation_key) {
  return "dlc" + ScrambledDigits(number, installation_key, 0);
}

std::string DatasetPublicId(RecordNumber number, uint64_t installation_key) {
  return "d-" + ScrambledDigits(number, installation_key ^ 0xD5, 5);
}

std::string DatasetJobPublicId(RecordNumber number, uint64_t installation_key) {
  return "dsjob-" + ScrambledDigits(number, installation_key ^ 0x10B, 5);
}

std::string DatasetJobConfigPublicId(RecordNumber number, uint64_t installation_key) {
  return "dscfg-" + ScrambledDigits(number, installation_key ^ 0xCF6, 5);
}

std::string NewRequestId() { return RandomUuid(true); }
std::string NewUuid() { return RandomUuid(false); }

}  // namespace drover::core
