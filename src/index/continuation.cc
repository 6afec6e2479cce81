#include "index/continuation.h"

#include <charconv>
#include <random>
#include <vector>

#include "core/error.h"

namespace drover::index {

std::string EncodeContinuation(const Continuation& c) {
  std::string out;
  auto field = [&out](uint64_t v) {
    char buf[16];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, 16);
    if (!out.empty()) out += '-';
    out.append(buf, end);
  };
  field(c.snapshot.epoch);
  field(c.snapshot.revision);
  field(static_cast<uint64_t>(c.offset));
  field(c.fingerprint);
  field(static_cast<uint64_t>(c.now));
  return out;
}

std::optional<Continuation> DecodeContinuation(std::string_view token) {
  std::vector<uint64_t> fields;
  while (!token.empty() && fields.size() < 6) {
    size_t dash = token.find('-');
    std::string_view part = token.substr(0, dash);
    uint64_t v = 0;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), v, 16);
    if (part.empty() || ec != std::errc() || end != part.data() + part.size()) return std::nullopt;
    fields.push_back(v);
    token = dash == std::string_view::npos ? std::string_view() : token.substr(dash + 1);
    if (dash != std::string_view::npos && token.empty()) return std::nullopt;
  }
  constexpr uint64_t kMax = INT64_MAX;
  if (fields.size() != 5 || fields[2] > kMax || fields[4] > kMax) return std::nullopt;
  return Continuation{{fields[0], fields[1]},
                      static_cast<int64_t>(fields[2]),
                      fields[3],
                      static_cast<core::TimeMs>(fields[4])};
}

uint64_t NewEpoch() {
  std::random_device device;
  return (uint64_t{device()} << 32 | device()) | 1;  // never 0, which no token carries
}

void ThrowSnapshotExpired() {
  throw core::Error(core::ErrorCode::kInvalidArgument,
                    "The continuation token has expired or is not from this server run; "
                    "list again from the first page.",
                    "", kSnapshotExpired);
}

}  // namespace drover::index
