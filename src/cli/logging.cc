#include "cli/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/spdlog.h>

#include <stdexcept>

#include "api/http/request_scope.h"

namespace drover::cli {

namespace {

// `%*`: "[req <id>] " while this thread serves a request, else nothing.
class RequestIdFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg&, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    std::string_view id = api::CurrentRequestId();
    if (id.empty()) return;
    constexpr std::string_view kOpen = "[req ", kClose = "] ";
    dest.append(kOpen.data(), kOpen.data() + kOpen.size());
    dest.append(id.data(), id.data() + id.size());
    dest.append(kClose.data(), kClose.data() + kClose.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<RequestIdFlag>();
  }
};

}  // namespace

void ConfigureLogging(const std::string& level) {
  spdlog::level::level_enum parsed = spdlog::level::from_str(level);
  // from_str answers "off" for anything it does not know.
  if (parsed == spdlog::level::off && level != "off") {
    throw std::runtime_error(
        "--log-level must be trace, debug, info, warn, error, critical or "
        "off, not " +
        level);
  }
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<RequestIdFlag>('*').set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%^%l%$] %*%v");
  spdlog::set_formatter(std::move(formatter));
  spdlog::set_level(parsed);
}

}  // namespace drover::cli
