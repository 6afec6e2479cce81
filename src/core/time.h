// Time: every instant in Drover is UTC milliseconds since the epoch
// (`TimeMs`); 0 means "not happened". Dialects render it (ISO-8601, epoch
// seconds, epoch ms). The clock is an interface so tests can inject time.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace drover::core {

using TimeMs = int64_t;

constexpr TimeMs kMsPerSecond = 1000;
constexpr TimeMs kMsPerMinute = 60 * kMsPerSecond;
constexpr TimeMs kMsPerDay = 24 * 60 * kMsPerMinute;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimeMs Now() const = 0;
};

// The wall clock.
class SystemClock : public Clock {
 public:
  TimeMs Now() const override;
};

// A clock that moves only when told to. Thread-safe.
class ManualClock : public Clock {
 public:
  explicit ManualClock(TimeMs start) : now_(start) {}
  TimeMs Now() const override { return now_.load(); }
  void Set(TimeMs t) { now_.store(t); }
  void Advance(TimeMs delta) { now_.fetch_add(delta); }

 private:
  std::atomic<TimeMs> now_;
};

// "2025-04-16T07:25:34Z" (seconds precision, UTC), or with `millis`
// "2025-04-16T07:25:34.250Z".
std::string FormatIso8601(TimeMs t, bool millis = false);
// The same text written into `buf`, which the result views (no allocation:
// for rendering many times a response).
std::string_view FormatIso8601(TimeMs t, bool millis, char (&buf)[32]);

// "Fri, 27 Nov 2026 10:21:48 GMT" (RFC 1123, HTTP headers).
std::string FormatHttpDate(TimeMs t);

// Parses ISO-8601 date-times: "2025-04-16T07:25:34Z", with optional
// fractional seconds and a "Z" or "+08:00" style offset; a bare date
// "2025-04-16" is midnight UTC. Returns nullopt on anything else.
std::optional<TimeMs> ParseIso8601(std::string_view text);

}  // namespace drover::core
