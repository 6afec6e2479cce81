#include "cli/client/log_window.h"

#include <algorithm>

namespace drover::cli::client {

std::vector<std::string> NewLines(const std::vector<std::string>& before,
                                  const std::vector<std::string>& now) {
  for (size_t k = std::min(before.size(), now.size()); k > 0; --k) {
    auto suffix = before.end() - static_cast<std::ptrdiff_t>(k);
    if (std::equal(suffix, before.end(), now.begin())) {
      return {now.begin() + static_cast<std::ptrdiff_t>(k), now.end()};
    }
  }
  return now;
}

}  // namespace drover::cli::client
