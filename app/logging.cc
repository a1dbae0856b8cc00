#include "app/logging.h"

#include <cstdlib>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace kuzet::app {

void InitLogging() {
  auto logger = spdlog::stderr_color_mt("kuzet");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::warn);
  if (const char* level = std::getenv("KUZET_LOG_LEVEL")) SetLogLevel(level);
}

void SetLogLevel(const std::string& level) {
  auto parsed = spdlog::level::from_str(level);
  // from_str returns "off" for unknown names; only accept "off" when asked for.
  if (parsed != spdlog::level::off || level == "off") spdlog::set_level(parsed);
}

}  // namespace kuzet::app
