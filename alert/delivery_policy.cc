#include "alert/delivery_policy.h"

#include <algorithm>

namespace kuzet::alert {

namespace {
constexpr int64_t kHourUs = int64_t{3600} * 1000000;
}

std::chrono::microseconds BackoffDelay(const DeliveryPolicy& policy, uint32_t attempts) {
  using std::chrono::microseconds;
  microseconds initial = policy.retry_initial;
  microseconds cap = std::max<microseconds>(policy.retry_max, initial);
  microseconds delay = initial;
  for (uint32_t i = 1; i < attempts && delay < cap; ++i) delay *= 2;
  return std::min(delay, cap);
}

void HourlyRateCap::Forget(int64_t now_us) {
  while (!sent_us_.empty() && sent_us_.front() <= now_us - kHourUs) sent_us_.pop_front();
}

bool HourlyRateCap::Allows(int64_t now_us) {
  Forget(now_us);
  return static_cast<int64_t>(sent_us_.size()) < max_per_hour_;
}

int64_t HourlyRateCap::NextAllowed(int64_t now_us) {
  if (Allows(now_us)) return now_us;
  // The window frees a slot when its oldest send leaves the hour.
  return sent_us_[sent_us_.size() - static_cast<size_t>(max_per_hour_)] + kHourUs;
}

}  // namespace kuzet::alert
