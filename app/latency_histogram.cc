#include "app/latency_histogram.h"

#include <algorithm>
#include <cmath>

namespace kuzet::app {

void LatencyHistogram::Observe(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) seconds = 0;  // a clock that stepped back
  ++count_;
  sum_ += seconds;
  auto bucket = std::lower_bound(kBounds.begin(), kBounds.end(), seconds);  // first bound >= it
  if (bucket != kBounds.end()) ++in_bucket_[static_cast<size_t>(bucket - kBounds.begin())];
}

uint64_t LatencyHistogram::CumulativeCount(size_t i) const {
  uint64_t total = 0;
  for (size_t j = 0; j <= i && j < in_bucket_.size(); ++j) total += in_bucket_[j];
  return total;
}

}  // namespace kuzet::app
