// How the delivery worker paces alerts: retry backoff, the hourly rate cap and digest timing.
//
// Everything here is a pure function of its inputs or of the send times it was told about, so the
// worker's decisions can be tested without a clock.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>

namespace kuzet::alert {

struct DeliveryPolicy {
  int max_per_hour =
      60;  // messages (a digest is one) per sliding hour; excess waits, never dropped
  int max_attempts = 20;                   // failed attempts before an alert is marked failed
  std::chrono::seconds retry_initial{60};  // delay after the first failure; doubles each time ...
  std::chrono::seconds retry_max{3600};    // ... up to this
  // A later mention of a story already alerted for the same rule is marked sent without a
  // message (it would tell the monitor nothing new; the web page and `kuzet mentions` list it).
  bool quiet_repeats = true;
};

// Delay before the next attempt after `attempts` failed ones (>= 1): retry_initial *
// 2^(attempts-1), at most retry_max.
std::chrono::microseconds BackoffDelay(const DeliveryPolicy& policy, uint32_t attempts);

// Sliding one-hour window of message send times. Not thread-safe (the worker owns it).
class HourlyRateCap {
 public:
  explicit HourlyRateCap(int max_per_hour) : max_per_hour_(max_per_hour) {}
  // True when one more message may be sent at now_us.
  bool Allows(int64_t now_us);
  void Record(int64_t sent_us) { sent_us_.push_back(sent_us); }
  // When the next message may be sent (now_us if allowed now).
  int64_t NextAllowed(int64_t now_us);

 private:
  void Forget(int64_t now_us);
  int max_per_hour_;
  std::deque<int64_t> sent_us_;
};

// A digest for a rule goes out once its oldest waiting alert has waited `interval`: at most one
// message per interval while mentions keep coming, and no timer state to lose in a crash.
inline bool DigestIsDue(int64_t oldest_found_us, std::chrono::seconds interval, int64_t now_us) {
  return now_us - oldest_found_us >=
         std::chrono::duration_cast<std::chrono::microseconds>(interval).count();
}

}  // namespace kuzet::alert
