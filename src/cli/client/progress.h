// Progress: how long work shows itself (drover oss cp, drover batch wait).
// On a terminal, one line redrawn in place five times a second — items
// done of total, bytes (when the work has bytes), rate and time left — and
// cleared at the end; piped, a plain line per finished item (or step)
// instead, so logs and scripts read it. Thread-safe: copy
// workers report as they go.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

namespace drover::cli::client {

class Progress {
 public:
  // `what` names the items ("files"); the totals are known up front.
  Progress(std::string what, uint64_t items, uint64_t bytes, bool terminal);
  ~Progress();  // Finish() if not yet
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // An item is done (`line` says which, for the piped form); `skipped`
  // when it was there already.
  void Done(uint64_t bytes, const std::string& line, bool skipped = false);
  // So many items are done now (work counted elsewhere, as a batch job's
  // tasks); `line` says so in the piped form. Never goes back.
  void Reached(uint64_t items_done, const std::string& line);
  // Stops drawing and clears the line; idempotent.
  void Finish();

  // The drawn line for these figures (a pure function, for tests).
  static std::string Line(const std::string& what, uint64_t items_done, uint64_t items,
                          uint64_t bytes_done, uint64_t bytes, double seconds, int width);

  uint64_t skipped() const { return skipped_; }

 private:
  void Draw();

  const std::string what_;
  const uint64_t items_, bytes_;
  const bool terminal_;
  std::atomic<uint64_t> items_done_ = 0, bytes_done_ = 0, skipped_ = 0;
  std::chrono::steady_clock::time_point started_;
  std::mutex mu_;  // the output, and stop_
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread ticker_;
};

}  // namespace drover::cli::client
