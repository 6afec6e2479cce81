// Following a log through a window: GetPodLogs answers a pod's last
// MaxLines lines (log lines carry no position or time to ask from), so a
// follower polls and prints what the new window holds past the old one.
#pragma once

#include <string>
#include <vector>

namespace drover::cli::client {

// The lines of `now` that follow what `before` ended with: the longest
// suffix of `before` that begins `now` was printed already. With no
// overlap (more lines came between two polls than the window holds),
// every line of `now`.
std::vector<std::string> NewLines(const std::vector<std::string>& before,
                                  const std::vector<std::string>& now);

}  // namespace drover::cli::client
