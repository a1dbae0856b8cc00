#include "app/time_bound.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

#include "config/config.h"

namespace kuzet::app {

Result<int64_t> ParseTimeBound(std::string_view option, std::string_view text, int64_t now_us) {
  auto duration = config::ParseDuration(text);
  if (duration.ok()) return now_us - static_cast<int64_t>(duration->count()) * 1000000;

  std::string s(text);
  std::tm tm{};
  int consumed = 0;
  bool parsed = false;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) == 6 &&
      consumed == static_cast<int>(s.size())) {
    parsed = true;
  } else {
    tm = {};
    consumed = 0;
    parsed = std::sscanf(s.c_str(), "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                         &consumed) == 3 &&
             consumed == static_cast<int>(s.size());
  }
  if (!parsed || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31) {
    return Status::InvalidArgument(
        std::string(option) +
        ": expected a duration like \"24h\" or a date like \"2026-11-01\", got \"" + s + "\"");
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm)) * 1000000;
}

}  // namespace kuzet::app
