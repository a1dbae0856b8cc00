// A Prometheus histogram of durations with fixed buckets (exposition format: cumulative
// `_bucket{le=...}` counts, `_sum`, `_count`). Fixed, so its series are bounded whatever is
// observed. A value type: its owner serializes access.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace kuzet::app {

class LatencyHistogram {
 public:
  // Upper bounds in seconds, for fetches bounded by fetch_timeout (default 30 s); slower ones
  // land in +Inf only.
  static constexpr std::array<double, 11> kBounds = {0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60};

  void Observe(double seconds);

  // Observations <= kBounds[i] (cumulative), for i < kBounds.size().
  uint64_t CumulativeCount(size_t i) const;
  uint64_t count() const { return count_; }  // the +Inf bucket
  double sum() const { return sum_; }

 private:
  std::array<uint64_t, kBounds.size()> in_bucket_{};  // not cumulative
  uint64_t count_ = 0;
  double sum_ = 0;
};

}  // namespace kuzet::app
