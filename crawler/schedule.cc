#include "crawler/schedule.h"

#include <algorithm>

namespace kuzet::crawler {

int64_t AdaptInterval(int64_t interval_s, bool changed, int64_t min_s, int64_t max_s) {
  double next =
      changed ? static_cast<double>(interval_s) / 2.0 : static_cast<double>(interval_s) * 1.25;
  next = std::clamp(next, static_cast<double>(min_s), static_cast<double>(max_s));
  return static_cast<int64_t>(next);
}

uint64_t HashItemUrls(std::vector<std::string> urls) {
  std::sort(urls.begin(), urls.end());
  uint64_t h = 1469598103934665603ull;
  for (const std::string& url : urls) {
    for (unsigned char c : url) h = (h ^ c) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull;
  }
  return h;
}

}  // namespace kuzet::crawler
