#include "cli/client/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "cli/client/output.h"

namespace drover::cli::client {

Progress::Progress(std::string what, uint64_t items, uint64_t bytes, bool terminal)
    : what_(std::move(what)),
      items_(items),
      bytes_(bytes),
      terminal_(terminal),
      started_(std::chrono::steady_clock::now()) {
  if (!terminal_) return;
  Draw();  // at once: even work done before the first tick shows it ran
  ticker_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stop_) {
      Draw();
      wake_.wait_for(lock, std::chrono::milliseconds(200));
    }
  });
}

Progress::~Progress() { Finish(); }

std::string Progress::Line(const std::string& what, uint64_t items_done, uint64_t items,
                           uint64_t bytes_done, uint64_t bytes, double seconds, int width) {
  // Work measured in bytes shows bytes and their rate; work without bytes
  // (batch tasks) its items and theirs.
  bool by_bytes = bytes > 0;
  double done = static_cast<double>(by_bytes ? bytes_done : items_done);
  double total = static_cast<double>(by_bytes ? bytes : items);
  double rate = seconds > 0 ? done / seconds : 0;
  std::string eta = "--";
  if (rate > 0 && total >= done) {
    eta = std::to_string(static_cast<int64_t>((total - done) / rate)) + "s";
  }
  std::string figures = std::to_string(items_done) + "/" + std::to_string(items) + " " + what;
  if (by_bytes) {
    figures += "  " + HumanBytes(static_cast<double>(bytes_done)) + " / " +
               HumanBytes(static_cast<double>(bytes)) + "  " + HumanBytes(rate) + "/s";
  } else {
    char per_second[32];
    std::snprintf(per_second, sizeof per_second, "%.0f", rate);
    figures += "  " + std::string(per_second) + " " + what + "/s";
  }
  figures += "  ETA " + eta;
  int bar = std::max(10, width - static_cast<int>(figures.size()) - 4);
  bar = std::min(bar, 40);
  double fraction = bytes > 0   ? static_cast<double>(bytes_done) / static_cast<double>(bytes)
                    : items > 0 ? static_cast<double>(items_done) / static_cast<double>(items)
                                : 1.0;
  int filled = static_cast<int>(fraction * bar);
  return "[" + std::string(static_cast<size_t>(filled), '#') +
         std::string(static_cast<size_t>(bar - filled), '.') + "] " + figures;
}

void Progress::Draw() {
  winsize ws{};
  int width = ::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 ? ws.ws_col : 80;
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  std::string line =
      Line(what_, items_done_, items_, bytes_done_, bytes_, seconds, width).substr(0, width - 1);
  std::fprintf(stderr, "\r\x1b[2K%s", line.c_str());
  std::fflush(stderr);
}

void Progress::Done(uint64_t bytes, const std::string& line, bool skipped) {
  items_done_ += 1;
  bytes_done_ += bytes;
  if (skipped) skipped_ += 1;
  if (terminal_) return;
  std::lock_guard lock(mu_);
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

void Progress::Reached(uint64_t items_done, const std::string& line) {
  if (items_done <= items_done_) return;
  items_done_ = items_done;
  if (terminal_) return;
  std::lock_guard lock(mu_);
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

void Progress::Finish() {
  {
    std::lock_guard lock(mu_);
    if (stop_) return;
    stop_ = true;
  }
  wake_.notify_all();
  if (ticker_.joinable()) ticker_.join();
  if (terminal_) {
    std::fprintf(stderr, "\r\x1b[2K");
    std::fflush(stderr);
  }
}

}  // namespace drover::cli::client
